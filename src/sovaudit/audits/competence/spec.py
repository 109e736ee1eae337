"""The settings of a competence run (their own module: the audit and its document both read them)."""

from __future__ import annotations

from pydantic import Field

from ...inputs import input_field
from ..base import ModelAuditSpec


class CompetenceSpec(ModelAuditSpec):
    """Settings of a competence run (``languages`` empty and no ``country``: every corpus language)."""

    corpus: str = input_field("udhr", kind="corpus")
    reference: str = "eng"
    languages: tuple[str, ...] = ()
    country: str | None = None
    ngram_order: int = Field(default=5, ge=1)
    bootstrap: int = Field(default=1000, ge=0)
    seed: int = Field(default=0, ge=0)
