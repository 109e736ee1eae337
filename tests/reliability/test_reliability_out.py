"""``--out``: targets that are not plain files/folders are refused, one run per folder, never a mixed pair."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sovaudit.cli import main
from sovaudit.errors import SovauditError
from sovaudit.outdir import LOCK_FILE, locked_out
from sovaudit.results import ResultsDocument, write_results


def _results(tmp_path: Path) -> Path:
    out = tmp_path / "res"
    write_results(ResultsDocument(audit="x", signature="s", rows=[{"a": 1}]), out)
    return out


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:") and "\n" not in err and "Traceback" not in err, err
    return err


def _tsv(tmp_path: Path) -> Path:
    path = tmp_path / "c.tsv"
    path.write_text("id\teng\tfra\ns1\thello world\tbonjour le monde\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_report_refuses_a_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(_results(tmp_path)), "--out", "/dev/full"]) == 2
    assert "/dev/full is a character device" in _one_error_line(capsys)
    assert Path("/dev/full").is_char_device()


def test_report_refuses_a_fifo_and_a_symlink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = _results(tmp_path)
    fifo = tmp_path / "r.html"
    os.mkfifo(fifo)
    assert main(["report", str(res), "--out", str(fifo)]) == 2
    assert "is a FIFO" in _one_error_line(capsys)
    target = tmp_path / "elsewhere.html"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(target)
    assert main(["report", str(res), "--out", str(link)]) == 2
    assert "is a symlink" in _one_error_line(capsys)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep"


def test_run_refuses_a_fifo_results_json_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "results.json")
    argv = ["tokenizers", "--corpus", f"tsv:{_tsv(tmp_path)}", "-t", "bytes", "--out", str(out)]
    assert main(argv) == 2
    assert "results.json is a FIFO" in _one_error_line(capsys)
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]  # no spec, no shards: no work done


def test_run_refuses_a_device_as_the_out_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["tokenizers", "--corpus", f"tsv:{_tsv(tmp_path)}", "-t", "bytes", "--out", "/dev/null"]
    assert main(argv) == 2
    assert "/dev/null is a character device, not a folder" in _one_error_line(capsys)


def test_write_results_refuses_a_symlinked_rows_csv(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "rows.csv").symlink_to(tmp_path / "victim.csv")
    with pytest.raises(SovauditError, match=r"rows\.csv is a symlink"):
        write_results(ResultsDocument(audit="x", signature="s", rows=[{"a": 1}]), out)
    assert not (tmp_path / "victim.csv").exists()


HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sovaudit.outdir import locked_out
    with locked_out(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def test_second_run_into_a_locked_out_fails_fast_naming_the_pid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        argv = ["tokenizers", "--corpus", f"tsv:{_tsv(tmp_path)}", "-t", "bytes", "--out", str(out)]
        t0 = time.monotonic()
        assert main(argv) == 2
        assert time.monotonic() - t0 < 5
        err = _one_error_line(capsys)
        assert f"in use by another sovaudit run (pid {holder.pid})" in err
        assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]  # nothing of ours written
    finally:
        holder.kill()
        holder.wait()
    # once the holder is gone, the lock is free (flock dies with its process)
    assert main(argv) == 0
    assert not (out / LOCK_FILE).exists()  # released and removed


def test_lock_is_reentrant_in_one_process_and_removes_a_folder_it_created_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "new"
    with pytest.raises(RuntimeError), locked_out(out), locked_out(out):
        assert (out / LOCK_FILE).exists()
        raise RuntimeError("boom")
    assert not out.exists()


WRITER = textwrap.dedent(
    """
    import sys
    from sovaudit.results import ResultsDocument, write_results
    name, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        rows = [{"writer": name, "round": i, "k": k} for k in range(1 + (i % 7))]
        write_results(ResultsDocument(audit="x", signature=f"{name}-{i}", rows=rows), out)
    """
)


def _pair_consistent(out: Path) -> bool:
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((out / "rows.csv").read_text(encoding="utf-8"))))
    return [(r["writer"], str(r["round"]), str(r["k"])) for r in doc["rows"]] == [
        (r["writer"], r["round"], r["k"]) for r in rows
    ]


def test_two_processes_writing_100_times_never_leave_a_mixed_pair(tmp_path: Path) -> None:
    out = tmp_path / "shared"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, name, str(out), "100"]) for name in ("A", "B")]
    checks = mixed = 0
    while any(p.poll() is None for p in procs):
        with locked_out(out, wait=30):  # what a reader sees between two publications
            if (out / "results.json").exists():
                checks += 1
                mixed += not _pair_consistent(out)
        time.sleep(0.002)
    assert [p.wait() for p in procs] == [0, 0]
    assert _pair_consistent(out)
    print(f"{checks} checks of the pair under the lock while 2 x 100 writes ran: {mixed} mixed")
    assert mixed == 0, f"{mixed} mixed pairs in {checks} checks"
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "rows.csv"]
