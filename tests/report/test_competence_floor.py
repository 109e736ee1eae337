"""The competence section says plainly where the model is worse than the n-gram floor, with intervals."""

from __future__ import annotations

from sovaudit.report.sections.competence import floor_sentences


def _row(lang: str, name: str, ratio: float, lo: float, hi: float) -> dict[str, object]:
    return {
        "language": lang,
        "language_name": name,
        "segments": 31,
        "heldout_segments": 15,
        "heldout_bits_per_byte": 2.57 * ratio,
        "ngram_bits_per_byte": 2.57,
        "vs_ngram": ratio,
        "vs_ngram_ci_low": lo,
        "vs_ngram_ci_high": hi,
    }


def test_floor_sentences_name_the_language_numbers_and_interval() -> None:
    rows = [
        _row("eng", "English", 0.25, 0.23, 0.27),
        _row("wol", "Wolof", 1.42, 1.34, 1.51),
        _row("xyz", "Close", 1.05, 0.97, 1.12),
        _row("swh", "Swahili", 0.95, 0.90, 1.01),
    ]
    wol, close, swh = floor_sentences(rows, 5)
    assert wol.startswith("Wolof (wol): worse than the n-gram floor: the model needs 3.65 bits per byte")
    assert "a character 5-gram trained on the other 16 segments of the same text needs 2.57" in wol
    assert wol.endswith("1.42× the floor (95% interval 1.34–1.51).")
    assert "interval reaches 1: not certain" in close and "not certain" not in wol
    assert swh.startswith("Swahili (swh): not clearly better than the n-gram floor")
    assert floor_sentences([rows[0]], 5) == []  # clearly better: nothing to say


def test_bits_per_byte_interval_is_a_visible_column() -> None:
    from types import SimpleNamespace
    from typing import Any

    from sovaudit.report.sections.competence import ROW_COLUMNS, _rows

    doc: Any = SimpleNamespace(
        rows=[
            {"language": "eng", "bits_per_byte_ci_low": 0.5882, "bits_per_byte_ci_high": 0.6848},
            {"language": "swh"},
        ]
    )
    eng, swh = _rows(doc)
    assert eng["bpb_interval"] == "0.588–0.685" and swh["bpb_interval"] is None
    assert "bpb_interval" in [c.key for c in ROW_COLUMNS]
