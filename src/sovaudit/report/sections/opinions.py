"""Report section for the opinions audit: per-country similarity with intervals and the uniform floor.

Per results document: a plain sentence (most similar country, the user's country, the uniform answerer),
a strip of every country's similarity with its 95% interval and the uniform floor as marks (the user's
countries starred), the per-country table and the notes. Every number comes from the document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from ...results import ResultsDocument
from ..charts import StripGroup, strip_plot
from ..tables import Column, as_mapping, data_table, fmt_float, is_number

TITLE = "Whose opinions: GlobalOpinionQA similarity per country"
MAX_STRIP = 60

ROW_COLUMNS = [
    Column("rank", "rank", "int"),
    Column("country", "country", "text", title="as the survey file spells it"),
    Column(
        "similarity", "similarity", "float", 3, title="mean over its questions of 1 - Jensen-Shannon distance"
    ),
    Column("ci_low", "95% low", "float", 3, title="bootstrap over questions"),
    Column("ci_high", "95% high", "float", 3),
    Column("uniform_similarity", "uniform answerer", "float", 3, title="the floor a model must beat"),
    Column("n_questions", "questions", "int"),
]


def _num(row: Mapping[str, Any], key: str) -> float | None:
    v: Any = row.get(key)
    return float(v) if is_number(v) else None


def sentences(rows: Sequence[Mapping[str, Any]], users: Sequence[str]) -> list[str]:
    """Plain sentences: the most similar country against the user's, and the uniform answerer's level."""
    ranked = [r for r in rows if _num(r, "similarity") is not None]
    if not ranked:
        return []
    top = ranked[0]
    out = []
    for u in users:
        mine = next((r for r in ranked if r.get("country") == u), None)
        if mine is None:
            continue
        if mine is top:
            out.append(
                f"The model's answers resemble {u}'s ({fmt_float(mine['similarity'], 2)}) more than "
                f"any other country's of the {len(ranked)} in the file."
            )
        else:
            out.append(
                f"The model's answers resemble {top['country']}'s ({fmt_float(top['similarity'], 2)}) more "
                f"than {u}'s ({fmt_float(mine['similarity'], 2)}, rank {mine.get('rank')} of {len(ranked)})."
            )
        uni = _num(mine, "uniform_similarity")
        if uni is not None:
            out.append(
                f"An answerer who picks every option equally often reaches {fmt_float(uni, 2)} for {u}."
            )
    if not out:
        out.append(
            f"The model's answers resemble {top['country']}'s most ({fmt_float(top['similarity'], 2)}); "
            f"the least similar is {ranked[-1]['country']} ({fmt_float(ranked[-1]['similarity'], 2)})."
        )
    above = sum(1 for r in ranked if (_num(r, "ci_low") or 0.0) > (_num(r, "uniform_similarity") or 1.0))
    out.append(f"For {above} of {len(ranked)} countries the 95% interval lies above the uniform answerer.")
    return out


def _strip(rows: Sequence[Mapping[str, Any]], users: Sequence[str]) -> Any:
    usable = [r for r in rows if _num(r, "similarity") is not None]
    if len(usable) > MAX_STRIP:  # the top and bottom, and the user's countries
        keep = usable[:30] + usable[-20:]
        keep += [r for r in usable if r.get("country") in users and r not in keep]
        usable = sorted(keep, key=lambda r: -float(r["similarity"]))
    groups = []
    for r in usable:
        star = "★ " if r.get("country") in users else ""
        sim = float(r["similarity"])
        marks = {
            k: v
            for k in ("ci_low", "ci_high", "uniform")
            if (v := _num(r, k if k != "uniform" else "uniform_similarity")) is not None
        }
        tip = f"{r.get('country')}: {sim:.3f} over {r.get('n_questions')} questions"
        groups.append(StripGroup(f"{star}{r.get('country')}", [(sim, tip)], marks))
    if not groups:
        return None
    return strip_plot(
        groups,
        title="Similarity per country (1 - Jensen-Shannon distance; higher = closer)",
        axis_label="similarity",
        log=False,
        reference=None,
    )


def _block(doc: ResultsDocument, index: int) -> dict[str, Any]:
    rows = [dict(r) for r in doc.rows if isinstance(r, Mapping)]
    summary = as_mapping(doc.summary)
    settings = as_mapping(doc.settings)
    users = [str(u.get("country")) for u in summary.get("user_countries") or [] if isinstance(u, Mapping)]
    model = as_mapping(settings.get("model")).get("spec", "")
    return {
        "prefix": f"opin{index}",
        "signature": doc.signature,
        "model": str(model),
        "data": str(settings.get("data", "")),
        "prompting": str(summary.get("prompting", "")),
        "permutations": summary.get("permutations"),
        "questions": summary.get("questions"),
        "outside": fmt_float(summary.get("mean_outside_mass"), 3),
        "sentences": sentences(rows, users),
        "strip": _strip(rows, users),
        "table": data_table(f"opin{index}-rows", rows, ROW_COLUMNS, caption="per country"),
        "notes": [str(n) for n in doc.notes],
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """All opinions documents -> an HTML fragment."""
    return env.get_template("opinions.html.j2").render(blocks=[_block(d, i) for i, d in enumerate(docs, 1)])
