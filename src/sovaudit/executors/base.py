"""Work units, the shard store with completion markers, and the driver loop shared by every executor.

A work unit is ``(audit, subject, shard)`` plus a JSON payload; a unit function (a picklable, top-level
callable) turns the payload into a JSON-able result. The *driver* writes every finished unit to
``<OUT>/shards/<shard>.json`` and then a completion marker ``<shard>.done`` holding the unit's
fingerprint, as soon as the unit finishes, whichever executor ran it; workers never write there, so a
remote Ray node needs no shared file system. A rerun skips units whose marker matches their fingerprint
(a changed payload, e.g. another detector or an edited file, reruns the unit). Results come back in unit
order, so a reduce that folds them is identical for every executor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import SovauditError
from ..results import write_files_atomic

UnitFn = Callable[[dict[str, Any]], dict[str, Any]]
META_KEY = "_meta"  # a unit result's key for facts about this run (answers computed), dropped before saving
SHARDS_DIR = "shards"


@dataclass(frozen=True)
class WorkUnit:
    """One unit of work: which audit, on which subject (settings hash), over which shard, reading inputs
    whose content digest is ``inputs`` (see :mod:`sovaudit.inputs`)."""

    audit: str
    subject: str
    shard: str
    payload: dict[str, Any] = field(hash=False, compare=False)
    inputs: str = ""

    @property
    def fingerprint(self) -> str:
        """SHA-256 of audit, subject, shard, payload and the content digest of the unit's inputs: what the
        marker must match to skip the unit (a changed byte of any input it reads recomputes it)."""
        blob = json.dumps([self.audit, self.subject, self.shard, self.payload, self.inputs], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


class ShardStore:
    """``<OUT>/shards/``: one JSON result and one completion marker per finished unit."""

    def __init__(self, out_dir: str | Path) -> None:
        self.dir = Path(out_dir) / SHARDS_DIR
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SovauditError(f"cannot create {self.dir}: {exc.strerror}", "pass a writable --out") from exc

    def result_path(self, unit: WorkUnit) -> Path:
        return self.dir / f"{unit.shard}.json"

    def marker_path(self, unit: WorkUnit) -> Path:
        return self.dir / f"{unit.shard}.done"

    def is_done(self, unit: WorkUnit) -> bool:
        """Whether a finished result for exactly this unit (same fingerprint) is on disk."""
        marker = self.marker_path(unit)
        try:
            return marker.read_text(encoding="utf-8").strip() == unit.fingerprint
        except OSError:
            return False

    def save(self, unit: WorkUnit, result: dict[str, Any]) -> None:
        """Write the result atomically, then the marker (so a marker always has a whole result)."""
        body = {"audit": unit.audit, "subject": unit.subject, "shard": unit.shard, "result": result}
        write_files_atomic(
            {
                self.result_path(unit): json.dumps(body, sort_keys=True),
                self.marker_path(unit): unit.fingerprint + "\n",
            }
        )

    def forget(self, unit: WorkUnit) -> None:
        """Remove a unit's completion marker, so the next run computes it again."""
        self.marker_path(unit).unlink(missing_ok=True)

    def load(self, unit: WorkUnit) -> dict[str, Any]:
        """The saved result of a finished unit."""
        data: dict[str, Any] = json.loads(self.result_path(unit).read_text(encoding="utf-8"))
        result: dict[str, Any] = data["result"]
        return result


class Executor(Protocol):
    """Runs unit functions somewhere and yields ``(index, result)`` as units finish, in any order."""

    name: str

    def run(self, fn: UnitFn, payloads: Sequence[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        """Run ``fn`` on each payload; yield ``(position in payloads, result)`` as each finishes."""
        ...


@dataclass
class RunStats:
    """How many units a run computed and how many it found finished on disk."""

    total: int = 0
    skipped: int = 0
    computed: int = 0
    answers_computed: int = 0  # model answers computed by the units run now (from their ``_meta``)
    answers_cached: int = 0  # model answers the units run now found in the answer cache


def run_units(
    units: Sequence[WorkUnit],
    fn: UnitFn,
    store: ShardStore,
    executor: Executor,
    on_done: Callable[[WorkUnit], None] | None = None,
) -> tuple[Iterator[dict[str, Any]], RunStats]:
    """Run the unfinished units, saving each as it finishes; return all results (unit order) and stats.

    Results are read back from ``store`` lazily, so memory holds one unit result at a time.
    """
    stats = RunStats(total=len(units))
    pending = [u for u in units if not store.is_done(u)]
    stats.skipped = len(units) - len(pending)
    if pending:
        for index, result in executor.run(fn, [u.payload for u in pending]):
            meta = result.pop(META_KEY, None) or {}  # what a unit says about this run only; not saved
            stats.answers_computed += int(meta.get("answers_computed", 0))
            stats.answers_cached += int(meta.get("answers_cached", 0))
            store.save(pending[index], result)
            stats.computed += 1
            if on_done:
                on_done(pending[index])
    return (store.load(u) for u in units), stats
