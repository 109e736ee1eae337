"""A corpus of unreadable files is an error, ``--country ZZ`` says the same everywhere, and bidi controls
reaching the report are shown visibly."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from sovaudit.cli import main
from sovaudit.report.render import mark_bidi, render_report
from sovaudit.results import ResultsDocument

ZZ = "CLDR has no population or languages for 'ZZ' (Unknown Region)"


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:") and "\n" not in err and "Traceback" not in err, err
    return err


def test_a_corpus_whose_every_file_is_unreadable_exits_2_with_the_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"text": "hello"}\n' * 200)[:40])
    out = tmp_path / "out"
    argv = ["corpus", str(tmp_path / "bad.jsonl.gz"), str(tmp_path / "cut.jsonl.gz"), "--out", str(out)]
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert "none of the 2 corpus files could be read" in err
    assert "bad.jsonl.gz: BadGzipFile" in err and "cut.jsonl.gz: EOFError" in err
    assert not (out / "results.json").exists()


def test_a_corpus_with_one_good_file_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "good.txt").write_text("The cat sat on the mat and looked out of the window.\n" * 5)
    out = tmp_path / "out"
    assert (
        main(["corpus", str(tmp_path / "bad.jsonl.gz"), str(tmp_path / "good.txt"), "--out", str(out)]) == 0
    )
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert any("bad.jsonl.gz" in n for n in doc["notes"])


@pytest.mark.parametrize(
    "argv",
    [
        ["tokenizers", "-t", "bytes", "--country", "ZZ"],
        ["competence", "--country", "ZZ"],
        ["corpus", "x.txt", "--country", "ZZ"],
    ],
    ids=["tokenizers", "competence", "corpus"],
)
def test_country_zz_says_the_same_everywhere(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text("hello\n", encoding="utf-8")
    if argv[0] != "corpus":  # a tiny corpus: the check must come from the country, not the corpus
        tsv = tmp_path / "c.tsv"
        tsv.write_text("id\teng\tswh\ns1\thello\thabari\n", encoding="utf-8")
        argv = [*argv, "--corpus", f"tsv:{tsv}"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert ZZ in _one_error_line(capsys)


BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def test_bidi_controls_reaching_the_report_are_marked_visibly() -> None:
    evil = "gpt\u202eexe.txt\u202c \u2067x\u2069"
    doc = ResultsDocument(
        audit="tokenizers",
        signature=f"sig|{evil}",
        settings={"corpus": evil},
        rows=[{"tokenizer": evil, "language": f"eng{evil}", "tokens": 1}],
        notes=[f"note {evil}"],
    )
    html = render_report([doc])
    assert not any(ch in html for ch in BIDI)
    assert "⟨U+202E⟩" in html and "⟨U+2067⟩" in html and "⟨U+2069⟩" in html


def test_mark_bidi_keeps_ordinary_rtl_marks() -> None:
    text = "مرحبا\u200f \u200e abc \u061c"
    assert mark_bidi(text) == text
    assert mark_bidi("".join(BIDI)) == "".join(f"⟨U+{ord(c):04X}⟩" for c in BIDI)
