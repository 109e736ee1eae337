"""A cheap audit run through the real runner into a bundle, for the bundle tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from sovaudit import registry
from sovaudit.audits.base import Audit, AuditSpec, Resources, Unit
from sovaudit.results import ResultsDocument, make_provenance
from sovaudit.runner import RunOptions, run_audit

TEXTS = {
    "eng": ["abc", "hello world", "the cat sat"],
    "ell": ["αβγ", "γειά σου"],
    "amh": ["ሰላም", "እንዴት ነህ"],
    "hin": ["नमस्ते", "धन्यवाद"],
}


class TinySpec(AuditSpec):
    """Texts per language."""

    texts: dict[str, list[str]]


class TinyAudit(Audit[TinySpec]):
    """UTF-8 bytes per character per language: integer counts and a float ratio per unit."""

    name = "bundle-tiny"
    version = "1"
    Spec = TinySpec
    row_columns: ClassVar[tuple[str, ...]] = ("language", "bytes", "chars", "ratio")

    def plan(self, spec: TinySpec) -> Sequence[Unit]:
        return [Unit(f"lang-{lang}", {"language": lang}) for lang in sorted(spec.texts)]

    def score(self, unit: Unit, spec: TinySpec, resources: Resources) -> dict[str, Any]:
        texts = spec.texts[unit.payload["language"]]
        b, c = sum(len(t.encode("utf-8")) for t in texts), sum(len(t) for t in texts)
        return {"language": unit.payload["language"], "bytes": b, "chars": c, "ratio": b / c}

    def reduce(self, partials: Sequence[dict[str, Any]], spec: TinySpec) -> ResultsDocument:
        rows = [dict(p) for p in partials]
        total_b, total_c = sum(r["bytes"] for r in rows), sum(r["chars"] for r in rows)
        return ResultsDocument(
            audit=self.name,
            signature="",
            provenance=make_provenance(),
            rows=rows,
            summary={"headline": {"bytes_per_char": total_b / total_c, "languages": len(rows)}},
        )


def register() -> None:
    """Make the tiny audit known to the registry (idempotent)."""
    if TinyAudit.name not in registry.audits:
        registry.audits.register(TinyAudit.name, TinyAudit)


def make_run(out: Path, texts: dict[str, list[str]] | None = None) -> None:
    """Run the tiny audit through the runner into ``out`` (results.json, rows.csv, spec.json, shards/)."""
    register()
    run_audit(TinyAudit.name, {"texts": texts or TEXTS}, RunOptions(out=out))
