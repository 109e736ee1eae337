"""Run work units as Ray tasks, on a local Ray instance or on an existing cluster (``--address``).

Without an address, a private local Ray instance with ``workers`` CPUs is started for the run and shut
down after it. With an address (``host:port`` of a head node started with ``ray start --head``, or
``auto``), the head is probed first (TCP connect, then the HTTP/2 handshake every gRPC server answers, each
within 5 s) so that a closed port, a silent one or another service gives one clear error instead of Ray's
minutes of retries; Ray's own connection attempts are then capped at 5. Finished units are returned to
the driver, which saves them, so an error half-way (a lost node, Ctrl-C)
never loses the units already finished.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import SovauditError, require
from .base import UnitFn

CONNECT_TIMEOUT_S = 5.0
MAX_RETRIES = 2  # reruns of a unit whose worker process died
GCS_WAIT_ENV = "RAY_gcs_server_port_wait_time_s"  # Ray's connect attempts (~1 s each); default ~20


@contextlib.contextmanager
def _bounded_connect() -> Iterator[None]:
    """Joining a cluster: at most ``CONNECT_TIMEOUT_S`` attempts, Ray's per-attempt warnings kept off stderr.

    Something that accepts TCP at ``--address`` but is not a Ray head (a dashboard port, a proxy) passes the
    socket probe; Ray then retries for ~20 s and writes a warning line per attempt from C++ (fd 2). The
    error raised afterwards is the one line the user sees.
    """
    old = os.environ.get(GCS_WAIT_ENV)
    if old is None:
        os.environ[GCS_WAIT_ENV] = str(int(CONNECT_TIMEOUT_S))
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
        if old is None:
            os.environ.pop(GCS_WAIT_ENV, None)


_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"  # + SETTINGS


def probe_address(address: str, timeout: float | None = None) -> None:
    """Raise a :class:`SovauditError` unless a Ray head answers at ``address`` (``[ray://]host:port``).

    A Ray head's GCS (and its client server) speak gRPC: sent the HTTP/2 client preface, they answer with a
    SETTINGS frame. A closed port, a silent one or another service (a dashboard, a web server) fails here
    within ``timeout`` seconds; otherwise Ray itself may wait minutes before it gives up.
    """
    if address in ("auto", "local"):
        return
    timeout = CONNECT_TIMEOUT_S if timeout is None else timeout
    hostport = address.split("://", 1)[-1]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise SovauditError(
            f"Ray address '{address}' is not host:port", "pass --address HOST:PORT of the Ray head"
        )
    fix = "start one with `ray start --head`, check --address, or run without --address for a local Ray"
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(_H2_PREFACE)
            head = b""
            while len(head) < 9 and (chunk := sock.recv(9 - len(head))):
                head += chunk
    except TimeoutError:
        head = b""
    except OSError as exc:
        raise SovauditError(f"no Ray cluster answers at {address} ({exc.strerror or exc})", fix) from exc
    if len(head) < 9 or head[3] != 0x04:  # not an HTTP/2 SETTINGS frame: not a gRPC server
        raise SovauditError(
            f"no Ray cluster answers at {address} (something listens there, but not a Ray head)",
            "pass the head's GCS port (6379 by default; not the dashboard's 8265), or run without --address",
        )


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
                with _bounded_connect():
                    ray.init(address=self.address, **kwargs)
            else:
                ray.init(num_cpus=self.workers, **kwargs)  # None: all CPUs of this machine
        except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
            where = self.address or "a local Ray instance"
            fix = "check the Ray installation and --address"
            if self.address:
                fix += " (a cluster with token authentication also needs RAY_AUTH_TOKEN set here)"
            raise SovauditError(f"cannot start Ray at {where}: {exc}", fix) from exc
        return True

    def run(self, fn: UnitFn, payloads: Sequence[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        ray: Any = require("ray", "ray")
        started = self._init(ray)
        try:
            # a worker process that dies mid-unit (killed, out of memory, a lost node) is retried elsewhere
            task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(fn)
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
                    except ray.exceptions.RayError as exc:  # workers died MAX_RETRIES + 1 times on it
                        failure = failure or SovauditError(
                            f"a Ray worker died {MAX_RETRIES + 1} times on one unit ({type(exc).__name__})",
                            "the finished units are kept; check memory and rerun the same command to resume",
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
