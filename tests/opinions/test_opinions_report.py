"""The opinions report section: sentences, strip with the uniform floor, escaping."""

from __future__ import annotations

from sovaudit.report.render import render_report
from sovaudit.report.sections.opinions import sentences
from sovaudit.results import ResultsDocument

ROWS = [
    {
        "country": "United States",
        "similarity": 0.83,
        "ci_low": 0.80,
        "ci_high": 0.86,
        "uniform_similarity": 0.71,
        "n_questions": 40,
        "rank": 1,
    },
    {
        "country": "Kenya",
        "similarity": 0.76,
        "ci_low": 0.70,
        "ci_high": 0.80,
        "uniform_similarity": 0.71,
        "n_questions": 30,
        "rank": 2,
    },
    {
        "country": "<script>alert(1)</script>",
        "similarity": 0.5,
        "ci_low": 0.4,
        "ci_high": 0.6,
        "uniform_similarity": 0.7,
        "n_questions": 3,
        "rank": 3,
    },
]


def test_sentence_names_both_countries_and_the_floor() -> None:
    got = sentences(ROWS, ["Kenya"])
    assert (
        got[0] == "The model's answers resemble United States's (0.83) more than Kenya's (0.76, rank 2 of 3)."
    )
    assert "reaches 0.71 for Kenya" in got[1]
    assert (
        got[-1] == "For 1 of 3 countries the 95% interval lies above the uniform answerer."
    )  # Kenya: 0.70 < 0.71


def test_section_renders_escaped() -> None:
    doc = ResultsDocument(
        audit="opinions",
        signature="audit:opinions.1|v:0",
        rows=ROWS,
        summary={
            "questions": 40,
            "prompting": "default",
            "permutations": 4,
            "mean_outside_mass": 0.1,
            "user_countries": [{"country": "Kenya", "rank": 2, "similarity": 0.76, "of": 3}],
        },
        settings={"model": {"spec": "gemma3-270m"}, "data": "g.csv"},
    )
    html = render_report([doc])
    assert "Whose opinions" in html and "★ Kenya" in html and "uniform" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
