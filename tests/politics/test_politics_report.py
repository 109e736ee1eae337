"""The politics report section: a sentence per axis and every variant's point."""

from __future__ import annotations

from sovaudit.report.render import render_report
from sovaudit.results import ResultsDocument


def test_section_draws_every_variant() -> None:
    points = [
        {
            "variant": f"templ-{t:02d}/ans-01/{o}",
            "template": f"templ-{t:02d}",
            "format": "ans-01",
            "order": o,
            "scores": {"econ": 40 + t, "dipl": 50, "govt": 55, "scty": 60 - t},
        }
        for t in range(1, 6)
        for o in ("forward", "reverse")
    ]
    rows = [
        {
            "statement_set": "8values",
            "axis": a,
            "score": 50.0,
            "min": 41.0,
            "max": 59.0,
            "iqr": 4.0,
            "n_variants": 10,
            "argmax_score": 50.0,
        }
        for a in ("econ", "dipl", "govt", "scty")
    ]
    doc = ResultsDocument(
        audit="politics",
        signature="audit:politics.1|v:0",
        rows=rows,
        summary={
            "statement_set": "8values",
            "statements": 70,
            "variants": 10,
            "axes": ["econ", "dipl", "govt", "scty"],
            "scoring": "8values",
            "points": points,
            "mean_outside_mass": 0.2,
        },
        settings={"model": {"spec": "<b>m</b>"}},
    )
    html = render_report([doc])
    assert "Political lean" in html and "which range from 41.00 to 59.00" in html
    assert (
        html.count("templ-03/ans-01/reverse: econ") == 1 and html.count("templ-03/ans-01/reverse: dipl") == 1
    )
    assert "<b>m</b>" not in html
