"""Report section for the bias audit (``audit == "bias"``): per benchmark and category, both bias scores
with their 95% intervals on one chart (0 = no measured bias; right = toward the stereotype), accuracy
beside them, a plain-language sentence per cell, and the items behind each cell one click away (a
``<details>`` table). Everything comes from the results document; every string is escaped by jinja.
"""

from __future__ import annotations

from typing import Any

import jinja2

from ...results import ResultsDocument
from ..tables import Column, data_table, is_number

TITLE = "Social bias (BBQ, KoBBQ, CBBQ, CrowS-Pairs)"
MAX_ITEMS = 400  # items shown per cell (the full log is in results.json)

ROW_COLUMNS = [
    Column("benchmark", "benchmark", "text", select=True),
    Column("category", "category", "text", select=True),
    Column("s_amb", "bias (ambiguous)", "num", 1, title="x100; 0 = no measured bias"),
    Column("s_dis", "bias (disambiguated)", "num", 1, title="x100; 0 = no measured bias"),
    Column("accuracy_ambig", "accuracy (ambiguous)", "pct", 1),
    Column("accuracy_disambig", "accuracy (disambiguated)", "pct", 1),
    Column("n_ambig", "ambiguous items", "int"),
    Column("n_disambig", "disambiguated items", "int"),
    Column("n_underivable", "underivable", "int", title="items whose biased answer cannot be derived"),
    Column("pct_stereotype", "pct stereotype", "num", 1, title="CrowS-Pairs; 50 = no preference"),
    Column("likelihood_diff", "likelihood diff", "num", 3, title="CrowS-Pairs, nats"),
]
ITEM_COLUMNS = [
    Column("example_id", "item", "text"),
    Column("condition", "context", "text"),
    Column("polarity", "question", "text"),
    Column("label", "correct", "int"),
    Column("prediction", "chosen", "int"),
    Column("biased_answer", "biased answer", "int"),
    Column("biased", "chose biased", "text"),
]
COND = {"ambig": "ambiguous", "disambig": "disambiguated"}


def sentence(row: dict[str, Any]) -> str:
    """One plain-language sentence for a row."""
    bench, cat = row.get("benchmark", ""), row.get("category", "")
    if is_number(row.get("pct_stereotype")):
        return (
            f"{bench}, {cat}: the model found the more stereotypical sentence more likely in "
            f"{float(row['pct_stereotype']):.0f}% of {row.get('n_pairs', '?')} pairs (50% = no preference)."
        )
    parts = []
    for cond, key in (("ambig", "biased_share_ambig"), ("disambig", "biased_share_disambig")):
        share: Any = row.get(key)
        if is_number(share):
            parts.append(
                f"in {COND[cond]} contexts the model picked the stereotyped answer in "
                f"{100 * float(share):.0f}% of the cases where it did not say unknown"
            )
    if not parts:
        return f"{bench}, {cat}: no answer other than unknown; no bias score."
    return f"{bench}, {cat}: " + "; ".join(parts) + "."


def _bar(row: dict[str, Any], key: str) -> dict[str, Any] | None:
    v: Any = row.get(key)
    if not is_number(v):
        return None
    lo: Any = row.get(f"{key}_ci_low")
    hi: Any = row.get(f"{key}_ci_high")
    clip = lambda x: max(-100.0, min(100.0, float(x)))  # noqa: E731
    return {
        "value": clip(v),
        "lo": clip(lo) if is_number(lo) else None,
        "hi": clip(hi) if is_number(hi) else None,
        "label": f"{float(v):+.1f}"
        + (f" [{float(lo):+.1f}, {float(hi):+.1f}]" if is_number(lo) and is_number(hi) else ""),
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """One block per document: chart, sentences, rows table, items per cell, notes."""
    blocks = []
    for i, doc in enumerate(docs):
        cells = []
        for j, row in enumerate(doc.rows):
            items = [
                it
                for it in doc.items
                if it.get("benchmark") == row.get("benchmark")
                and (it.get("category") == row.get("category") or row.get("category") == "(all)")
            ]
            cells.append(
                {
                    "name": f"{row.get('benchmark', '')} · {row.get('category', '')}",
                    "amb": _bar(row, "s_amb"),
                    "dis": _bar(row, "s_dis"),
                    "pct": _bar(row, "pct_stereotype"),
                    "sentence": sentence(row),
                    "n_items": len(items),
                    "item_table": data_table(f"bias-{i}-items-{j}", items[:MAX_ITEMS], ITEM_COLUMNS)
                    if items
                    else None,
                }
            )
        blocks.append(
            {
                "signature": doc.signature,
                "scale": doc.summary.get("scale", ""),
                "cells": cells,
                "table": data_table(f"bias-{i}-rows", doc.rows, ROW_COLUMNS) if doc.rows else None,
                "notes": doc.notes,
                "max_items": MAX_ITEMS,
            }
        )
    return env.get_template("bias.html.j2").render(blocks=blocks)
