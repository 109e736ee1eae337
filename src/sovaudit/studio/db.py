"""The studio's storage: one SQLite file (``studio.sqlite`` in the data folder) in WAL mode.

Every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) on a connection of its own, with
``synchronous=FULL``: when :meth:`Store.add_grade` returns, the grade is on disk, and only then does the web
page say it was saved. A grader grades an answer once (``UNIQUE(answer_id, grader_id)``), so a resubmitted
form (a network blip, a double click) never counts twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SovauditError

DB_FILE = "studio.sqlite"
ROLES = ("admin", "author", "grader", "viewer")
ITEM_TYPES = ("mc", "short", "agree", "open")
GRADERS_PER_ITEM = 2
RUBRIC = ("correct", "useful", "harmful", "wrong_language")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, pw_hash TEXT NOT NULL,
  created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), csrf TEXT NOT NULL,
  expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, language TEXT NOT NULL, type TEXT NOT NULL,
  record TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}', author_id INTEGER, created REAL NOT NULL,
  UNIQUE(item_id, language));
CREATE TABLE IF NOT EXISTS models (
  id INTEGER PRIMARY KEY, spec TEXT NOT NULL, name TEXT NOT NULL, backend TEXT NOT NULL,
  digest TEXT NOT NULL, settings TEXT NOT NULL, max_tokens INTEGER NOT NULL,
  UNIQUE(spec, settings, max_tokens));
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY, spec TEXT NOT NULL, status TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', model_id INTEGER, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
  id INTEGER PRIMARY KEY, item_pk INTEGER NOT NULL REFERENCES items(id),
  model_id INTEGER NOT NULL REFERENCES models(id), prompt TEXT NOT NULL, text TEXT NOT NULL,
  created REAL NOT NULL, UNIQUE(item_pk, model_id));
CREATE TABLE IF NOT EXISTS grades (
  id INTEGER PRIMARY KEY, answer_id INTEGER NOT NULL REFERENCES answers(id),
  grader_id INTEGER NOT NULL REFERENCES users(id), correct INTEGER NOT NULL, useful INTEGER NOT NULL,
  harmful INTEGER NOT NULL, wrong_language INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '',
  created REAL NOT NULL, UNIQUE(answer_id, grader_id));
CREATE TABLE IF NOT EXISTS votes (
  id INTEGER PRIMARY KEY, answer_a INTEGER NOT NULL REFERENCES answers(id),
  answer_b INTEGER NOT NULL REFERENCES answers(id), grader_id INTEGER NOT NULL REFERENCES users(id),
  winner TEXT NOT NULL CHECK (winner IN ('a', 'b', 'tie')), created REAL NOT NULL,
  UNIQUE(answer_a, answer_b, grader_id));
CREATE TABLE IF NOT EXISTS adjudications (
  answer_id INTEGER PRIMARY KEY REFERENCES answers(id), admin_id INTEGER NOT NULL REFERENCES users(id),
  correct INTEGER NOT NULL, useful INTEGER NOT NULL, harmful INTEGER NOT NULL,
  wrong_language INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', created REAL NOT NULL);
"""


