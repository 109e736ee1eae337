"""``--text FILE``: the user's own parallel text joins the shipped corpora for languages no corpus has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_fixtures import write_flores200

from sovaudit.corpora import select_languages
from sovaudit.corpora.flores import read_flores200
from sovaudit.corpora.shipped import ComposedCorpus, compose, with_text
from sovaudit.corpora.udhr import read_udhr_folder
from sovaudit.corpora.usertext import join_user_text
from sovaudit.errors import SovauditError

FLORES = {"eng_Latn": ["One.", "Two."], "kik_Latn": ["Ĩmwe.", "Igĩrĩ."]}


@pytest.fixture
def shipped(tmp_path: Path, udhr_dir: Path) -> ComposedCorpus:
    flores = read_flores200(write_flores200(tmp_path / "flores", FLORES, split_dev=False))
    return compose(flores, read_udhr_folder(udhr_dir))


def _tsv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_user_text_is_its_own_group_against_its_own_english(shipped: ComposedCorpus, tmp_path: Path) -> None:
    f = _tsv(
        tmp_path / "luyia.tsv", "id\teng\tluy", "a\tAll are free.\tBoosi balekhule.", "b\tLife.\tObulamu."
    )
    c = join_user_text(shipped, f)
    assert c.language_meta["luy"]["corpus"] == "text:luyia.tsv"
    assert c.aligned("luy", "eng") == ["text:a", "text:b"]
    assert c.segments("eng", ["text:a"]) == ["All are free."]
    assert c.coverage("luy") == 1.0 and c.coverage("kik_Latn") == 1.0  # each against its own group
    assert any("luy (Luyia)" in n and "user's own text luyia.tsv" in n for n in c.notes)
    chosen, _ = select_languages(c, None, "KE", "eng")
    assert "luy" in chosen.languages  # Kenya's Luyia is now measured, on the user's text
    assert any("user's own text" in n for n in chosen.notes)  # and the selection keeps saying so


def test_jsonl_and_a_language_a_corpus_already_has(shipped: ComposedCorpus, tmp_path: Path) -> None:
    f = tmp_path / "mine.jsonl"
    f.write_text(
        json.dumps({"id": "1", "eng_Latn": "Hello.", "kik_Latn": "Wĩ mwega."}) + "\n", encoding="utf-8"
    )
    c = join_user_text(shipped, f)
    assert c.language_meta["kik_Latn+text"]["corpus"] == "text:mine.jsonl"
    assert c.language_meta["kik_Latn"]["corpus"] == "flores200"  # the shipped text is kept beside it


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("id\tluy", "1\tObulamu.", "no English column"),
        ("id\teng\tnotalang1", "1\tLife.\tx", "not a language code"),
        ("id\teng", "1\tLife.", "only English"),
    ],
)
def test_bad_user_text_is_a_one_line_error(
    shipped: ComposedCorpus, tmp_path: Path, header: str, row: str, message: str
) -> None:
    with pytest.raises(SovauditError, match=message):
        join_user_text(shipped, _tsv(tmp_path / "bad.tsv", header, row))


def test_text_joins_only_the_shipped_corpora(tmp_path: Path) -> None:
    assert with_text("shipped:100", "x.tsv") == "shipped:100+text:x.tsv"
    assert with_text("udhr", None) == "udhr"
    with pytest.raises(SovauditError, match="joins the shipped corpora"):
        with_text("udhr", "x.tsv")
    with pytest.raises(SovauditError, match="not found"):
        join_user_text(ComposedCorpus("x", (), {}), tmp_path / "missing.tsv")
