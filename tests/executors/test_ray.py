"""A real local Ray cluster (2 worker CPUs) runs the corpus audit: same numbers as local, same layout.

The cluster test takes about 11 s on a 2-core machine (Ray start-up), under the 20 s mark for `slow`.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from sovaudit import run
from sovaudit.audits.corpus import comparable
from sovaudit.cli import main

ray = pytest.importorskip("ray")


def small_corpus(root: Path) -> Path:
    texts = {
        "eng": "All human beings are born free and equal in dignity and rights. They have reason.",
        "fra": "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils ont raison.",
        "rus": "Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом.",
    }
    root.mkdir()
    for i in range(6):
        lines = [
            f"{texts[lang]} ({i}.{j})"
            for j in range(40)
            for lang in texts
            if (j + i) % 3 != 0 or lang == "eng"
        ]
        (root / f"part{i}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_ray_matches_local_and_layout(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    local = run("corpus", paths=(str(corpus),), out=str(tmp_path / "local"), shard_bytes=4000)
    t0 = time.monotonic()
    on_ray = run(
        "corpus", paths=(str(corpus),), out=str(tmp_path / "ray"), shard_bytes=4000, executor="ray", workers=2
    )
    elapsed = time.monotonic() - t0
    assert not ray.is_initialized()  # the executor shut down the Ray instance it started
    assert comparable(on_ray) == comparable(local)
    assert on_ray.summary["shards"]["computed"] == on_ray.summary["shards"]["total"] > 6
    names = lambda out: sorted(p.name for p in (tmp_path / out / "shards").iterdir())  # noqa: E731
    assert names("ray") == names("local")
    assert sorted(p.name for p in (tmp_path / "ray").iterdir()) == [
        "results.json",
        "rows.csv",
        "shards",
        "spec.json",
    ]
    print(f"ray run: {elapsed:.1f} s")


def test_ray_address_that_does_not_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # a port nobody listens on once closed
    t0 = time.monotonic()
    rc = main(
        [
            "corpus",
            str(corpus),
            "--out",
            str(tmp_path / "o"),
            "--executor",
            "ray",
            "--address",
            f"127.0.0.1:{port}",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "no Ray cluster answers at 127.0.0.1" in err and len(err.strip().splitlines()) == 1
    assert time.monotonic() - t0 < 10
    assert not (tmp_path / "o" / "results.json").exists()


class _Listener:
    """A TCP server on 127.0.0.1 that accepts connections and either stays silent or answers HTTP/1.1."""

    def __init__(self, reply: bytes | None) -> None:
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.reply is not None:
                conn.recv(1024)
                conn.sendall(self.reply)

    def close(self) -> None:
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.mark.parametrize("reply", [None, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"])
def test_something_that_is_not_a_ray_head_fails_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reply: bytes | None
) -> None:
    """A silent port or a web server at --address: one line within seconds (Ray alone waited minutes)."""
    from sovaudit.executors import ray_executor

    corpus = small_corpus(tmp_path / "corpus")
    server = _Listener(reply)
    old = ray_executor.CONNECT_TIMEOUT_S
    ray_executor.CONNECT_TIMEOUT_S = 1.0
    try:
        t0 = time.monotonic()
        argv = ["corpus", str(corpus), "--out", str(tmp_path / "o"), "--executor", "ray"]
        rc = main([*argv, "--address", f"127.0.0.1:{server.port}"])
    finally:
        ray_executor.CONNECT_TIMEOUT_S = old
        server.close()
    err = capsys.readouterr().err
    assert rc == 2 and "not a Ray head" in err and len(err.strip().splitlines()) == 1, err
    assert time.monotonic() - t0 < 8
    assert not (tmp_path / "o" / "results.json").exists()


def test_an_existing_two_worker_cluster_via_address(tmp_path: Path) -> None:
    """A real local Ray cluster with 2 worker CPUs: units run on 2 worker processes; the probe passes on its
    GCS; the CLI in another process joins it with --address and gives the local run's numbers."""
    import json
    import subprocess
    import sys

    from sovaudit.executors import ShardStore, WorkUnit, run_units
    from sovaudit.executors.ray_executor import RayExecutor, probe_address

    def _pid(payload: dict) -> dict:  # nested: Ray ships it by value (the test module is not importable)
        import os

        time.sleep(0.3)
        return {"pid": os.getpid(), "i": payload["i"]}

    corpus = small_corpus(tmp_path / "corpus")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    try:
        gcs = ray.get_runtime_context().gcs_address
        probe_address(gcs, timeout=5.0)
        probe_address(f"ray://{gcs}", timeout=5.0)
        units = [WorkUnit("t", "s", f"u{i}", {"i": i}) for i in range(6)]
        results, _stats = run_units(units, _pid, ShardStore(tmp_path / "pids"), RayExecutor())
        got = list(results)
        assert [r["i"] for r in got] == list(range(6))
        assert len({r["pid"] for r in got}) == 2  # two worker processes shared the units
        assert ray.is_initialized()  # an executor that did not start Ray leaves it running
        out = tmp_path / "joined"
        cmd = [sys.executable, "-m", "sovaudit.cli", "corpus", str(corpus), "--out", str(out)]
        proc = subprocess.run(
            [*cmd, "--shard-mb", "1", "--executor", "ray", "--address", gcs],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
    finally:
        ray.shutdown()
    local = run("corpus", paths=(str(corpus),), out=str(tmp_path / "local"))
    joined = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert joined["rows"] == json.loads(json.dumps(local.rows))
    assert joined["summary"]["executor"] == {"name": "ray", "workers": None, "address": gcs}
