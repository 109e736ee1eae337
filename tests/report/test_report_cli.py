"""``sovaudit report``: writes one file from results files or folders; bad input is a one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_docs import EVIL, make_tokenizer_doc

from sovaudit.cli import main
from sovaudit.report import write_report
from sovaudit.results import ResultsDocument, write_results


def test_report_from_folder_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_results(make_tokenizer_doc(), tmp_path / "run-a")
    write_results(ResultsDocument(audit="opinions", signature="s", rows=[{"x": EVIL}]), tmp_path / "run-b")
    out = tmp_path / "out" / "report.html"
    assert main(["report", str(a), str(tmp_path / "run-b"), str(a.parent), "--out", str(out)]) == 0
    assert str(out.resolve()) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert html.count('class="doc-provenance"') == 2  # the same document given twice is reported once
    assert EVIL not in html and 'id="sec-opinions"' in html
    assert not list(out.parent.glob(".*tmp*"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing", "no results file at"),
        (lambda d: _write(d / "x.json", "{not json"), "is not valid JSON"),
        (lambda d: _write(d / "y.json", json.dumps({"rows": []})), "is not a sovaudit results document"),
    ],
)
def test_bad_results_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message
) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    out = tmp_path / "report.html"
    assert main(["report", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:") and message in err and "\n" not in err
    assert "Traceback" not in err
    assert not out.exists()


def test_unwritable_out_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = write_results(make_tokenizer_doc(), tmp_path / "run")
    blocker = _write(tmp_path / "a-file", "x")
    for out in (blocker / "report.html", tmp_path):  # a parent that is a file; a folder
        assert main(["report", str(results), "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("sovaudit: error:") and "--out" in err and "\n" not in err


def test_write_report_returns_the_path(tmp_path: Path) -> None:
    results = write_results(make_tokenizer_doc(), tmp_path / "run")
    out = write_report([results], tmp_path / "r.html")
    assert out == tmp_path / "r.html" and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
