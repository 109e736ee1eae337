"""Blind assignment: which answer (or pair of answers) a grader sees next, and the disagreements list.

Least-graded first (Potato's assignment): among the answers this grader has not graded, those with the
fewest grades come first, so every answer reaches :data:`GRADERS_PER_ITEM` grades before any gets a third.
Ties are broken by a random order of each grader's own (a keyed hash of grader and answer), which stays the
same across reloads, so a half-filled form comes back with its answer. What a grader is shown never
names the model nor shows another grader's grade.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from .db import GRADERS_PER_ITEM, RUBRIC, Store


def _salt(store: Store) -> str:
    salt = store.get_setting("assign.salt")
    if not salt:
        with store.write() as con:  # the first one wins when two requests race
            con.execute(
                "INSERT OR IGNORE INTO settings(key, value) VALUES ('assign.salt', ?)",
                (secrets.token_hex(16),),
            )
        salt = store.get_setting("assign.salt")
    return salt


def _order(salt: str, grader_id: int, *ids: int) -> str:
    return hashlib.sha256(f"{salt}:{grader_id}:{sorted(ids)}".encode()).hexdigest()


def next_answer(store: Store, grader_id: int) -> dict[str, Any] | None:
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
    salt = _salt(store)
    pick = min(rows, key=lambda r: (r["n"], _order(salt, grader_id, int(r["id"]))))
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


def next_pair(store: Store, grader_id: int) -> dict[str, Any] | None:
    """Two answers of different models to one item, in random order, that this grader has not compared."""
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
    salt = _salt(store)
    pick = min(rows, key=lambda x: (x["n"], _order(salt, grader_id, int(x["a"]), int(x["b"]))))
    # which answer is shown as A: random, but the same on a reload
    flip = int(_order(salt, -grader_id, int(pick["a"]), int(pick["b"]))[:8], 16) % 2
    a, b = (pick["a"], pick["b"]) if flip else (pick["b"], pick["a"])
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
    final = store.adjudications()
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
                    "final": final.get(answer_id),
                }
            )
    return out
