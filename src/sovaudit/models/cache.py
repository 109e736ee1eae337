"""The request-level answer cache (SQLite), so that an interrupted run resumes where it stopped.

Every answer a model gives is stored under ``(model key, request kind, request key)``: the model key
names the backend, the SHA-256 of the weights and the settings that change numbers (dtype, context
length); the request key is the SHA-256 of the request's JSON. :class:`CachedModel` wraps any
:class:`~sovaudit.models.base.LanguageModel`: it answers what is cached, computes the rest in chunks and
commits each chunk before the next starts, so a run killed with SIGKILL loses at most one chunk (about
``CHUNK_CHARS`` characters of requests; ``$SOVAUDIT_CACHE_CHUNK_CHARS`` changes it). Chunks are cut
greedily from a fixed order of the missing requests, so a resumed run forms the same chunks as an
uninterrupted one and gives bit-identical numbers.
The database lives at ``<home>/cache/answers.sqlite`` or ``$SOVAUDIT_ANSWER_CACHE`` (WAL mode; several
processes may share it).

Processes sharing one database share its answers (:class:`ChunkLocks`): before computing a chunk, a
process takes an exclusive ``flock`` on one of ``LOCK_SLOTS`` files in ``<database>.locks/`` (the slot is
a hash of the chunk's requests), re-reads which of the chunk's answers are still missing, computes and
commits only those, and releases the lock. A chunk whose lock another process holds is put off and taken
after the other chunks, so two identical runs split the chunks between them and each answer is computed
once. No deadlock: a process holds at most one lock, only while computing and storing one chunk, and waits
for one only while holding none. A killed process's ``flock`` is released by the kernel. ``--no-cache``
(no :class:`CachedModel`) shares nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..errors import SovauditError
from .base import (
    GenerateRequest,
    LanguageModel,
    LoglikelihoodRequest,
    LoglikelihoodResult,
    ModelInfo,
    RollingRequest,
    RollingResult,
)

T = TypeVar("T")
R = TypeVar("R")
CHUNK_CHARS = 16000
LOCK_SLOTS = 64  # lock files per database: unrelated chunks rarely share one (and then one is put off)


def default_cache_path() -> Path:
    """``$SOVAUDIT_ANSWER_CACHE``, else ``<home>/cache/answers.sqlite``."""
    import os

    from ..assets.store import home

    env = os.environ.get("SOVAUDIT_ANSWER_CACHE")
    if env:
        return Path(env).expanduser()

    return home() / "cache" / "answers.sqlite"


def request_key(payload: Any) -> str:
    """SHA-256 hex of the canonical JSON of ``payload``."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_key(model: LanguageModel) -> str:
    """What identifies a model's answers: backend, weights digest and number-changing settings."""
    return model.info.cache_key


