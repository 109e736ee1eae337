"""The opinions audit: GlobalOpinionQA similarity per country (Durmus et al. 2023)."""

from .audit import OpinionsAudit, OpinionsSpec
from .metrics import js_distance, similarity
from .readers import OpinionQuestion, read_opinions

__all__ = ["OpinionQuestion", "OpinionsAudit", "OpinionsSpec", "js_distance", "read_opinions", "similarity"]
