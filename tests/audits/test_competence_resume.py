"""Kill a competence run halfway (SIGKILL) and rerun: nothing cached is recomputed, results are identical."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from competence_fixtures import tiny_model, write_corpus

N_SEGMENTS = 60
LANGS = ["eng", "swh", "fra", "ell"]


def _run(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sovaudit.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answers(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(str(db), timeout=5) as con:
            return int(con.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _rows(out: Path) -> tuple[list[dict[str, object]], list[dict[str, object]], str]:
    doc = json.loads((out / "results.json").read_text())
    return doc["rows"], doc["items"], doc["signature"]


def test_sigkill_then_resume_gives_identical_results(tmp_path: Path) -> None:
    model = tiny_model(tmp_path / "tiny")
    corpus = write_corpus(tmp_path / "c.tsv", n_segments=N_SEGMENTS)
    total = N_SEGMENTS * len(LANGS)
    base = ["competence", "--model", str(model), "--corpus", f"tsv:{corpus}", "--bootstrap", "100"]
    for lang in LANGS:
        base += ["--language", lang]
    env = {**os.environ, "SOVAUDIT_QUIET": "1", "SOVAUDIT_CACHE_CHUNK_CHARS": "150"}

    # an uninterrupted run, with its own cache
    full_env = {**env, "SOVAUDIT_ANSWER_CACHE": str(tmp_path / "full.sqlite")}
    proc = _run([*base, "--out", str(tmp_path / "full")], full_env)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert f"0 from the cache, {total} computed" in err

    # a run killed with SIGKILL once some (not all) answers are committed
    db = tmp_path / "resume.sqlite"
    kill_env = {**env, "SOVAUDIT_ANSWER_CACHE": str(db)}
    proc = _run([*base, "--out", str(tmp_path / "killed")], kill_env)
    deadline = time.time() + 300
    while _answers(db) < total // 4 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _answers(db)
    assert 0 < done < total
    assert not (tmp_path / "killed" / "results.json").exists()  # no partial results that look complete

    # the rerun computes only what is missing and gives the same numbers, bit for bit
    proc = _run([*base, "--out", str(tmp_path / "killed")], kill_env)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    # finished units come from the shard store; the unit in flight takes its committed answers from the cache
    assert f", {total - done} computed" in err
    assert "computed, " in out and "reused)" in out
    assert _rows(tmp_path / "killed") == _rows(tmp_path / "full")
