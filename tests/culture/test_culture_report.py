"""The report's culture and pack sections: rendered from results documents only, every string escaped."""

from __future__ import annotations

from sovaudit.report.render import render_report
from sovaudit.results import ResultsDocument

EVIL = "<script>alert(1)</script>"


def test_culture_section_gap_and_escaping() -> None:
    doc = ResultsDocument(
        audit="culture",
        signature="data:blend@12345678|model:x",
        rows=[
            {
                "benchmark": "blend",
                "country": "DZ",
                "language": "ar",
                "mode": "local",
                "score": 0.1,
                "ci_low": 0.05,
                "ci_high": 0.15,
                "n_questions": 30,
                "idk_rate": 0.0,
            },
            {
                "benchmark": "blend",
                "country": "DZ",
                "language": "en",
                "mode": "en",
                "score": 0.3,
                "ci_low": 0.2,
                "ci_high": 0.4,
                "n_questions": 30,
                "idk_rate": 0.1,
            },
        ],
        summary={
            "model": EVIL,
            "prompt": "inst-4",
            "gap_local_minus_english": {
                "DZ": {"language": "ar", "gap": -0.2, "ci_low": -0.3, "ci_high": -0.1, "n_questions": 30}
            },
        },
        notes=[EVIL],
    )
    html = render_report([doc])
    assert "Cultural knowledge (BLEnD)" in html
    assert "does worse than in English by 20.0 percentage points" in html
    assert EVIL not in html and "&lt;script&gt;" in html


def test_pack_section_labels_examples() -> None:
    doc = ResultsDocument(
        audit="pack",
        signature="pack:p@12345678",
        rows=[
            {
                "language": "fr",
                "topic": EVIL,
                "score": 0.5,
                "ci_low": 0.2,
                "ci_high": 0.8,
                "n_items": 4,
                "n_empty": 0,
            }
        ],
        summary={
            "pack": "example-x",
            "pack_version": "0.1",
            "example": True,
            "scores": {"en": 0.6, "fr": 0.5},
            "reference_language": "en",
            "gap_to_reference": {"fr": -0.1},
        },
    )
    html = render_report([doc])
    assert "Example pack" in html and "-10.0 percentage points vs en" in html
    assert EVIL not in html
