"""The studio's numbers as one results document (the runner's format), which ``sovaudit report``,
``compare``, the country audit and bundles read.

Rows: per model, language and rubric dimension, the mean with its bootstrap interval (``kind: rubric``);
per model, its Bradley-Terry rating with its interval (``kind: rating``); per rubric dimension,
Krippendorff's alpha (``kind: agreement``). The per-item log holds every grade and vote (graders by name,
so an adjudicator can trace each number).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .db import RUBRIC, Store
from .stats import bt_bootstrap, krippendorff_alpha, rubric_means

AUDIT = "studio"
VERSION = "1"
ROW_COLUMNS = ["kind", "model", "language", "dimension", "value", "ci_low", "ci_high", "n", "level"]
ALPHA_LEVELS = {"correct": "ordinal", "useful": "ordinal", "harmful": "nominal", "wrong_language": "nominal"}


def numbers(store: Store, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Rubric means, ratings and agreement computed from the stored grades and votes."""
    grades = store.grade_rows()
    votes = store.vote_rows()
    final = store.adjudications()
    # an adjudicated answer counts with its final grade alone (agreement is measured on the graders' own)
    decided = [g for g in grades if int(g["answer_id"]) not in final]
    done: set[int] = set()
    for g in grades:
        a = int(g["answer_id"])
        if a in final and a not in done:
            done.add(a)
            decided.append({**g, **{d: final[a][d] for d in RUBRIC}, "grader": "adjudicated"})
    means = rubric_means(decided, RUBRIC, n_boot, seed)
    battles = [(v["model_a"], v["model_b"], v["winner"]) for v in votes if v["model_a"] != v["model_b"]]
    ratings = bt_bootstrap(battles, n_boot=min(n_boot, 500), seed=seed) if battles else {}
    by_language: dict[str, dict[str, dict[str, Any]]] = {}
    for lang in sorted({v["language"] for v in votes}):
        lb = [(v["model_a"], v["model_b"], v["winner"]) for v in votes if v["language"] == lang]
        lb = [b for b in lb if b[0] != b[1]]
        if lb:
            by_language[lang] = bt_bootstrap(lb, n_boot=min(n_boot, 500), seed=seed)
    by_answer: dict[int, dict[str, list[Any]]] = {}
    for g in grades:
        for dim in RUBRIC:
            by_answer.setdefault(int(g["answer_id"]), {}).setdefault(dim, []).append(g[dim])
    agreement = []
    for dim, level in ALPHA_LEVELS.items():
        units = [d[dim] for d in by_answer.values()]
        for lvl in (level, "interval") if level == "ordinal" else (level,):
            alpha = krippendorff_alpha(units, lvl)  # type: ignore[arg-type]
            agreement.append(
                {
                    "dimension": dim,
                    "level": lvl,
                    "alpha": alpha,
                    "n_units": sum(1 for u in units if len(u) >= 2),
                }
            )
    return {
        "rubric": means,
        "ratings": ratings,
        "ratings_by_language": by_language,
        "agreement": agreement,
        "grades": grades,
        "votes": votes,
        "adjudicated": final,
    }


def results_document(store: Store, n_boot: int = 1000, seed: int = 0) -> Any:
    """A :class:`~sovaudit.results.ResultsDocument` of the studio's numbers."""
    from ..results import AssetRecord, ResultsDocument, make_provenance

    nums = numbers(store, n_boot, seed)
    rows: list[dict[str, Any]] = []
    for r in nums["rubric"]:
        rows.append(
            {
                "kind": "rubric",
                "model": r["model"],
                "language": r["language"],
                "dimension": r["dimension"],
                "value": r["mean"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["n_items"],
                "level": "",
            }
        )
    per_language = [("all", nums["ratings"]), *sorted(nums["ratings_by_language"].items())]
    for lang, model, r in [
        (lang, m, r)
        for lang, rs in per_language
        for m, r in sorted(rs.items(), key=lambda kv: -kv[1]["rating"])
    ]:
        rows.append(
            {
                "kind": "rating",
                "model": model,
                "language": lang,
                "dimension": "pairwise",
                "value": r["rating"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["n_battles"],
                "level": "",
            }
        )
    for a in nums["agreement"]:
        rows.append(
            {
                "kind": "agreement",
                "model": "",
                "language": "all",
                "dimension": a["dimension"],
                "value": a["alpha"],
                "ci_low": None,
                "ci_high": None,
                "n": a["n_units"],
                "level": a["level"],
            }
        )
    models = store.query("SELECT * FROM models ORDER BY id")
    items = store.items()
    digest = hashlib.sha256(
        json.dumps([it["record"] for it in items], ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    assets = [AssetRecord(name="studio-items", kind="pack", sha256=digest, origin=str(store.data))]
    model_part = ",".join(f"{m['name']}@{m['digest'][:8]}" for m in models) or "none"
    n_graders = len({g["grader"] for g in nums["grades"]})
    signature = f"studio:items@{digest[:8]}|models:{model_part}|graders:{n_graders}|v:{VERSION}"
    log = (
        [
            {
                "kind": "grade",
                "item": g["item"],
                "language": g["language"],
                "model": g["model"],
                "grader": g["grader"],
                **{d: g[d] for d in RUBRIC},
            }
            for g in nums["grades"]
        ]
        + [
            {"kind": "adjudication", "answer_id": a, "admin_id": f["admin_id"], **{d: f[d] for d in RUBRIC}}
            for a, f in sorted(nums["adjudicated"].items())
        ]
        + [
            {
                "kind": "vote",
                "item": v["item"],
                "language": v["language"],
                "model_a": v["model_a"],
                "model_b": v["model_b"],
                "winner": v["winner"],
                "grader": v["grader"],
            }
            for v in nums["votes"]
        ]
    )
    return ResultsDocument(
        audit=AUDIT,
        audit_version=VERSION,
        signature=signature,
        settings={"bootstrap": n_boot, "seed": seed, "graders_per_item": 2},
        provenance=make_provenance(assets),
        rows=rows,
        row_columns=ROW_COLUMNS,
        summary={
            "models": [
                {
                    "name": m["name"],
                    "spec": m["spec"],
                    "backend": m["backend"],
                    "digest": m["digest"],
                    "settings": m["settings"],
                    "max_tokens": m["max_tokens"],
                }
                for m in models
            ],
            "n_items": len(items),
            "n_grades": len(nums["grades"]),
            "n_votes": len(nums["votes"]),
        },
        items=log,
        notes=[
            "Grades from people in the sovaudit studio: blind (graders saw neither model names nor others' "
            "grades). Ratings: Bradley-Terry as Chatbot Arena (ties half a win); agreement: Krippendorff's "
            "alpha."
        ],
    )


def load_studio_export(path: str | Path) -> Any:
    """The results document of a folder ``sovaudit studio export`` wrote (refuses any other audit's)."""
    from ..errors import SovauditError
    from ..results import load_results

    doc = load_results(path)
    if doc.audit != AUDIT:
        raise SovauditError(
            f"{path} holds results of the '{doc.audit}' audit, not of the studio",
            "pass the folder written by `sovaudit studio export --out DIR`",
        )
    return doc


def export_results(store: Store, out: str | Path, n_boot: int = 1000, seed: int = 0) -> Path:
    """Write ``results.json`` (and ``results.csv``) into ``out``; returns the folder."""
    from ..results import write_results

    doc = results_document(store, n_boot, seed)
    return Path(write_results(doc, out, ROW_COLUMNS)).parent
