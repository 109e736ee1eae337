"""Executors on this machine: sequential and process pool give the same results; markers; layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sovaudit.errors import SovauditError
from sovaudit.executors import ShardStore, WorkUnit, get_executor, run_units


def square(payload: dict[str, Any]) -> dict[str, Any]:
    """A unit function (top level, so spawned workers can import it)."""
    if payload.get("fail"):
        raise SovauditError(f"unit {payload['i']} failed", "fix the input")
    return {"i": payload["i"], "sq": payload["i"] ** 2}


def units(n: int, fail_at: int | None = None, subject: str = "s1") -> list[WorkUnit]:
    return [WorkUnit("toy", subject, f"shard{i:03d}", {"i": i, "fail": i == fail_at}) for i in range(n)]


@pytest.mark.parametrize(("name", "workers"), [("local", 1), ("process", 2), ("local", 2)])
def test_results_in_unit_order_and_layout(tmp_path: Path, name: str, workers: int) -> None:
    store = ShardStore(tmp_path)
    results, stats = run_units(units(7), square, store, get_executor(name, workers))
    assert [r["sq"] for r in results] == [i * i for i in range(7)]
    assert (stats.total, stats.computed, stats.skipped) == (7, 7, 0)
    files = sorted(p.name for p in (tmp_path / "shards").iterdir())
    assert files == sorted(
        [f"shard{i:03d}.json" for i in range(7)] + [f"shard{i:03d}.done" for i in range(7)]
    )
    body = json.loads((tmp_path / "shards" / "shard003.json").read_text())
    assert body == {"audit": "toy", "subject": "s1", "shard": "shard003", "result": {"i": 3, "sq": 9}}


def test_rerun_skips_finished_and_reruns_changed_units(tmp_path: Path) -> None:
    store = ShardStore(tmp_path)
    _r, stats = run_units(units(5), square, store, get_executor("local"))
    assert stats.computed == 5
    _r, stats = run_units(units(5), square, store, get_executor("local"))
    assert (stats.computed, stats.skipped) == (0, 5)
    changed = units(5)
    changed[2] = WorkUnit("toy", "s1", "shard002", {"i": 20, "fail": False})  # same shard, new payload
    results, stats = run_units(changed, square, store, get_executor("local"))
    assert (stats.computed, stats.skipped) == (1, 4)
    assert [r["i"] for r in results] == [0, 1, 20, 3, 4]


def test_a_failing_unit_keeps_finished_units(tmp_path: Path) -> None:
    store = ShardStore(tmp_path)
    with pytest.raises(SovauditError, match="unit 4 failed"):
        run_units(units(6, fail_at=4), square, store, get_executor("process", 2))
    done = sorted(p.stem for p in (tmp_path / "shards").glob("*.done"))
    assert {"shard000", "shard001", "shard002", "shard003"} <= set(done) and "shard004" not in done
    _r, stats = run_units(units(6), square, store, get_executor("local"))
    assert stats.skipped >= 4 and stats.computed == 6 - stats.skipped


def test_marker_without_matching_fingerprint_is_not_trusted(tmp_path: Path) -> None:
    store = ShardStore(tmp_path)
    u = units(1)[0]
    store.save(u, {"i": 0, "sq": 0})
    assert store.is_done(u)
    store.marker_path(u).write_text("garbage\n")
    assert not store.is_done(u)


def test_unknown_executor() -> None:
    with pytest.raises(SovauditError, match="unknown executor 'dask'"):
        get_executor("dask")


def test_worker_defaults_and_bad_counts() -> None:
    assert get_executor("local").name == "local" and get_executor("local", 1).name == "local"
    assert get_executor("local", 3).name == "process"
    assert get_executor("process").workers >= 1  # type: ignore[attr-defined]
    with pytest.raises(SovauditError, match="--workers must be at least 1"):
        get_executor("process", 0)
