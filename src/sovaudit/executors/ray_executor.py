"""Run work units as Ray tasks, on a local Ray instance or on an existing cluster (``--address``).

Without an address, a private local Ray instance with ``workers`` CPUs is started for the run and shut
down after it. With an address (``host:port`` of a head node started with ``ray start --head``, or
``auto``), the head is probed first with a short TCP timeout so that a cluster that does not answer gives
one clear error instead of a long hang. Finished units are returned to the driver, which saves them, so an
error half-way (a lost node, Ctrl-C) never loses the units already finished.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import SovauditError, require
from .base import UnitFn

CONNECT_TIMEOUT_S = 5.0


def probe_address(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise a :class:`SovauditError` unless something listens at ``address`` (``[ray://]host:port``)."""
    if address in ("auto", "local"):
        return
    hostport = address.split("://", 1)[-1]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise SovauditError(
            f"Ray address '{address}' is not host:port", "pass --address HOST:PORT of the Ray head"
        )
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return
    except OSError as exc:
        raise SovauditError(
            f"no Ray cluster answers at {address} ({exc.strerror or exc})",
            "start one with `ray start --head`, check --address, or run without --address for a local Ray",
        ) from exc


class RayExecutor:
    """Ray tasks, one per unit, at most ``2 * cluster CPUs`` in flight."""

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        self.workers = workers
        self.address = address
        if address:
            probe_address(address)

    def _init(self, ray: Any) -> bool:
        """Start or join Ray; return whether this call started it (and must shut it down)."""
        if ray.is_initialized():
            return False
        os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": "ERROR",
        }
        try:
            if self.address:
                ray.init(address=self.address, **kwargs)
            else:
                ray.init(num_cpus=self.workers, **kwargs)  # None: all CPUs of this machine
        except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
            where = self.address or "a local Ray instance"
            raise SovauditError(
                f"cannot start Ray at {where}: {exc}", "check the Ray installation and --address"
            ) from exc
        return True

    def run(self, fn: UnitFn, payloads: Sequence[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        ray: Any = require("ray", "ray")
        started = self._init(ray)
        try:
            task = ray.remote(num_cpus=1, max_retries=1)(fn)
            cpus = int(ray.cluster_resources().get("CPU", self.workers or 1)) or 1
            todo = iter(enumerate(payloads))
            running: dict[Any, int] = {}
            for i, payload in todo:
                running[task.remote(payload)] = i
                if len(running) >= 2 * cpus:
                    break
            failure: BaseException | None = None
            while running:
                done, _ = ray.wait(list(running), num_returns=1)
                for ref in done:
                    i = running.pop(ref)
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayTaskError as exc:  # stop submitting, keep units in flight
                        cause = exc.as_instanceof_cause()
                        failure = failure or (
                            SovauditError(cause.problem, cause.fix)
                            if isinstance(cause, SovauditError)
                            else exc
                        )
                        continue
                    yield i, result
                    nxt = next(todo, None) if failure is None else None
                    if nxt is not None:
                        running[task.remote(nxt[1])] = nxt[0]
            if failure is not None:
                raise failure
        finally:
            for ref in running:
                ray.cancel(ref, force=True)
            if started:
                ray.shutdown()
