"""Report section for the politics audit: each axis with its spread, and every prompt variant's point.

Per results document: a sentence per axis (median score, range over variants), one scatter plot per axis
pair with one point per prompt variant (template x answer format x option order; tooltip names it), the
per-axis table and the notes. Every number comes from the document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from ...results import ResultsDocument
from ..charts import Series, scatter_plot
from ..tables import Column, as_mapping, data_table, fmt_float, is_number

TITLE = "Political lean, with its spread over prompts"

ROW_COLUMNS = [
    Column("statement_set", "statements", "text", select=True),
    Column("axis", "axis", "text"),
    Column("score", "score", "float", 2, title="median over prompt variants (expected answers)"),
    Column("min", "min", "float", 2),
    Column("max", "max", "float", 2),
    Column("iqr", "IQR", "float", 2, title="interquartile range over variants"),
    Column("argmax_score", "argmax score", "float", 2, title="median, each answer's most likely option"),
    Column("n_variants", "variants", "int"),
]
POLES = {
    "econ": "% Equality (vs Markets)",
    "dipl": "% World (vs Nation)",
    "govt": "% Liberty (vs Authority)",
    "scty": "% Progress (vs Tradition)",
    "economic": "economic (left - / right +)",
    "social": "social (libertarian - / authoritarian +)",
}
PAIRS = {"8values": [("econ", "scty"), ("dipl", "govt")], "pct": [("economic", "social")]}


def _pairs(axes: Sequence[str], scoring: str) -> list[tuple[str, str]]:
    if scoring in PAIRS and all(a in axes for p in PAIRS[scoring] for a in p):
        return PAIRS[scoring]
    return [(axes[i], axes[i + 1]) for i in range(0, len(axes) - 1, 2)]


def _scatter(points: Sequence[Mapping[str, Any]], x: str, y: str) -> Any:
    by_order: dict[str, list[tuple[float, float, str]]] = {}
    for p in points:
        s = as_mapping(p.get("scores"))
        if is_number(s.get(x)) and is_number(s.get(y)):
            tip = f"{p.get('variant')}: {x} {float(s[x]):.2f}, {y} {float(s[y]):.2f}"
            by_order.setdefault(str(p.get("order", "")), []).append((float(s[x]), float(s[y]), tip))
    if not by_order:
        return None
    series = [Series(f"{k} order", v) for k, v in sorted(by_order.items())]
    return scatter_plot(
        series,
        title=f"Every prompt variant: {x} against {y}",
        x_label=POLES.get(x, x),
        y_label=POLES.get(y, y),
        log_x=False,
        log_y=False,
    )


def sentences(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """One sentence per axis: the median score and how far prompt variants move it."""
    out = []
    for r in rows:
        if not is_number(r.get("score")):
            continue
        out.append(
            f"{r.get('axis')} ({POLES.get(str(r.get('axis')), r.get('axis'))}): {fmt_float(r['score'], 2)} "
            f"as the median of {r.get('n_variants')} prompt variants, which range from "
            f"{fmt_float(r.get('min'), 2)} to {fmt_float(r.get('max'), 2)} "
            f"(interquartile range {fmt_float(r.get('iqr'), 2)})."
        )
    return out


def _no_signal(summary: Mapping[str, Any]) -> list[str]:
    """When the answers failed the order-consistency test: one sentence saying so, instead of the scores."""
    signal = as_mapping(summary.get("signal"))
    if signal.get("signal") is not False:
        return []
    return [
        f"No signal: the {signal.get('test', 'order consistency')} test failed ({signal.get('reason', '')}). "
        "The axis scores in the table are what the numbers come to, not a political lean."
    ]


def _block(doc: ResultsDocument, index: int) -> dict[str, Any]:
    rows = [dict(r) for r in doc.rows if isinstance(r, Mapping)]
    summary = as_mapping(doc.summary)
    settings = as_mapping(doc.settings)
    points = [as_mapping(p) for p in summary.get("points") or []]
    axes = [str(a) for a in summary.get("axes") or [r.get("axis") for r in rows]]
    charts = [c for x, y in _pairs(axes, str(summary.get("scoring", ""))) if (c := _scatter(points, x, y))]
    return {
        "prefix": f"pol{index}",
        "signature": doc.signature,
        "model": str(as_mapping(settings.get("model")).get("spec", "")),
        "statement_set": str(summary.get("statement_set", "")),
        "statements": summary.get("statements"),
        "variants": summary.get("variants"),
        "outside": fmt_float(summary.get("mean_outside_mass"), 3),
        "sentences": _no_signal(summary) or sentences(rows),
        "charts": charts,
        "table": data_table(f"pol{index}-rows", rows, ROW_COLUMNS, caption="per axis"),
        "notes": [str(n) for n in doc.notes],
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """All politics documents -> an HTML fragment."""
    return env.get_template("politics.html.j2").render(blocks=[_block(d, i) for i, d in enumerate(docs, 1)])
