"""The competence audit: bits per byte of a model on parallel text per language, with an n-gram floor.

``method`` (the pure method: language plans, segment scores, metrics from summed counts), ``ngram`` (the
Witten-Bell character n-gram floor), ``audit`` (the audit contract: spec, plan, score, reduce, country
column and headline) and ``doc`` (the results document).
"""

from __future__ import annotations

from .audit import CompetenceAudit, CompetenceSpec

__all__ = ["CompetenceAudit", "CompetenceSpec"]
