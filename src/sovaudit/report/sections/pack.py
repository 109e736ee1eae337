"""Report section for probe packs (``audit == "pack"``): score per language and topic, from the document.

Example packs are labelled as such in a warning line, so their scores are not read as findings.
"""

from __future__ import annotations

from typing import Any

import jinja2

from ...results import ResultsDocument
from ..tables import Column, as_mapping, data_table, fmt_pct, is_number

TITLE = "Probe packs"

ROW_COLUMNS = [
    Column("language", "language", "text", select=True),
    Column("topic", "topic", "text", select=True),
    Column("score", "score", "pct", 1, title="share of items answered right"),
    Column("ci_low", "95% low", "pct", 1),
    Column("ci_high", "95% high", "pct", 1),
    Column("n_items", "items", "int"),
    Column("n_empty", "empty answers", "int", title="short answers left empty (counted wrong)"),
]


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """One block per pack run."""
    blocks = []
    for i, doc in enumerate(docs):
        s = as_mapping(doc.summary)
        scores = as_mapping(s.get("scores"))
        ref = s.get("reference_language")
        gaps = as_mapping(s.get("gap_to_reference"))
        lines = []
        for lang, v in scores.items():
            g: Any = gaps.get(lang)
            vs = f" ({100 * float(g):+.1f} percentage points vs {ref})" if is_number(g) else ""
            lines.append(f"{lang}: {fmt_pct(v)}{vs}")
        blocks.append(
            {
                "pack": s.get("pack", ""),
                "version": s.get("pack_version", ""),
                "domain": s.get("domain", ""),
                "countries": ", ".join(str(c) for c in s.get("countries") or []),
                "example": bool(s.get("example")),
                "secret": s.get("visibility") == "secret",
                "model": s.get("model", ""),
                "signature": doc.signature,
                "lines": lines,
                "table": data_table(f"pack-{i}-rows", doc.rows, ROW_COLUMNS) if doc.rows else None,
                "notes": doc.notes,
            }
        )
    return env.get_template("pack.html.j2").render(blocks=blocks)
