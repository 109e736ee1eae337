"""The example audit of docs/adding-an-audit.md: UTF-8 bytes per character of texts, per language.

It is complete: a Spec, plan, score over summable counts, reduce with a bootstrap interval that goes through
the same metric function as the point estimate. Tests register it and run it through the runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from sovaudit.audits.base import Audit, AuditSpec, Resources, Unit
from sovaudit.results import ResultsDocument, make_provenance
from sovaudit.stats import bootstrap, point


class BytesSpec(AuditSpec):
    """Texts per language, and the bootstrap settings."""

    texts: dict[str, list[str]]
    bootstrap: int = Field(default=200, ge=0)
    seed: int = Field(default=0, ge=0)


def bytes_per_char(sums: np.ndarray) -> Any:
    """The one formula: summed bytes / summed characters."""
    return sums[..., 0] / sums[..., 1]


class BytesPerCharAudit(Audit[BytesSpec]):
    """How many UTF-8 bytes a character of each language costs."""

    name = "bytes-per-char"
    version = "1"
    Spec = BytesSpec
    summary = "UTF-8 bytes per character, per language (the guide's example)"
    row_columns: ClassVar[tuple[str, ...]] = ("language", "texts", "bytes_per_char", "ci_low", "ci_high")

    def plan(self, spec: BytesSpec) -> Sequence[Unit]:
        return [Unit(f"lang-{lang}", {"language": lang}) for lang in sorted(spec.texts)]

    def score(self, unit: Unit, spec: BytesSpec, resources: Resources) -> dict[str, Any]:
        lang = unit.payload["language"]
        return {
            "language": lang,
            "stats": [[len(t.encode("utf-8")), len(t)] for t in spec.texts[lang]],  # summable per item
        }

    def reduce(self, partials: Sequence[dict[str, Any]], spec: BytesSpec) -> ResultsDocument:
        rows, items = [], []
        for part in partials:
            stats = np.array(part["stats"], dtype=float).reshape(-1, 2)
            ci = bootstrap(stats, bytes_per_char, spec.bootstrap, spec.seed)
            rows.append(
                {
                    "language": part["language"],
                    "texts": len(stats),
                    "bytes_per_char": point(stats, bytes_per_char),
                    "ci_low": ci[0] if ci else None,
                    "ci_high": ci[1] if ci else None,
                }
            )
            items += [{"language": part["language"], "bytes": b, "chars": c} for b, c in part["stats"]]
        return ResultsDocument(
            audit=self.name, signature="", provenance=make_provenance(), rows=rows, items=items
        )
