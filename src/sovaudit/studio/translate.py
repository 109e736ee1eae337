"""Translation tasks for a language no shipped corpus has: local linguists translate a sample of a parallel
corpus's sentences (e.g. 100 FLORES-200 sentences), a second linguist reviews each translation, and the
reviewed text exports as a TSV parallel corpus (``id``, source column, target column) that the audits read
with ``--corpus tsv:FILE``.

A segment is given to translators least-translated first; a translation is reviewed by someone other than
its translator, who approves it or writes a corrected text. The exported text of a segment is the first
reviewed translation's (the reviewer's correction where there is one); unreviewed segments are left empty, so
the corpus reader reports them as missing, never as translated.
"""

from __future__ import annotations

import hashlib
import random
import time
from pathlib import Path
from typing import Any

from .. import languages
from ..errors import SovauditError
from .db import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS tr_tasks (
  id INTEGER PRIMARY KEY, corpus TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
  created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tr_segments (
  id INTEGER PRIMARY KEY, task_id INTEGER NOT NULL REFERENCES tr_tasks(id), seg_id TEXT NOT NULL,
  source_text TEXT NOT NULL, UNIQUE(task_id, seg_id));
CREATE TABLE IF NOT EXISTS tr_texts (
  id INTEGER PRIMARY KEY, segment_id INTEGER NOT NULL REFERENCES tr_segments(id),
  translator_id INTEGER NOT NULL REFERENCES users(id), text TEXT NOT NULL, created REAL NOT NULL,
  UNIQUE(segment_id, translator_id));
CREATE TABLE IF NOT EXISTS tr_reviews (
  id INTEGER PRIMARY KEY, text_id INTEGER NOT NULL REFERENCES tr_texts(id),
  reviewer_id INTEGER NOT NULL REFERENCES users(id), verdict TEXT NOT NULL CHECK (verdict IN ('ok', 'fixed')),
  corrected TEXT NOT NULL DEFAULT '', created REAL NOT NULL, UNIQUE(text_id, reviewer_id));
"""


def _ready(store: Store) -> None:
    with store.connect() as con:
        con.executescript(SCHEMA)


def create_task(store: Store, corpus: str, source: str, target: str, n: int = 100, seed: int = 0) -> int:
    """A task: ``n`` sentences of ``corpus`` in ``source`` (drawn with ``seed``), to put into ``target``."""
    from ..corpora import load_corpus

    if not languages.is_known(target.split("_")[0]):
        raise SovauditError(f"target language '{target}' is unknown", "use a code such as luy, kln, guz, mer")
    pc = load_corpus(corpus)
    if source not in pc.texts:
        raise SovauditError(
            f"corpus {corpus} has no language '{source}'",
            f"use one of {', '.join(sorted(pc.texts)[:12])} ...",
        )
    ids = [s for s in pc.segment_ids if pc.texts[source].get(s, "").strip()]
    if not ids or n < 1:
        raise SovauditError(f"corpus {corpus} has no '{source}' sentence to translate", "choose another")
    picked = sorted(random.Random(seed).sample(ids, min(n, len(ids))), key=ids.index)
    _ready(store)
    with store.write() as con:
        cur = con.execute(
            "INSERT INTO tr_tasks(corpus, source, target, created) VALUES (?,?,?,?)",
            (corpus, source, target, time.time()),
        )
        task = int(cur.lastrowid or 0)
        con.executemany(
            "INSERT INTO tr_segments(task_id, seg_id, source_text) VALUES (?,?,?)",
            [(task, s, pc.texts[source][s]) for s in picked],
        )
    return task


def tasks(store: Store) -> list[dict[str, Any]]:
    """Every task with its counts of segments, translations and reviewed segments."""
    _ready(store)
    rows = store.query(
        "SELECT t.*, (SELECT COUNT(*) FROM tr_segments s WHERE s.task_id = t.id) AS segments, "
        "(SELECT COUNT(*) FROM tr_texts x JOIN tr_segments s ON s.id = x.segment_id WHERE s.task_id = t.id) "
        "AS translations, (SELECT COUNT(DISTINCT s.id) FROM tr_reviews r JOIN tr_texts x ON x.id = r.text_id "
        "JOIN tr_segments s ON s.id = x.segment_id WHERE s.task_id = t.id) AS reviewed "
        "FROM tr_tasks t ORDER BY t.id"
    )
    return [dict(r) for r in rows]


def _key(user_id: int, row_id: int) -> str:
    return hashlib.sha256(f"{user_id}:{row_id}".encode()).hexdigest()


def next_segment(store: Store, user_id: int) -> dict[str, Any] | None:
    """A segment this linguist has not translated, least-translated first."""
    _ready(store)
    rows = store.query(
        "SELECT s.id, s.seg_id, s.source_text, t.source, t.target, "
        "(SELECT COUNT(*) FROM tr_texts x WHERE x.segment_id = s.id) AS n FROM tr_segments s "
        "JOIN tr_tasks t ON t.id = s.task_id WHERE NOT EXISTS "
        "(SELECT 1 FROM tr_texts x WHERE x.segment_id = s.id AND x.translator_id = ?)",
        (user_id,),
    )
    if not rows:
        return None
    return dict(min(rows, key=lambda r: (r["n"], _key(user_id, int(r["id"])))))


def add_translation(store: Store, segment_id: int, user_id: int, text: str) -> bool:
    """Store a translation (committed before return); ``False`` if this linguist had translated it."""
    if not text.strip():
        raise SovauditError("the translation is empty", "write the sentence in the target language")
    _ready(store)
    with store.write() as con:
        cur = con.execute(
            "INSERT OR IGNORE INTO tr_texts(segment_id, translator_id, text, created) VALUES (?,?,?,?)",
            (segment_id, user_id, text.strip(), time.time()),
        )
        return cur.rowcount == 1


def next_review(store: Store, user_id: int) -> dict[str, Any] | None:
    """A translation by someone else that no one has reviewed yet (and this linguist has not)."""
    _ready(store)
    rows = store.query(
        "SELECT x.id, x.text, s.seg_id, s.source_text, t.source, t.target FROM tr_texts x "
        "JOIN tr_segments s ON s.id = x.segment_id JOIN tr_tasks t ON t.id = s.task_id "
        "WHERE x.translator_id != ? AND NOT EXISTS (SELECT 1 FROM tr_reviews r WHERE r.text_id = x.id)",
        (user_id,),
    )
    if not rows:
        return None
    return dict(min(rows, key=lambda r: _key(user_id, int(r["id"]))))


def add_review(store: Store, text_id: int, user_id: int, corrected: str = "") -> bool:
    """Approve a translation (``corrected`` empty) or correct it; refuses the translator's own."""
    _ready(store)
    rows = store.query("SELECT translator_id FROM tr_texts WHERE id = ?", (text_id,))
    if not rows:
        raise SovauditError(f"no translation {text_id}", "review a translation the studio gave you")
    if int(rows[0]["translator_id"]) == user_id:
        raise SovauditError("a translator cannot review their own translation", "ask a second linguist")
    verdict = "fixed" if corrected.strip() else "ok"
    with store.write() as con:
        cur = con.execute(
            "INSERT OR IGNORE INTO tr_reviews(text_id, reviewer_id, verdict, corrected, created) "
            "VALUES (?,?,?,?,?)",
            (text_id, user_id, verdict, corrected.strip(), time.time()),
        )
        return cur.rowcount == 1


def _cell(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").splitlines()).strip()


def export_tsv(store: Store, task_id: int, out: str | Path) -> Path:
    """Write the task's reviewed text as a TSV parallel corpus; returns the file."""
    _ready(store)
    task = store.query("SELECT * FROM tr_tasks WHERE id = ?", (task_id,))
    if not task:
        raise SovauditError(f"no translation task {task_id}", "list the tasks on the studio's Translate page")
    src, tgt = task[0]["source"], task[0]["target"]
    rows = store.query(
        "SELECT s.seg_id, s.source_text, "
        "(SELECT CASE r.verdict WHEN 'fixed' THEN r.corrected ELSE x.text END "
        "FROM tr_texts x JOIN tr_reviews r ON r.text_id = x.id WHERE x.segment_id = s.id "
        "ORDER BY r.id LIMIT 1) AS target_text FROM tr_segments s WHERE s.task_id = ? ORDER BY s.id",
        (task_id,),
    )
    # the TSV reader takes no quoting: a tab or a line break inside a text becomes a space
    lines = ["\t".join(("id", src, tgt))]
    for r in rows:
        lines.append("\t".join(_cell(v) for v in (r["seg_id"], r["source_text"], r["target_text"] or "")))
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
