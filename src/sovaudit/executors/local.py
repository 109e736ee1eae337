"""Executors on this machine: one process, or a pool of worker processes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from .base import UnitFn


class SequentialExecutor:
    """Runs units one after another in this process."""

    name = "local"

    def run(self, fn: UnitFn, payloads: Sequence[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        for i, payload in enumerate(payloads):
            yield i, fn(payload)


class ProcessExecutor:
    """A pool of ``workers`` spawned processes; each unit's result is yielded as soon as it finishes.

    At most ``2 * workers`` units are in flight. When a unit fails, no new unit starts, the units in flight
    finish and are handed back (so the driver saves them), then the error is raised.
    """

    name = "process"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def run(self, fn: UnitFn, payloads: Sequence[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx) as pool:
            todo = iter(enumerate(payloads))
            running: dict[Future[dict[str, Any]], int] = {}
            try:
                for i, payload in todo:
                    running[pool.submit(fn, payload)] = i
                    if len(running) >= 2 * self.workers:
                        break
                failure: BaseException | None = None
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in sorted(done, key=running.__getitem__):
                        i = running.pop(fut)
                        exc = fut.exception()
                        if exc is not None:
                            failure = failure or exc  # stop submitting; still hand back units in flight
                            continue
                        yield i, fut.result()
                        nxt = next(todo, None) if failure is None else None
                        if nxt is not None:
                            running[pool.submit(fn, nxt[1])] = nxt[0]
                if failure is not None:
                    raise failure
            finally:
                for fut in running:
                    fut.cancel()
