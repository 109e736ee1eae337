"""Executors on this machine: one process, or a pool of worker processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from .base import UnitFn

PARENT_POLL_S = 0.25  # how often a pool worker checks that the driver is still alive


def die_with_parent(parent: int) -> None:
    """Pool worker initializer: exit as soon as the driver process ``parent`` is gone.

    A driver killed with SIGKILL cannot shut its pool down; its workers (and, through them, the resource
    tracker that waits for their pipe to close) would run on. On Linux the kernel sends the worker SIGKILL
    when its parent dies (``prctl(PR_SET_PDEATHSIG)``, immediate even while the worker is inside C code);
    everywhere a daemon thread also polls ``os.getppid()`` and exits when the worker was re-parented.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the driver died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="sovaudit-parent-watch", daemon=True).start()


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
        with ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
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
