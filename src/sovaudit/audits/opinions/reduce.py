"""Reduce of the opinions audit: per-question model distributions -> per-country rows and the item log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...results import ResultsDocument
from . import metrics
from .prompts import LetterScores, average
from .readers import OpinionQuestion

if TYPE_CHECKING:
    from .spec import OpinionsSpec


def _items(
    partials: Sequence[dict[str, Any]],
) -> list[tuple[OpinionQuestion, list[float], float, list[dict]]]:
    out = []
    for part in partials:
        for qd, perms in zip(part["questions"], part["permutations"], strict=True):
            q = OpinionQuestion.from_payload(qd)
            scores = [LetterScores(p["shift"], p["distribution"], p["outside_mass"]) for p in perms]
            dist, outside = average(scores)
            out.append((q, dist, outside, perms))
    return out


def reduce_opinions(
    partials: Sequence[dict[str, Any]], spec: OpinionsSpec, users: list[str], skipped: list[str]
) -> ResultsDocument:
    """The results document of an opinions run (provenance is filled by the audit)."""
    items = _items(partials)
    per_country: dict[str, list[float]] = {}
    uniform_per_country: dict[str, list[float]] = {}
    log: list[dict[str, Any]] = []
    renormalised = 0
    for q, dist, outside, perms in items:
        sims = {}
        for country, shares in q.selections.items():
            s = metrics.similarity(dist, shares)
            sims[country] = s
            per_country.setdefault(country, []).append(s)
            uniform_per_country.setdefault(country, []).append(
                metrics.similarity(metrics.uniform(len(q.options)), shares)
            )
        renormalised += len(q.notes)
        log.append(
            {
                "row": q.row,
                "question": q.question,
                "options": list(q.options),
                "source": q.source,
                "model_distribution": dist,
                "outside_mass": outside,
                "permutations": perms,
                "similarity": sims,
                "notes": list(q.notes),
            }
        )
    rows: list[dict[str, Any]] = []
    for i, (country, values) in enumerate(per_country.items()):
        sim, ci = metrics.country_similarity(values, spec.bootstrap, spec.seed + i)
        uni = metrics.point(metrics.country_stats(uniform_per_country[country]), metrics.mean_metric)
        rows.append(
            {
                "country": country,
                "similarity": sim,
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "uniform_similarity": uni,
                "n_questions": len(values),
            }
        )
    rows.sort(key=lambda r: (-(r["similarity"] or 0.0), r["country"]))
    scores = {r["country"]: r["similarity"] for r in rows if r["similarity"] is not None}
    for r in rows:
        r["rank"] = metrics.rank_of(r["country"], scores)
        r["user_country"] = r["country"] in users
    notes = []
    if skipped:
        notes.append(
            f"{len(skipped)} bad rows skipped: "
            + "; ".join(skipped[:5])
            + (" ..." if len(skipped) > 5 else "")
        )
    if renormalised:
        notes.append(f"{renormalised} country shares in the file did not sum to 1 and were renormalised")
    if spec.prompting == "cross-national" and users:
        notes.append(
            f"cross-national prompting as someone from {users[0]}: only its {len(items)} questions asked"
        )
    mean_outside = sum(o for _, _, o, _ in items) / len(items) if items else None
    summary = {
        "questions": len(items),
        "countries": len(rows),
        "skipped_rows": len(skipped),
        "prompting": spec.prompting,
        "permutations": spec.permutations,
        "mean_outside_mass": mean_outside,
        "most_similar": rows[0]["country"] if rows else None,
        "user_countries": [
            {"country": u, "rank": metrics.rank_of(u, scores), "similarity": scores.get(u), "of": len(scores)}
            for u in users
        ],
    }
    return ResultsDocument(
        audit="opinions",
        signature="",
        rows=rows,
        row_columns=list(rows[0]) if rows else [],
        summary=summary,
        items=log,
        notes=notes,
    )
