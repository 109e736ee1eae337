"""End to end: the audit recovers known language shares from a noisy UDHR corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sovaudit import run
from sovaudit.audits.corpus import comparable
from sovaudit.cli import main
from sovaudit.results import load_results


@pytest.fixture(scope="module")
def audited(known_corpus: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory):
    root, truth = known_corpus
    out = tmp_path_factory.mktemp("out")
    doc = run("corpus", paths=(str(root),), out=str(out), shard_bytes=20_000)
    return doc, truth, out


def test_shares_within_two_points(audited) -> None:
    doc, truth, _out = audited
    total = sum(truth.values())
    got = {r["language"]: r for r in doc.rows}
    for label, nbytes in truth.items():
        assert label in got, label
        assert abs(got[label]["share"] - nbytes / total) < 0.02, (label, got[label]["share"], nbytes / total)
    assert abs(sum(r["share"] for r in doc.rows) - 1.0) < 1e-9


def test_noise_is_counted(audited) -> None:
    doc, _truth, _out = audited
    read = doc.summary["read"]
    assert read["empty_files"] == 1
    assert read["skipped_files"] == 1  # the truncated .gz
    assert any("broken.jsonl.gz" in p for p in doc.summary["problems"])
    dups = sum(r["duplicate_documents"] for r in doc.rows)
    assert dups == 10  # the 10 repeated documents, found across files and formats
    assert doc.summary["documents"] == sum(r["documents"] for r in doc.rows)
    eng = next(r for r in doc.rows if r["language"] == "eng_Latn")
    assert sum(eng["confidence_hist"]) == eng["paragraphs"]
    assert eng["script_mismatch"] == 0 and eng["scripts"] == {"Latn": eng["paragraphs"]}


def test_results_contract_and_signature(audited) -> None:
    doc, _truth, out = audited
    loaded = load_results(out)
    assert loaded.audit == "corpus"
    for row in json.loads((out / "results.json").read_text())["rows"]:
        assert {"language", "documents", "bytes", "share"} <= set(row)
        assert 0.0 <= row["share"] <= 1.0
    pattern = r"corpus:corpus@[0-9a-f]{8}\|lid:pycld2-[\w.]+\|field:text\|ref:world\|in:[0-9a-f]{8}\|v:[\w.]+"
    assert re.fullmatch(pattern, doc.signature)
    shards = sorted((out / "shards").glob("*.done"))
    assert len(shards) == doc.summary["shards"]["total"] > 8  # byte ranges and row groups cut the files


def test_rerun_reuses_shards_and_is_identical(audited, known_corpus) -> None:
    doc, _truth, out = audited
    again = run("corpus", paths=(str(known_corpus[0]),), out=str(out), shard_bytes=20_000)
    assert again.summary["shards"]["computed"] == 0
    assert comparable(again) == comparable(doc)


def test_sharding_does_not_change_numbers(audited, known_corpus, tmp_path: Path) -> None:
    doc, _truth, _out = audited
    whole = run("corpus", paths=(str(known_corpus[0]),), out=str(tmp_path))
    strip = lambda d: {r["language"]: (r["bytes"], r["paragraphs"]) for r in d.rows}  # noqa: E731
    assert strip(whole) == strip(doc)  # paragraphs and bytes are exact under any cut
    assert whole.summary["shards"]["total"] < doc.summary["shards"]["total"]


def test_country_reference(known_corpus, tmp_path: Path) -> None:
    doc = run("corpus", paths=(str(known_corpus[0]),), out=str(tmp_path), country="KE")
    assert doc.signature.split("|")[3] == "ref:KE"
    swa = next(r for r in doc.rows if r["language"] == "swa_Latn")
    assert swa["speakers"] > 0
    assert swa["representation_ratio"] == pytest.approx(swa["share"] / swa["speaker_share"])
    rus = next(r for r in doc.rows if r["language"] == "rus_Cyrl")
    assert rus["speakers"] == 0 and rus["representation_ratio"] is None
    absent = {a["language"].split("_")[0] for a in doc.summary["absent_languages"]}
    assert "kik" in absent and "swa" not in absent and "eng" not in absent


def test_cli_writes_results(known_corpus, tmp_path: Path, capsys) -> None:
    rc = main(["corpus", str(known_corpus[0]), "--out", str(tmp_path / "o"), "--executor", "local"])
    assert rc == 0
    assert (tmp_path / "o" / "results.json").is_file() and (tmp_path / "o" / "rows.csv").is_file()
    assert "eng_Latn" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--text-field", "body"], "text field 'body' not found"),
        (["--lid", "nosuchdetector"], "unknown language identifier"),
        (["--executor", "spark"], "unknown executor"),
        (["--country", "XX"], "unknown country code"),
        (["--country", "ZZ"], "CLDR has no population or languages for 'ZZ' (Unknown Region)"),
    ],
)
def test_cli_bad_input_one_line(known_corpus, tmp_path: Path, capsys, args: list[str], needle: str) -> None:
    rc = main(["corpus", str(known_corpus[0]), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "results.json").exists()


def test_cli_missing_path(tmp_path: Path, capsys) -> None:
    assert main(["corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["corpus", "allenai/c4", "--out", str(tmp_path / "o")]) == 2  # a hub id: offline
    err = capsys.readouterr().err
    assert "hub datasets are not downloaded" in err and "save_to_disk" in err and len(err.splitlines()) == 1


def test_cli_corrupt_and_garbage_compressed_files_are_counted_and_skipped(tmp_path: Path, capsys) -> None:
    """Corrupt deflate data in the first line, and files that are not gzip/zstd at all: counted, not a crash.

    (A gzip whose first block is corrupt once crashed the planner's text-field check with zlib.error.)
    """
    import gzip

    import zstandard

    corpus = tmp_path / "c"
    corpus.mkdir()
    good = "".join(
        json.dumps({"text": f"Everyone has the right to life and liberty {i}."}) + "\n" for i in range(50)
    )
    (corpus / "good.jsonl").write_text(good, encoding="utf-8")
    data = gzip.compress(good.encode() * 40)
    (corpus / "corrupt.jsonl.gz").write_bytes(data[:60] + bytes(50) + data[110:])
    (corpus / "garbage.jsonl.gz").write_bytes(b"not gzip at all\n" * 10)
    (corpus / "garbage.jsonl.zst").write_bytes(b"not zstd at all\n" * 10)
    zst = zstandard.ZstdCompressor().compress(good.encode() * 40)
    (corpus / "cut.jsonl.zst").write_bytes(zst[: len(zst) // 2])
    rc = main(["corpus", str(corpus), "--out", str(tmp_path / "o")])
    assert rc == 0, capsys.readouterr().err
    doc = load_results(tmp_path / "o")
    assert doc.summary["read"]["skipped_files"] == 4 and doc.summary["documents"] == 50
    assert sorted(Path(p).name for p in doc.summary["problems"]) == [
        "corrupt.jsonl.gz",
        "cut.jsonl.zst",
        "garbage.jsonl.gz",
        "garbage.jsonl.zst",
    ]


def test_a_language_counted_under_its_macrolanguage_is_not_plainly_absent(tmp_path: Path) -> None:
    """Bokmål (UDHR nob) is labelled nor_Latn by CLD2 ("no"); CLDR lists Norway's nob and nor. Bokmål must not
    be reported as simply absent: it carries the macrolanguage label it may be counted under."""
    from sovaudit.assets.store import AssetStore
    from sovaudit.report import render_report

    html = AssetStore().path("udhr", "package/declaration/nob.html").read_text(encoding="utf-8")
    paras = [" ".join(re.sub(r"<[^>]+>", " ", p).split()) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "nob.txt").write_text("\n\n".join(p for p in paras if len(p) >= 40) + "\n", encoding="utf-8")
    doc = run("corpus", paths=(str(corpus),), out=str(tmp_path / "o"), country="NO")
    assert doc.rows[0]["language"] == "nor_Latn" and doc.rows[0]["speakers"] > 0
    absent = {a["language"]: a for a in doc.summary["absent_languages"]}
    assert absent["nob_Latn"]["macrolanguage_in_corpus"] == "nor_Latn"
    assert "macrolanguage_in_corpus" not in absent["sme_Latn"]  # Northern Sami: really absent
    page = render_report([doc])
    assert "perhaps counted under a related label: Norwegian Bokmål (under nor_Latn)" in page
    assert "Absent: Northern Sami" in page
