"""A selection carries only the corpus's reading notes that concern its languages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sovaudit.corpora import select_languages
from sovaudit.corpora.udhr import read_udhr_folder


def test_partial_list_note_follows_the_selection(udhr_dir: Path) -> None:
    corpus = read_udhr_folder(udhr_dir)
    (listing,) = [n for n in corpus.notes if "translations are partial" in n]
    assert "062" in listing and "arb" in listing
    # all languages: the corpus-wide list stays
    whole, _ = select_languages(corpus, None, None, "eng")
    assert listing in whole.notes
    # no partial language selected: no note about partial translations at all
    subset, notes = select_languages(corpus, ["swh"], None, "eng")
    assert not any("partial" in n or "covers" in n for n in [*subset.notes, *notes])
    # a partial language selected: its own coverage, not the list of the others
    subset, notes = select_languages(corpus, ["ar"], None, "eng")
    assert listing not in subset.notes
    covers = [n for n in notes if "covers" in n]
    assert covers == ["arb (Arabic, Standard): covers 50% of the segments of udhr"]
    # a note about the corpus as a whole (naming no language) is kept
    noted = replace(corpus, notes=(*corpus.notes, "udhr: read from a test folder"))
    assert "udhr: read from a test folder" in select_languages(noted, ["swh"], None, "eng")[0].notes
