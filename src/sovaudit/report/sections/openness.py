"""The openness section: MOF class and completion, OSAID 1.0 verdict, openness index, with evidence.

Reads only what the openness audit wrote (rows with ``mof``, ``osaid_detail``, ``openness_index``, ``facts``,
``findings``); older or partial documents render with what they have.
"""

from __future__ import annotations

from typing import Any

import jinja2

from ...results import ResultsDocument
from ..charts import hbar_chart
from ..tables import Column, data_table

TITLE = "Openness (MOF, OSAID 1.0, openness index)"

SUMMARY_COLUMNS = [
    Column("subject", "model / declaration", "text"),
    Column("license", "license", "text", select=True),
    Column("license_osi_approved", "OSI-approved", "text"),
    Column("mof_class", "MOF class", "text", title="1 = Open Science, 2 = Open Tooling, 3 = Open Model"),
    Column("mof_class_3", "class III %", "float", digits=1),
    Column("mof_class_2", "class II %", "float", digits=1),
    Column("mof_class_1", "class I %", "float", digits=1),
    Column("osaid", "OSAID 1.0", "text", select=True),
    Column("index_total", "index /14", "float", digits=1),
]
COMPONENT_COLUMNS = [
    Column("name", "component", "text"),
    Column("klass", "class", "int"),
    Column("required", "required", "text"),
    Column("status", "status", "text", select=True),
    Column("license", "license (as written)", "text"),
    Column("license_id", "identified as", "text"),
    Column("where", "where", "text"),
    Column(
        "evidence", "evidence", "text", title="found in the files (file, field) or declared, not verified"
    ),
]
# What the Model Openness Tool's component statuses mean, in words.
STATUS_WORDS = {
    "included": "released under an open license",
    "invalid": "listed, but its license is not open (or it is declared not included)",
    "unlicensed": "released with no license",
    "missing": "not released, or not declared",
}
INDEX_COLUMNS = [
    Column("parameter", "parameter", "text"),
    Column("group", "group", "text"),
    Column("class", "rating", "text", select=True),
    Column("basis", "basis", "text"),
    Column("reason", "reason", "text"),
]
FACT_COLUMNS = [
    Column("subject", "about", "text"),
    Column("value", "value", "text"),
    Column("status", "status", "text", select=True),
    Column("source", "source", "text"),
    Column("field", "field", "text"),
]


def _model_block(row: dict[str, Any], d: int, i: int) -> dict[str, Any]:
    mof = row.get("mof") or {}
    osaid = row.get("osaid_detail") or {}
    index = row.get("openness_index") or {}
    prefix = f"open{d}-{i}"
    facts = [
        {**f, "status": "found" if f.get("status") == "found" else "declared, not verified"}
        for f in row.get("facts") or []
        if isinstance(f, dict)
    ]
    elements = []
    for key, label in (
        ("data_information", "Data information"),
        ("code", "Code"),
        ("parameters", "Parameters"),
    ):
        part = osaid.get(key) or {}
        elements.append(
            {"label": label, "meets": bool(part.get("meets")), "reasons": part.get("reasons") or []}
        )
    failing = [str(e["label"]).lower() for e in elements if not e["meets"]]
    return {
        "headline": _headline(row, mof, osaid, index, failing),
        "status_words": STATUS_WORDS,
        "subject": str(row.get("subject", "")),
        "license": str(row.get("license", "unknown")),
        "anchor": prefix,
        "mof_class": mof.get("class"),
        "mof_label": mof.get("label", ""),
        "mof_chart": hbar_chart(
            [
                (f"class {k}", float(mof.get(f"class_{n}", 0.0) or 0.0))
                for k, n in (("III", 3), ("II", 2), ("I", 1))
            ],
            title="MOF completion (%)",
            value_format="{:.1f}",
        ),
        "as_written": mof.get("as_written") or {},
        "not_type_appropriate": mof.get("not_type_appropriate") or [],
        "mof_notes": mof.get("notes") or [],
        "components": data_table(
            f"{prefix}-mof", mof.get("components") or [], COMPONENT_COLUMNS, filter_box=False
        ),
        "osaid_verdict": osaid.get("verdict", "—"),
        "osaid_elements": elements,
        "index_total": index.get("total"),
        "index_out_of": index.get("out_of", 14),
        "index_source": index.get("source", ""),
        "index": data_table(
            f"{prefix}-index", index.get("parameters") or [], INDEX_COLUMNS, filter_box=False
        ),
        "facts": data_table(f"{prefix}-facts", facts, FACT_COLUMNS) if facts else None,
        "findings": row.get("findings") or [],
    }


def _headline(
    row: dict[str, Any],
    mof: dict[str, Any],
    osaid: dict[str, Any],
    index: dict[str, Any],
    failing: list[str],
) -> list[str]:
    """Three plain sentences: the verdict against each definition, with the reason in brief."""
    lines = []
    verdict = osaid.get("verdict")
    if verdict == "meets":
        lines.append(
            "Open Source AI under OSAID 1.0: yes — data information, code and parameters all meet it."
        )
    elif verdict:
        params = (osaid.get("parameters") or {}).get("reasons") or []
        why = f" ({params[0]})" if params and "parameters" in failing else ""
        lines.append(f"Open Source AI under OSAID 1.0: no — {', '.join(failing)} fall short{why}.")
    klass = mof.get("class")
    if klass:
        lines.append(f"Model Openness Framework: class {klass} ({mof.get('label', '')}) reached.")
    elif mof:
        c3 = float(mof.get("class_3") or 0.0)
        lines.append(
            f"Model Openness Framework: no class reached; the lowest bar, class III (Open Model), is "
            f"{c3:.0f} % complete."
        )
    if index.get("total") is not None:
        lines.append(
            f"European Open Source AI Index: {float(index['total']):g} of {index.get('out_of', 14)} "
            f"({index.get('source', '')})."
        )
    return lines


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """One block per document: a summary table of its rows, then one panel per model."""
    blocks = []
    for d, doc in enumerate(docs, start=1):
        rows = [r for r in doc.rows if isinstance(r, dict)]
        blocks.append(
            {
                "signature": doc.signature,
                "summary": data_table(f"open{d}-summary", rows, SUMMARY_COLUMNS, filter_box=False),
                "models": [_model_block(r, d, i) for i, r in enumerate(rows, start=1)],
                "notes": doc.notes,
            }
        )
    return env.get_template("openness.html.j2").render(blocks=blocks)