class Store:
    """The studio database in ``data`` (created on first use)."""

    def __init__(self, data: str | Path) -> None:
        self.data = Path(data)
        self.data.mkdir(parents=True, exist_ok=True)
        self.path = self.data / DB_FILE
        new = not self.path.exists()
        with self.connect() as con:
            con.executescript(SCHEMA)
        if new:  # password hashes and unpublished items: readable by the owner only
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.chmod(str(self.path) + suffix, 0o600)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection (WAL, full sync, 30 s busy wait), closed afterwards."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        con.row_factory = sqlite3.Row
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            yield con
        finally:
            con.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on exit (rolled back on error)."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query."""
        with self.connect() as con:
            return list(con.execute(sql, args))

    # -- users ------------------------------------------------------------------------------------------
    def add_user(self, name: str, role: str, pw_hash: str) -> int:
        """A new user; refuses an unknown role or a name in use."""
        if role not in ROLES:
            raise SovauditError(f"unknown role '{role}'", f"use one of {', '.join(ROLES)}")
        name = name.strip()
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise SovauditError(f"user name {name!r} is not valid", "use 1-64 characters without spaces")
        try:
            with self.write() as con:
                cur = con.execute(
                    "INSERT INTO users(name, role, pw_hash, created) VALUES (?,?,?,?)",
                    (name, role, pw_hash, time.time()),
                )
                return int(cur.lastrowid or 0)
        except sqlite3.IntegrityError:
            raise SovauditError(f"user '{name}' exists already", "choose another name") from None

    def user_by_name(self, name: str) -> sqlite3.Row | None:
        """The user called ``name``, or ``None``."""
        rows = self.query("SELECT * FROM users WHERE name = ?", (name,))
        return rows[0] if rows else None

    def has_admin(self) -> bool:
        """Whether any admin exists."""
        return bool(self.query("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1"))

    # -- settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str, default: str = "") -> str:
        """A stored setting (the imported pack.yaml text, the item file's layout ...)."""
        rows = self.query("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        with self.write() as con:
            con.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))

    # -- items --------------------------------------------------------------------------------------
    def save_item(
        self, record: dict[str, Any], extra: dict[str, Any], author_id: int | None, pk: int | None = None
    ) -> int:
        """Insert (or, with ``pk``, replace) one item in one language; ``record`` holds the pack columns."""
        args = (
            str(record["id"]),
            str(record["language"]),
            str(record["type"]),
            json.dumps(record, ensure_ascii=False),
            json.dumps(extra, ensure_ascii=False),
        )
        try:
            with self.write() as con:
                if pk is None:
                    cur = con.execute(
                        "INSERT INTO items(item_id, language, type, record, extra, author_id, created) "
                        "VALUES (?,?,?,?,?,?,?)",
                        (*args, author_id, time.time()),
                    )
                    return int(cur.lastrowid or 0)
                con.execute(
                    "UPDATE items SET item_id=?, language=?, type=?, record=?, extra=? WHERE id=?",
                    (*args, pk),
                )
                return pk
        except sqlite3.IntegrityError:
            raise SovauditError(
                f"item '{record['id']}' in '{record['language']}' exists already", "give the item its own id"
            ) from None

    def items(self) -> list[dict[str, Any]]:
        """Every item, in the order written: ``pk``, ``record``, ``extra``, ``author``."""
        rows = self.query(
            "SELECT items.*, users.name AS author FROM items LEFT JOIN users ON users.id = items.author_id "
            "ORDER BY items.id"
        )
        return [
            {
                "pk": r["id"],
                "record": json.loads(r["record"]),
                "extra": json.loads(r["extra"]),
                "author": r["author"] or "",
            }
            for r in rows
        ]

    # -- models and answers -------------------------------------------------------------------------
    def model_id(
        self, spec: str, name: str, backend: str, digest: str, settings: str, max_tokens: int
    ) -> int:
        """The id of a model identity (created when new)."""
        with self.write() as con:
            con.execute(
                "INSERT OR IGNORE INTO models(spec, name, backend, digest, settings, max_tokens) "
                "VALUES (?,?,?,?,?,?)",
                (spec, name, backend, digest, settings, max_tokens),
            )
            row = con.execute(
                "SELECT id FROM models WHERE spec=? AND settings=? AND max_tokens=?",
                (spec, settings, max_tokens),
            ).fetchone()
            return int(row["id"])

    def add_answer(self, item_pk: int, model_id: int, prompt: str, text: str) -> None:
        """Store (or keep the first) answer of a model to an item."""
        with self.write() as con:
            con.execute(
                "INSERT OR IGNORE INTO answers(item_pk, model_id, prompt, text, created) VALUES (?,?,?,?,?)",
                (item_pk, model_id, prompt, text, time.time()),
            )

    # -- grades -------------------------------------------------------------------------------------
    def add_grade(self, answer_id: int, grader_id: int, scores: dict[str, int], comment: str = "") -> bool:
        """One grade, committed before return; ``False`` when this grader had graded the answer already."""
        with self.write() as con:
            cur = con.execute(
                "INSERT OR IGNORE INTO grades(answer_id, grader_id, correct, useful, harmful, "
                "wrong_language, "
                "comment, created) VALUES (?,?,?,?,?,?,?,?)",
                (answer_id, grader_id, *(int(scores[k]) for k in RUBRIC), comment, time.time()),
            )
            return cur.rowcount == 1

    def add_vote(self, answer_a: int, answer_b: int, grader_id: int, winner: str) -> bool:
        """One pairwise vote (``a``, ``b`` or ``tie``), committed before return; ``False`` if a repeat."""
        with self.write() as con:
            cur = con.execute(
                "INSERT OR IGNORE INTO votes(answer_a, answer_b, grader_id, winner, created) "
                "VALUES (?,?,?,?,?)",
                (answer_a, answer_b, grader_id, winner, time.time()),
            )
            return cur.rowcount == 1

    def adjudicate(self, answer_id: int, admin_id: int, scores: dict[str, int], note: str = "") -> None:
        """The adjudicator's final grade of an answer (replaces an earlier one); committed before return."""
        with self.write() as con:
            con.execute(
                "INSERT OR REPLACE INTO adjudications(answer_id, admin_id, correct, useful, harmful, "
                "wrong_language, note, created) VALUES (?,?,?,?,?,?,?,?)",
                (answer_id, admin_id, *(int(scores[k]) for k in RUBRIC), note, time.time()),
            )

    def adjudications(self) -> dict[int, dict[str, Any]]:
        """Final grades by answer id."""
        return {int(r["answer_id"]): dict(r) for r in self.query("SELECT * FROM adjudications")}

    def grade_rows(self) -> list[dict[str, Any]]:
        """Every grade with its answer's model, item and language (for the numbers, never for graders)."""
        rows = self.query(
            "SELECT grades.*, models.name AS model, models.id AS model_id, items.item_id AS item, "
            "items.language AS language, items.type AS type, users.name AS grader "
            "FROM grades JOIN answers ON answers.id = grades.answer_id "
            "JOIN models ON models.id = answers.model_id JOIN items ON items.id = answers.item_pk "
            "JOIN users ON users.id = grades.grader_id ORDER BY grades.id"
        )
        return [dict(r) for r in rows]

    def vote_rows(self) -> list[dict[str, Any]]:
        """Every pairwise vote with the two models and the item's language."""
        rows = self.query(
            "SELECT votes.*, ma.name AS model_a, mb.name AS model_b, items.language AS language, "
            "items.item_id AS item, users.name AS grader FROM votes "
            "JOIN answers a ON a.id = votes.answer_a JOIN answers b ON b.id = votes.answer_b "
            "JOIN models ma ON ma.id = a.model_id JOIN models mb ON mb.id = b.model_id "
            "JOIN items ON items.id = a.item_pk JOIN users ON users.id = votes.grader_id ORDER BY votes.id"
        )
        return [dict(r) for r in rows]
