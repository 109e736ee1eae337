"""Two processes sharing one answer cache share its answers: each answer is computed once in total.

Real processes (spawned), a real tiny random model, started at the same instant by a barrier so that they
score the same request set side by side (before per-chunk locks both computed all of it).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

from sovaudit.models.cache import AnswerCache, CachedModel, ChunkLocks
from sovaudit.models.hf import HFModel

CONTEXTS = [
    "All human beings are born",
    "Kila mtu amezaliwa",
    "Tous les êtres humains",
    "Die Würde des Menschen",
    "Everyone is entitled to",
    "They are endowed with reason",
]
ENDINGS = [" free", " equal", " huru", " libres", " rights", " and", " in", " dignity", " with", " to", " a"]
PAIRS = [(c, e) for c in CONTEXTS for e in ENDINGS][:62]  # 62 requests, as in the probe of issue 13


def _score(model_dir: str, db: str, barrier: Any, queue: Any) -> None:
    model = CachedModel(HFModel(Path(model_dir)), AnswerCache(Path(db)), chunk_chars=60)
    barrier.wait(timeout=120)
    answers = model.loglikelihood(PAIRS)
    queue.put((os.getpid(), model.computed, [(a.logprob, a.is_greedy) for a in answers]))


def test_two_processes_compute_each_answer_once(tiny_gemma: Path, tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite"
    AnswerCache(db).close()  # the table exists before both start
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_score, args=(str(tiny_gemma), str(db), barrier, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    got = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    (_, computed_a, answers_a), (_, computed_b, answers_b) = got
    assert answers_a == answers_b  # identical answers, bit for bit
    assert computed_a + computed_b == len(PAIRS)  # not 2 * 62: one waited for or reused the other's
    print(f"computed {computed_a} + {computed_b} = {len(PAIRS)} answers for {len(PAIRS)} requests")
    with sqlite3.connect(str(db)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == len(PAIRS)


def _hold_forever(db: str, name: str, ready: Any) -> None:
    with ChunkLocks(Path(db)).hold(name, wait=True):
        ready.set()
        time.sleep(600)


def test_a_killed_holder_releases_its_chunk_lock(tmp_path: Path) -> None:
    locks, name = ChunkLocks(tmp_path / "a.sqlite"), "ab" * 32
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_forever, args=(str(tmp_path / "a.sqlite"), name, ready))
    holder.start()
    assert ready.wait(timeout=120)
    with locks.hold(name, wait=False) as held:
        assert not held  # another process computes this chunk: put off
    assert holder.pid is not None
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(timeout=30)
    with locks.hold(name, wait=False) as held:
        assert held  # the kernel released the dead process's lock


def test_no_cache_shares_nothing(tiny_gemma: Path, tmp_path: Path) -> None:
    from sovaudit.models.loading import load_model

    model = load_model(str(tiny_gemma), cache=False)  # --no-cache: the bare model, no cache, no locks
    assert not isinstance(model, CachedModel)
    model.loglikelihood(PAIRS[:2])
    assert not list(tmp_path.glob("*.locks")) and not (tmp_path / "answers.sqlite").exists()
