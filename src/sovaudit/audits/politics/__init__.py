"""The politics audit: political lean per axis with its spread over prompt variants (Röttger et al. 2024)."""

from .audit import PoliticsAudit, PoliticsSpec
from .scoring import eightvalues_scores, pct_coordinates
from .statements import load_statements

__all__ = ["PoliticsAudit", "PoliticsSpec", "eightvalues_scores", "load_statements", "pct_coordinates"]
