"""Kill and resume, every audit: SIGKILL at 20 seeded random points, rerun, identical results.

For every registered audit a tiny real spec (``kill_specs``) runs uninterrupted (after a warm-up run that
installs the bundled assets it reads; the second run's duration is ``T``), then 20 times is killed with
SIGKILL at a point drawn from ``[0, T)`` (seeded) and rerun to completion in the same folder with the same
answer cache. Each rerun must give the uninterrupted run's results (the whole ``results.json`` but its
creation time, command line, git revision and shard counts; ``rows.csv`` byte for byte), skip every shard
finished before the kill (markers untouched, ``skipped_finished`` equal to their number), so recompute
only the units in flight and those not started, and compute only the model answers the killed run had not
committed to the answer cache; no lock, temporary file or staging folder may be left, and the answer cache
must pass SQLite's ``integrity_check``.

The country audit (every audit of a country through the runner, then scorecard, report, signed bundle)
is killed 5 times in a chain, each rerun resuming the last, and must end as its uninterrupted run does.

Runs are children forked from a warm interpreter (``kill_zygote``), so kills land in planning, model
loading, scoring and writing rather than in ``import torch``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kill_specs import build_specs

from sovaudit.registry import BUILTIN, audits

KILLS = 20  # per audit
SEED = 13
ZYGOTE = Path(__file__).with_name("kill_zygote.py")
VOLATILE = {("provenance", "created_at"), ("provenance", "command"), ("provenance", "git_revision")}

pytestmark = pytest.mark.slow


class Zygote:
    """The warm interpreter of :mod:`kill_zygote`, spoken to over JSON lines."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ZYGOTE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        assert self._read().get("ready"), "the zygote did not start"

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the zygote died"
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _ask(self, cmd: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def start(self, audit: str, spec: dict[str, Any], out: Path, db: Path) -> int:
        """Fork a run; its pid."""
        env = {"SOVAUDIT_ANSWER_CACHE": str(db)}
        cmd = {"op": "run", "audit": audit, "spec": spec, "out": str(out), "env": env, "log": f"{out}.log"}
        return int(self._ask(cmd)["pid"])

    def run_argv(self, argv: list[str], env: dict[str, str], log: Path) -> int:
        """Fork a CLI command (``sovaudit ARGV``); its pid."""
        return int(self._ask({"op": "run", "argv": argv, "env": env, "log": str(log)})["pid"])

    def wait(self, pid: int) -> dict[str, Any]:
        """Reap a run: ``{"exit": code}`` or ``{"signal": number}``."""
        return self._ask({"op": "wait", "pid": pid})

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


Setup = tuple[Zygote, dict[str, dict[str, Any]], Path]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("kill")
    specs = build_specs(root / "data")
    env = {
        **os.environ,
        "SOVAUDIT_HOME": str(root / "home"),
        "SOVAUDIT_QUIET": "1",
        "SOVAUDIT_CACHE_CHUNK_CHARS": "200",  # several answer commits per unit: kills land between them
        "OMP_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    zygote = Zygote(env)
    yield zygote, specs, root
    zygote.close()


def test_every_audit_has_a_spec(setup: Setup) -> None:
    # every audit the project ships (tests register their own, e.g. bundle-tiny, into the same registry)
    assert sorted(setup[1]) == sorted(BUILTIN["audits"])  # a new audit needs a tiny spec in kill_specs.py
    assert set(BUILTIN["audits"]) <= set(audits.names())


def _comparable(out: Path) -> tuple[Any, bytes]:
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for section, key in VOLATILE:
        doc.get(section, {}).pop(key, None)
    doc["summary"].pop("shards", None)
    return doc, (out / "rows.csv").read_bytes()


def _answers(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(str(db), timeout=30) as con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name='answers'").fetchone():
            return 0  # killed between creating the file and its table
        return int(con.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


def _integrity(db: Path) -> str:
    if not db.exists():
        return "ok"
    with sqlite3.connect(str(db), timeout=30) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def _phase(out: Path, total: int, committed: int) -> str:
    """Where a kill landed, from what it left: no spec.json yet (planning), nothing scored yet (model
    loading), some shards or answers (scoring), every shard but no results (reducing/writing)."""
    done = len(list((out / "shards").glob("*.done"))) if (out / "shards").is_dir() else 0
    if (out / "results.json").exists():
        return "finished"
    if not (out / "spec.json").exists():
        return "planning"
    if done == 0 and committed == 0:
        return "loading"
    return "scoring" if done < total else "reducing/writing"


def _leftovers(out: Path) -> list[str]:
    names = [p.name for p in out.iterdir()] + [p.name for p in (out / "shards").iterdir()]
    return [n for n in names if n == ".sovaudit.lock" or ".tmp-" in n or n.startswith(".staged-")]


@pytest.mark.parametrize("audit", audits.names())
def test_sigkill_at_seeded_points_then_rerun(audit: str, setup: Setup) -> None:
    zygote, specs, root = setup
    spec, base = specs[audit], root / audit
    base.mkdir()
    pid = zygote.start(audit, spec, base / "warm", base / "warm.sqlite")  # installs bundled assets once
    assert zygote.wait(pid) == {"exit": 0}, (base / "warm.log").read_text()
    t0 = time.monotonic()
    pid = zygote.start(audit, spec, base / "ref", base / "ref.sqlite")
    assert zygote.wait(pid) == {"exit": 0}, (base / "ref.log").read_text()
    duration = time.monotonic() - t0
    ref = _comparable(base / "ref")
    total = json.loads((base / "ref" / "results.json").read_text())["summary"]["shards"]["total"]
    answers = _answers(base / "ref.sqlite")

    rng = random.Random(f"{SEED}:{audit}")
    phases: Counter[str] = Counter()
    for i in range(KILLS):
        at = rng.uniform(0, duration)
        out, db = base / f"k{i:02d}", base / f"k{i:02d}.sqlite"
        pid = zygote.start(audit, spec, out, db)
        time.sleep(at)
        os.kill(pid, signal.SIGKILL)  # a child that already finished is a zombie until waited: no error
        status = zygote.wait(pid)
        assert status in ({"signal": signal.SIGKILL}, {"exit": 0}), (status, Path(f"{out}.log").read_text())
        assert _integrity(db) == "ok", f"kill {i} at {at:.3f} s"
        shards = out / "shards"
        finished = {p.name: p.stat().st_mtime_ns for p in shards.glob("*.done")} if shards.is_dir() else {}
        committed = _answers(db)
        phases[_phase(out, total, committed) if status.get("signal") else "finished"] += 1
        if (out / "results.json").exists():  # written whole or not at all
            assert _comparable(out) == ref

        pid = zygote.start(audit, spec, out, db)
        assert zygote.wait(pid) == {"exit": 0}, Path(f"{out}.log").read_text()
        where = f"{audit}: kill {i} at {at:.3f} s of {duration:.3f} s"
        assert _comparable(out) == ref, where
        counts = json.loads((out / "results.json").read_text())["summary"]["shards"]
        assert counts["skipped_finished"] == len(finished), where  # finished shards are not recomputed
        assert counts["computed"] == total - len(finished), where
        assert {n: (shards / n).stat().st_mtime_ns for n in finished} == finished, where
        assert _leftovers(out) == [], where
        assert _integrity(db) == "ok", where
        rerun = json.loads(Path(f"{out}.stats.json").read_text())
        assert rerun["answers_computed"] == answers - committed, where  # no committed answer recomputed
    print(f"{audit}: T={duration:.2f} s, {total} units, {KILLS} kills: {dict(phases)}")


def test_a_rerun_removes_what_a_killed_writer_left(setup: Setup) -> None:
    """A writer killed between writing its temporary copy and the rename leaves ``.NAME.tmp-PID``."""
    from sovaudit.runner import RunOptions, run_audit

    _, specs, root = setup
    out = root / "stale"
    (out / "shards").mkdir(parents=True)
    for name in ("shards/.corpus-0000.json.tmp-999999", ".results.json.tmp-999999", ".rows.csv.tmp-1"):
        (out / name).write_text("{half", encoding="utf-8")
    run_audit("corpus", specs["corpus"], RunOptions(out=out))
    assert _leftovers(out) == []


COUNTRY_KILLS = 5  # one country run is ~75 s of scoring here: a chain of kills, each resuming the last


def test_country_audit_killed_in_a_chain_then_resumed(setup: Setup) -> None:
    """``sovaudit audit --country KE`` (every audit through the runner, then scorecard, report and signed
    bundle), killed 5 times at seeded points, each rerun resuming the last: the same results files as an
    uninterrupted run, a bundle that verifies, nothing left behind. Uses the installed assets, like
    tests/country."""
    from sovaudit.assets.store import home

    zygote, specs, root = setup
    base = root / "country"
    key = _key(base / "keys")
    argv = ["audit", "--country", "KE", "--model", specs["competence"]["model"], "--bias-limit", "5",
            "--politics-templates", "1", "--key", str(key)]  # fmt: skip

    def start(out: Path, db: Path) -> int:
        env = {"SOVAUDIT_HOME": str(home()), "SOVAUDIT_ANSWER_CACHE": str(db)}
        return zygote.run_argv([*argv, "--out", str(out)], env, Path(f"{out}.log"))

    t0 = time.monotonic()
    pid = start(base / "ref", base / "ref.sqlite")
    assert zygote.wait(pid) == {"exit": 0}, Path(f"{base / 'ref'}.log").read_text()
    duration = time.monotonic() - t0

    t0 = time.monotonic()
    pid = start(base / "ref", base / "ref.sqlite")  # a rerun with nothing left to do: the restart cost
    assert zygote.wait(pid) == {"exit": 0}, Path(f"{base / 'ref'}.log").read_text()
    restart = time.monotonic() - t0

    # kill points on the uninterrupted run's time line; each rerun is killed after its restart cost plus
    # the gap to the next point, so the kills spread over the whole run instead of bunching at its start
    rng = random.Random(f"{SEED}:country")
    points = sorted(rng.uniform(0, duration) for _ in range(COUNTRY_KILLS))
    out, db, kills, progress = base / "chain", base / "chain.sqlite", 0, []
    for k, point in enumerate(points):
        pid = start(out, db)
        time.sleep(point if k == 0 else restart + point - points[k - 1])
        os.kill(pid, signal.SIGKILL)
        status = zygote.wait(pid)
        assert _integrity(db) == "ok"
        if status == {"exit": 0}:
            break
        assert status == {"signal": signal.SIGKILL}, Path(f"{out}.log").read_text()
        kills += 1
        progress.append(len(list(out.rglob("results.json"))))
    pid = start(out, db)
    assert zygote.wait(pid) == {"exit": 0}, Path(f"{out}.log").read_text()

    ref_files = sorted(p.relative_to(base / "ref") for p in (base / "ref").rglob("results.json"))
    assert ref_files == sorted(p.relative_to(out) for p in out.rglob("results.json"))
    for rel in ref_files:
        assert _country_comparable(out / rel) == _country_comparable(base / "ref" / rel), rel
    pub = str(key.with_name("sovaudit.pub"))  # the signer's key, trusted by --key (never the bundle's own)
    pid = zygote.run_argv(["verify", str(out), "--key", pub], {}, Path(f"{out}.verify.log"))
    assert zygote.wait(pid) == {"exit": 0}, Path(f"{out}.verify.log").read_text()
    left = [
        p for p in out.rglob("*") if p.name == ".sovaudit.lock" or ".tmp-" in p.name or ".staged-" in p.name
    ]
    assert left == [] and _integrity(db) == "ok"
    print(f"country KE: T={duration:.1f} s, {kills} kills in a chain (results files then: {progress})")


def _country_comparable(path: Path) -> Any:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for section, key in VOLATILE:
        doc.get(section, {}).pop(key, None)
    for key in ("shards", "seconds"):  # shard counts and timings are the run's own
        doc.get("summary", {}).pop(key, None)
    return doc


def _key(folder: Path) -> Path:
    from sovaudit.bundle import new_key_pair

    if not (folder / "sovaudit.key").is_file():
        new_key_pair(folder)
    return folder / "sovaudit.key"
