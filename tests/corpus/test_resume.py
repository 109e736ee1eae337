"""Resume: a run killed with SIGKILL half-way leaves finished shards that the rerun honours."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sovaudit import run
from sovaudit.audits.corpus import comparable

LINE = (
    "Everyone has the right to education. Education shall be free, at least in the elementary and "
    "fundamental stages. Toute personne a droit à l'éducation. L'éducation doit être gratuite. {i}\n"
)


def test_sigkill_then_rerun_skips_finished_shards(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in range(40):
        (corpus / f"f{f:02d}.txt").write_text("".join(LINE.format(i=f * 10_000 + i) for i in range(4000)))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sovaudit.cli", "corpus", str(corpus), "--out", str(out)]
    env = {**os.environ, "SOVAUDIT_QUIET": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    markers = out / "shards"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if markers.is_dir() and len(list(markers.glob("*.done"))) >= 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed: make the corpus bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (out / "results.json").exists()  # no partial results file that looks complete
    finished = {p.name: p.stat().st_mtime_ns for p in markers.glob("*.done")}
    assert 3 <= len(finished) < 40

    resumed = run("corpus", paths=(str(corpus),), out=str(out))
    shards = resumed.summary["shards"]
    assert shards["skipped_finished"] == len(finished) and shards["computed"] == 40 - len(finished)
    assert {n: (markers / n).stat().st_mtime_ns for n in finished} == finished  # untouched

    fresh = run("corpus", paths=(str(corpus),), out=str(tmp_path / "fresh"))
    assert comparable(resumed) == comparable(fresh)
    assert resumed.summary["paragraphs"] == 40 * 4000 and resumed.summary["documents"] == 40  # no blank lines
