"""The section for audits that have no section of their own: signature, settings, summary, rows, notes."""

from __future__ import annotations

import jinja2

from ...results import ResultsDocument
from ..tables import data_table, key_values, row_columns

TITLE = "Other results"


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """Render each document's settings, summary and rows as recorded."""
    blocks = []
    for i, doc in enumerate(docs):
        rows = doc.rows
        blocks.append(
            {
                "audit": doc.audit,
                "signature": doc.signature,
                "settings": key_values(doc.settings),
                "summary": key_values(doc.summary),
                "notes": doc.notes,
                "table": data_table(f"generic-{_slug(doc.audit)}-{i}-rows", rows, row_columns(rows))
                if rows
                else None,
            }
        )
    return env.get_template("generic.html.j2").render(blocks=blocks)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())[:40]
