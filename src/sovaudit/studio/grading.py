"""Blind assignment: which answer (or pair of answers) a grader sees next, and the disagreements list.

Least-graded first (Potato's assignment): among the answers this grader has not graded, those with the
fewest grades come first, ties broken at random, so every answer reaches :data:`GRADERS_PER_ITEM` grades
before any gets a third. What a grader is shown never names the model nor shows another grader's grade.
"""

from __future__ import annotations

import random
from typing import Any

from .db import GRADERS_PER_ITEM, RUBRIC, Store


def next_answer(store: Store, grader_id: int, rng: random.Random | None = None) -> dict[str, Any] | None:
    """The answer this grader should grade next (``id``, question, answer text, language), or ``None``."""
    rows = store.query(
        "SELECT answers.id, answers.text, items.record, items.extra, "
        "(SELECT COUNT(*) FROM grades g WHERE g.answer_id = answers.id) AS n "
        "FROM answers JOIN items ON items.id = answers.item_pk "
        "WHERE NOT EXISTS (SELECT 1 FROM grades g WHERE g.answer_id = answers.id AND g.grader_id = ?)",
        (grader_id,),
    )
    if not rows:
        return None
    least = min(r["n"] for r in rows)
    pick = (rng or random.SystemRandom()).choice([r for r in rows if r["n"] == least])
    return _shown(pick)


def _shown(row: Any) -> dict[str, Any]:
    import json

    rec, extra = json.loads(row["record"]), json.loads(row["extra"])
    return {
        "id": int(row["id"]),
        "question": rec.get("question", ""),
        "language": rec.get("language", ""),
        "reference": extra.get("reference", ""),
        "rubric": extra.get("rubric", ""),
        "answer": row["text"],
    }


def next_pair(store: Store, grader_id: int, rng: random.Random | None = None) -> dict[str, Any] | None:
    """Two answers of different models to one item, in random order, that this grader has not compared."""
    r = rng or random.SystemRandom()
    rows = store.query(
        "SELECT a.id AS a, b.id AS b, "
        "(SELECT COUNT(*) FROM votes v WHERE v.answer_a IN (a.id, b.id) AND v.answer_b IN (a.id, b.id)) AS n "
        "FROM answers a JOIN answers b ON a.item_pk = b.item_pk AND a.model_id < b.model_id "
        "WHERE NOT EXISTS (SELECT 1 FROM votes v WHERE v.grader_id = ? AND "
        "v.answer_a IN (a.id, b.id) AND v.answer_b IN (a.id, b.id))",
        (grader_id,),
    )
    if not rows:
        return None
    least = min(x["n"] for x in rows)
    pick = r.choice([x for x in rows if x["n"] == least])
    a, b = (pick["a"], pick["b"]) if r.random() < 0.5 else (pick["b"], pick["a"])
    texts = {
        x["id"]: x
        for x in store.query(
            "SELECT answers.id, answers.text, items.record, items.extra FROM answers "
            "JOIN items ON items.id = answers.item_pk WHERE answers.id IN (?, ?)",
            (a, b),
        )
    }
    shown = _shown(texts[a])
    return {**shown, "a": a, "b": b, "answer_a": texts[a]["text"], "answer_b": texts[b]["text"]}


def progress(store: Store) -> dict[str, int]:
    """How many answers exist, how many have reached the grader quota, and how many grades and votes."""
    rows = store.query(
        "SELECT (SELECT COUNT(*) FROM answers) AS answers, "
        "(SELECT COUNT(*) FROM (SELECT answer_id FROM grades GROUP BY answer_id "
        "HAVING COUNT(*) >= ?)) AS done, "
        "(SELECT COUNT(*) FROM grades) AS grades, (SELECT COUNT(*) FROM votes) AS votes",
        (GRADERS_PER_ITEM,),
    )
    return dict(rows[0])


def disagreements(store: Store, spread: int = 2) -> list[dict[str, Any]]:
    """Answers whose graders disagree: correctness or usefulness apart by ``spread`` or more, or split on
    harmful / wrong language. For an adjudicator (admin): names the graders and the model."""
    by_answer: dict[int, list[dict[str, Any]]] = {}
    for g in store.grade_rows():
        by_answer.setdefault(int(g["answer_id"]), []).append(g)
    out = []
    for answer_id, gs in sorted(by_answer.items()):
        if len(gs) < 2:
            continue
        why = [
            dim
            for dim in RUBRIC
            if (max(g[dim] for g in gs) - min(g[dim] for g in gs))
            >= (spread if dim in ("correct", "useful") else 1)
        ]
        if why:
            out.append(
                {
                    "answer_id": answer_id,
                    "item": gs[0]["item"],
                    "language": gs[0]["language"],
                    "model": gs[0]["model"],
                    "dimensions": why,
                    "grades": [{"grader": g["grader"], **{d: g[d] for d in RUBRIC}} for g in gs],
                }
            )
    return out
