"""Choosing a corpus's languages by user codes and by country; the reference is always in."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import write_flores200

from sovaudit.cli import main
from sovaudit.corpora import load_corpus, resolve_reference, select_languages
from sovaudit.corpora.udhr import read_udhr_folder
from sovaudit.errors import SovauditError


@pytest.fixture
def flores(tmp_path: Path):
    return load_corpus(f"flores200:{write_flores200(tmp_path / 'f')}")


def test_no_selection_keeps_everything(flores) -> None:
    subset, notes = select_languages(flores, None, None, "eng")
    assert subset.languages == flores.languages and notes == []


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (["sw"], ["eng_Latn", "swh_Latn"]),
        (["swa"], ["eng_Latn", "swh_Latn"]),
        (["swh_Latn"], ["eng_Latn", "swh_Latn"]),
        (["zh"], ["cmn_Hant", "eng_Latn"]),
        (["zh-Hant"], ["cmn_Hant", "eng_Latn"]),
        (["en"], ["eng_Latn"]),
    ],
)
def test_user_codes_in_any_form(flores, wanted: list[str], expected: list[str]) -> None:
    subset, _ = select_languages(flores, wanted, None, "en")
    assert subset.languages == expected


def test_reference_resolution(flores) -> None:
    assert resolve_reference(flores, "eng") == "eng_Latn"
    assert resolve_reference(flores, "en-GB") == "eng_Latn"
    with pytest.raises(SovauditError, match="reference language 'fra' \\(French\\) is not in corpus"):
        resolve_reference(flores, "fra")


def test_unknown_and_absent_codes(flores) -> None:
    with pytest.raises(SovauditError, match="unknown language code 'xx'"):
        select_languages(flores, ["xx"], None, "eng")
    with pytest.raises(SovauditError, match="language 'zh-Hans' \\(Chinese\\) is not in corpus"):
        select_languages(flores, ["zh-Hans"], None, "eng")
    with pytest.raises(SovauditError, match="unknown country code 'XX'"):
        select_languages(flores, None, "XX", "eng")


def test_country_selection_notes_what_the_corpus_lacks(flores) -> None:
    subset, notes = select_languages(flores, None, "KE", "eng")
    assert subset.languages == ["eng_Latn", "swh_Latn"]
    missing = [n for n in notes if n.startswith("Kenya (KE): not in corpus")]
    assert len(missing) == 1 and "Kikuyu (ki," in missing[0]


def test_a_country_with_no_language_in_the_corpus_is_an_error(flores) -> None:
    # France's languages in CLDR include English, the reference: nothing would be compared
    with pytest.raises(SovauditError, match=r"none of the languages of France \(FR\) but the ref") as err:
        select_languages(flores, None, "FR", "eng")
    assert "French (fr," in str(err.value) and "--language" in str(err.value)
    # with languages named as well, the country only adds a note
    subset, notes = select_languages(flores, ["swh"], "FR", "eng")
    assert subset.languages == ["eng_Latn", "swh_Latn"]
    assert any(n.startswith("France (FR): not in corpus") for n in notes)


def test_udhr_variants_are_skipped_unless_named(udhr_dir: Path) -> None:
    corpus = read_udhr_folder(udhr_dir)
    subset, notes = select_languages(corpus, ["sw"], None, "eng")
    assert subset.languages == ["eng", "swh"]
    assert any("062 (Swahili (Chimwiini))" in n for n in notes)
    assert select_languages(corpus, ["062"], None, "eng")[0].languages == ["062", "eng"]
    both, _ = select_languages(corpus, ["sw"], None, "eng", include_variants=True)
    assert both.languages == ["062", "eng", "swh"]
    # partial translations are announced
    subset, notes = select_languages(corpus, ["ar"], None, "eng")
    assert subset.languages == ["arb", "eng"] and any(
        "arb (Arabic, Standard): covers 50%" in n for n in notes
    )


def test_cli_lists_languages(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.tsv"
    path.write_text("id\teng\tswh\ns1\tHello.\tJambo.\ns2\tBye.\t\n", encoding="utf-8")
    assert main(["corpora", "languages", f"tsv:{path}"]) == 0
    out, err = capsys.readouterr()
    assert "Swahili" in out and "0.50" in out and "swh has 1 of 2 segments" in err
    assert main(["corpora", "languages", f"flores200:{tmp_path / 'none'}"]) == 2
    assert "corpus folder not found" in capsys.readouterr().err
