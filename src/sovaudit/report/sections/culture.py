"""Report section for the cultural-knowledge audit (``audit == "culture"``): BLEnD per country x language.

The headline is each country's local-language minus English score on the same questions, with its paired
95% interval, said in words; then the rows (score, interval, questions, I-don't-know rate), and the notes
(how the scoring differs from the authors'). Everything comes from the results document.
"""

from __future__ import annotations

from typing import Any

import jinja2

from ...results import ResultsDocument
from ..tables import Column, as_mapping, data_table, is_number

TITLE = "Cultural knowledge (BLEnD)"

ROW_COLUMNS = [
    Column("country", "country", "text", select=True),
    Column("language", "language", "text", select=True),
    Column("mode", "asked in", "text", title="local: the country's language; en: English"),
    Column("score", "score", "pct", 1, title="share of questions answered with an annotated answer (SEM-B)"),
    Column("ci_low", "95% low", "pct", 1),
    Column("ci_high", "95% high", "pct", 1),
    Column("n_questions", "questions", "int", title="questions the authors' rule keeps"),
    Column("idk_rate", "I don't know", "pct", 1, title="answers saying 'I don't know'"),
    Column("weighted_score", "weighted", "pct", 1, title="SEM-W: weighted by the answer's votes"),
    Column("n_empty", "empty", "int", title="empty generations (scored 0)"),
]


def _gap_sentence(code: str, g: dict[str, Any]) -> str:
    gap: Any = g.get("gap")
    lo: Any = g.get("ci_low")
    hi: Any = g.get("ci_high")
    if not is_number(gap):
        return f"{code}: no gap (no question answered in both languages)."
    gap = float(gap)
    lang = g.get("language", "the local language")
    where = "better" if gap > 0 else "worse" if gap < 0 else "the same"
    ival, sure = "", ""
    if is_number(lo) and is_number(hi):
        ival = f" (95% interval {100 * float(lo):+.1f} to {100 * float(hi):+.1f})"
        if float(lo) <= 0 <= float(hi):
            sure = "; the interval includes 0, so this is not a clear difference"
    return (
        f"{code}: asked in {lang}, the model does {where} than in English by {100 * abs(gap):.1f} percentage "
        f"points{ival} on {g.get('n_questions', '?')} questions{sure}."
    )


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """One block per document: gap sentences, the rows table, the notes."""
    blocks = []
    for i, doc in enumerate(docs):
        summary = as_mapping(doc.summary)
        gaps = as_mapping(summary.get("gap_local_minus_english"))
        blocks.append(
            {
                "signature": doc.signature,
                "model": summary.get("model", ""),
                "prompt": summary.get("prompt", ""),
                "gaps": [_gap_sentence(str(k), dict(as_mapping(v))) for k, v in gaps.items()],
                "table": data_table(f"culture-{i}-rows", doc.rows, ROW_COLUMNS) if doc.rows else None,
                "notes": doc.notes,
            }
        )
    return env.get_template("culture.html.j2").render(blocks=blocks)