class AnswerCache:
    """A SQLite table of answers keyed by (model, kind, request)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS answers (model TEXT NOT NULL, kind TEXT NOT NULL,"
                " key TEXT NOT NULL, value TEXT NOT NULL, created REAL NOT NULL,"
                " PRIMARY KEY (model, kind, key))"
            )
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise SovauditError(
                f"cannot open the answer cache {self.path}: {exc}",
                "set SOVAUDIT_HOME to a writable folder or pass --no-cache",
            ) from exc

    def get_many(self, model: str, kind: str, keys: Sequence[str]) -> dict[str, Any]:
        """The cached answers among ``keys`` (decoded JSON), by key."""
        found: dict[str, Any] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT key, value FROM answers WHERE model=? AND kind=? AND key IN ({marks})",
                (model, kind, *part),
            )
            found.update((k, json.loads(v)) for k, v in rows)
        return found

    def put_many(self, model: str, kind: str, items: Sequence[tuple[str, Any]]) -> None:
        """Store answers and commit."""
        now = time.time()
        self._db.executemany(
            "INSERT OR REPLACE INTO answers (model, kind, key, value, created) VALUES (?, ?, ?, ?, ?)",
            [(model, kind, k, json.dumps(v), now) for k, v in items],
        )
        self._db.commit()

    def count(self, model: str | None = None) -> int:
        """Number of stored answers (for one model key, or all)."""
        if model is None:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        return int(self._db.execute("SELECT COUNT(*) FROM answers WHERE model=?", (model,)).fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()


class ChunkLocks:
    """Exclusive per-chunk locks shared by every process using one answer database (module docstring)."""

    def __init__(self, db_path: Path, slots: int = LOCK_SLOTS) -> None:
        self.dir = Path(f"{db_path}.locks")
        self.slots = slots

    def slot(self, name: str) -> Path:
        """The lock file of the chunk called ``name`` (a hash of its model, kind and request keys)."""
        return self.dir / f"{int(name[:8], 16) % self.slots:02d}.lock"

    @contextlib.contextmanager
    def hold(self, name: str, wait: bool) -> Iterator[bool]:
        """Hold the chunk's lock for the ``with`` block; yields False when ``wait`` is off and another
        process holds it. Where locks cannot be taken (no ``fcntl``, read-only folder) yields True."""
        try:
            import fcntl

            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.slot(name), os.O_RDWR | os.O_CREAT, 0o644)
        except (ImportError, OSError):
            yield True  # no sharing, as before: every process computes what it misses
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True  # released by close (and by the kernel if this process dies)
        finally:
            os.close(fd)


def _chunks(
    items: list[T], size: Callable[[T], int], boundary: Callable[[T, T], bool], limit: int
) -> Iterator[list[T]]:
    """Consecutive chunks of about ``limit`` total size, cut only where ``boundary(prev, next)``."""
    chunk: list[T] = []
    total = 0
    for item in items:
        if chunk and total >= limit and boundary(chunk[-1], item):
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += size(item)
    if chunk:
        yield chunk


class CachedModel:
    """A :class:`LanguageModel` whose answers go through an :class:`AnswerCache` (see module docstring)."""

    def __init__(
        self, model: LanguageModel, cache: AnswerCache | None = None, chunk_chars: int | None = None
    ) -> None:
        self.inner = model
        self.cache = cache or AnswerCache()
        self.chunk_chars = chunk_chars or int(os.environ.get("SOVAUDIT_CACHE_CHUNK_CHARS", CHUNK_CHARS))
        self.name = model.name
        self.digest = model.digest
        self.key = model_key(model)
        self.locks = ChunkLocks(self.cache.path)
        self.computed = 0  # answers computed (not taken from the cache) by this object
        self.requested = 0  # answers asked of this object (cached or computed)

    @property
    def info(self) -> ModelInfo:
        """The wrapped model's :class:`ModelInfo` (the cache changes no number)."""
        return self.inner.info

    def __repr__(self) -> str:
        return f"CachedModel({self.inner!r})"

    def count_tokens(self, text: str) -> int | None:
        """The wrapped model's token count (``None`` if it cannot count)."""
        from .base import CountsTokens

        return self.inner.count_tokens(text) if isinstance(self.inner, CountsTokens) else None

    def _run(
        self,
        kind: str,
        payloads: list[Any],
        compute: Callable[[list[int]], list[Any]],
        size: Callable[[int], int],
        order: Callable[[int], Any],
        boundary: Callable[[int, int], bool],
    ) -> list[Any]:
        keys = [request_key(p) for p in payloads]
        self.requested += len(keys)
        found = self.cache.get_many(self.key, kind, keys)
        todo_keys: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k not in found:
                todo_keys.setdefault(k, i)
        todo = sorted(todo_keys.values(), key=order)
        chunks = list(_chunks(todo, size, boundary, self.chunk_chars))
        from ..progress import track

        def settle(chunk: list[int], wait: bool) -> bool:
            """Compute and store what of ``chunk`` no other process has stored; False if put off."""
            chunk_keys = [keys[i] for i in chunk]
            with self.locks.hold(request_key([self.key, kind, chunk_keys]), wait) as held:
                if not held:
                    return False
                found.update(self.cache.get_many(self.key, kind, chunk_keys))  # another run's answers
                missing = [i for i in chunk if keys[i] not in found]
                if missing:
                    answers = compute(missing)
                    items = [(keys[i], a) for i, a in zip(missing, answers, strict=True)]
                    self.cache.put_many(self.key, kind, items)
                    found.update(items)
                    self.computed += len(missing)
            return True

        put_off = [c for c in track(chunks, f"scoring ({kind})", total=len(chunks)) if not settle(c, False)]
        for chunk in put_off:  # another process was computing these: wait for it, then take its answers
            settle(chunk, True)
        return [found[k] for k in keys]

    def loglikelihood(
        self, requests: Sequence[LoglikelihoodRequest | tuple[str, str]]
    ) -> list[LoglikelihoodResult]:
        """Cached :meth:`LanguageModel.loglikelihood`."""
        reqs = [r if isinstance(r, LoglikelihoodRequest) else LoglikelihoodRequest(*r) for r in requests]
        out = self._run(
            "loglikelihood",
            [[r.context, r.continuation] for r in reqs],
            lambda idx: [list(x) for x in self.inner.loglikelihood([reqs[i] for i in idx])],
            lambda i: len(reqs[i].context) + len(reqs[i].continuation),
            lambda i: (reqs[i].context, reqs[i].continuation),
            lambda a, b: reqs[a].context != reqs[b].context,
        )
        return [LoglikelihoodResult(float(lp), bool(g)) for lp, g in out]

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest | str]) -> list[RollingResult]:
        """Cached :meth:`LanguageModel.loglikelihood_rolling`."""
        texts = [r.text if isinstance(r, RollingRequest) else r for r in requests]
        out = self._run(
            "rolling",
            texts,
            lambda idx: [list(x) for x in self.inner.loglikelihood_rolling([texts[i] for i in idx])],
            lambda i: len(texts[i]),
            lambda i: (-len(texts[i]), i),
            lambda a, b: True,
        )
        return [RollingResult(float(lp), int(n)) for lp, n in out]

    def generate(self, requests: Sequence[GenerateRequest]) -> list[str]:
        """Cached :meth:`LanguageModel.generate`."""
        reqs = list(requests)
        out = self._run(
            "generate",
            [[r.prompt, list(r.until), r.max_tokens] for r in reqs],
            lambda idx: list(self.inner.generate([reqs[i] for i in idx])),
            lambda i: len(reqs[i].prompt) + 4 * reqs[i].max_tokens,
            lambda i: i,
            lambda a, b: True,
        )
        return [str(x) for x in out]
