"""Speaker coverage (CLDR populations) and readable language names."""

from __future__ import annotations

import pytest

from sovaudit.coverage import speaker_coverage
from sovaudit.languages import country_languages
from sovaudit.names import endonym, label, row_label


def _rows(*codes: str, iso: dict[str, str] | None = None) -> list[dict[str, str]]:
    return [{"language": c, "iso639_3": (iso or {}).get(c, "")} for c in codes]


def test_kenya_share_is_speakers_of_measured_languages_over_all_speakers() -> None:
    spoken = dict((lang.tag, pop) for lang, pop in country_languages("KE"))
    total = sum(spoken.values())
    cov = speaker_coverage("KE", _rows("eng", "swh_Latn", "kik_Latn"))
    assert cov["speakers_total"] == total
    assert cov["speaker_coverage"] == pytest.approx((spoken["en"] + spoken["sw"] + spoken["ki"]) / total)
    unmeasured = [e["language"] for e in cov["unmeasured"]]
    assert unmeasured[:3] == ["luy", "luo", "kam"]  # largest first
    assert all(e["how_to_measure"].startswith("--text FILE") for e in cov["unmeasured"])


def test_another_variety_of_a_macrolanguage_is_shown_but_not_counted() -> None:
    only_gaz = speaker_coverage("KE", _rows("eng", "gaz_Latn", iso={"gaz_Latn": "gaz"}))
    om = next(e for e in only_gaz["languages"] if e["language"] == "om")
    assert om["status"] == "other variety" and om["country_variety"] == "gax"
    assert "gax" in om["how_to_measure"]
    both = speaker_coverage(
        "KE", _rows("eng", "gaz_Latn", "gax", iso={"gaz_Latn": "gaz", "gax": "gax"}), {"gax": "om"}
    )
    om = next(e for e in both["languages"] if e["language"] == "om")
    assert om["status"] == "measured" and om["other_varieties"] == ["gaz_Latn"]
    assert both["speakers_measured"] - only_gaz["speakers_measured"] == om["speakers"]


def test_nothing_measured_is_zero_and_unknown_country_is_none() -> None:
    assert speaker_coverage("KE", [])["speaker_coverage"] == 0.0
    assert speaker_coverage("ZZ", _rows("eng"))["speaker_coverage"] is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("kik", "Gikuyu"), ("swh", "Kiswahili"), ("mas", "Maa"), ("luo", "Dholuo"), ("xx-nonsense", "")],
)
def test_endonyms_from_cldr(code: str, expected: str) -> None:
    assert endonym(code) == expected


def test_labels_never_fall_back_to_a_file_code_when_a_name_exists() -> None:
    assert row_label({"language": "045", "language_name": "Maasai", "endonym": "Maa"}) == "Maasai (Maa)"
    assert label("English", "English") == "English"
    assert row_label({"language": "xyz"}) == "xyz"
