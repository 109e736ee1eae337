"""Generic TSV and JSONL corpora, including bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import write_jsonl

from sovaudit.corpora import load_corpus
from sovaudit.errors import SovauditError


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_text("id\teng\tswh\ns1\tHello.\tJambo.\ns2\tBye.\t\n", encoding="utf-8")
    corpus = load_corpus(f"tsv:{path}")
    assert corpus.name == "tsv-c"
    assert corpus.segment_ids == ("s1", "s2")
    assert corpus.texts == {"eng": {"s1": "Hello.", "s2": "Bye."}, "swh": {"s1": "Jambo."}}
    assert corpus.coverage("swh") == 0.5
    assert corpus.notes == ("tsv-c: swh has 1 of 2 segments",)


def test_tsv_keeps_quotes_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_text('id\teng\ns1\t"Quoted," she said.\n', encoding="utf-8")
    assert load_corpus(f"tsv:{path}").texts["eng"]["s1"] == '"Quoted," she said.'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("eng\tswh\nHello.\tJambo.\n", "needs an 'id' column"),
        ("id\teng\tswh\ns1\tHello.\tJambo.\ns1\tAgain.\tTena.\n", "id 's1' appears twice"),
        ("id\teng\teng\ns1\ta\tb\n", "column eng appears twice"),
        ("id\teng\tswh\ns1\tHello.\t\ns2\tBye.\t\n", "language 'swh' has no text at all"),
        ("id\teng\n\tHello.\n", "row 2 has no id"),
        ("id\teng\ns1\ta\tb\n", "row 2 has 3 fields"),
    ],
)
def test_tsv_bad_input(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SovauditError, match=message):
        load_corpus(f"tsv:{path}")


def test_jsonl_wide_and_long_forms_agree(tmp_path: Path) -> None:
    wide = write_jsonl(
        tmp_path / "w.jsonl", [{"id": 1, "eng": "Hi.", "swh": "Jambo."}, {"id": 2, "eng": "Bye."}]
    )
    long = write_jsonl(
        tmp_path / "l.jsonl",
        [
            {"id": 1, "language": "eng", "text": "Hi."},
            {"id": 1, "language": "swh", "text": "Jambo."},
            {"id": 2, "language": "eng", "text": "Bye."},
        ],
    )
    a, b = load_corpus(f"jsonl:{wide}"), load_corpus(f"jsonl:{long}")
    assert a.segment_ids == b.segment_ids == ("1", "2")
    assert a.texts == b.texts == {"eng": {"1": "Hi.", "2": "Bye."}, "swh": {"1": "Jambo."}}
    assert a.digest == b.digest
    assert a.coverage("swh") == 0.5


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id": 1, "eng": "a"', ""], "line 1 is not valid JSON"),
        (['["a"]'], "line 1 is not an object with an 'id'"),
        (['{"id": 1, "eng": 3}'], "the text of 'eng' is not a string"),
        (['{"id": 1, "eng": "a"}', '{"id": 1, "eng": "b"}'], "id '1' appears twice"),
        (
            ['{"id": 1, "language": "eng", "text": "a"}', '{"id": 1, "language": "eng", "text": "b"}'],
            "two texts",
        ),
        (["", "  "], "holds no segments"),
    ],
)
def test_jsonl_bad_input(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SovauditError, match=message):
        load_corpus(f"jsonl:{path}")


def test_missing_file_and_bad_specs(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match="file not found"):
        load_corpus(f"tsv:{tmp_path / 'nope.tsv'}")
    with pytest.raises(SovauditError, match="unknown corpus spec 'csv:x'"):
        load_corpus("csv:x")
    with pytest.raises(SovauditError, match="names no file or folder"):
        load_corpus("tsv:")
    with pytest.raises(SovauditError, match="is a path without a kind"):
        load_corpus(str(tmp_path))
