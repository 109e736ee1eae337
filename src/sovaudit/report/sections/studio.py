"""Report section for the studio (``audit == "studio"``): what a country's experts found, grading blind.

Pairwise ratings (Bradley-Terry, with 95% intervals), rubric means per model and language (with 95%
intervals) and the agreement between graders (Krippendorff's alpha), read from the document's rows.
"""

from __future__ import annotations

import jinja2

from ...results import ResultsDocument
from ..tables import Column, as_mapping, data_table

TITLE = "Expert grading (studio)"

RATING_COLUMNS = [
    Column("language", "language", "text", select=True),
    Column("model", "model", "text", select=True),
    Column("value", "rating", "float", 0, title="Bradley-Terry, scale 400, mean 1000"),
    Column("ci_low", "95% low", "float", 0),
    Column("ci_high", "95% high", "float", 0),
    Column("n", "comparisons", "int"),
]
RUBRIC_COLUMNS = [
    Column("model", "model", "text", select=True),
    Column("language", "language", "text", select=True),
    Column("dimension", "question", "text", select=True),
    Column("value", "mean", "float", 2, title="correct and useful: 0-3; harmful, wrong language: share"),
    Column("ci_low", "95% low", "float", 2),
    Column("ci_high", "95% high", "float", 2),
    Column("n", "items", "int"),
]
AGREEMENT_COLUMNS = [
    Column("dimension", "question", "text"),
    Column("level", "level", "text"),
    Column("value", "Krippendorff's alpha", "float", 3, title="1: graders always agree; 0: chance"),
    Column("n", "answers graded twice or more", "int"),
]


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """One block per studio export."""
    blocks = []
    for i, doc in enumerate(docs):
        s = as_mapping(doc.summary)
        kinds = {k: [r for r in doc.rows if r.get("kind") == k] for k in ("rating", "rubric", "agreement")}
        models = [as_mapping(m) for m in s.get("models") or []]
        blocks.append(
            {
                "signature": doc.signature,
                "counts": (s.get("n_items", 0), s.get("n_grades", 0), s.get("n_votes", 0)),
                "models": [
                    f"{m.get('name', '')} ({m.get('backend', '')}, {str(m.get('digest', ''))[:12]})"
                    for m in models
                ],
                "ratings": data_table(f"studio-{i}-ratings", kinds["rating"], RATING_COLUMNS)
                if kinds["rating"]
                else None,
                "rubric": data_table(f"studio-{i}-rubric", kinds["rubric"], RUBRIC_COLUMNS)
                if kinds["rubric"]
                else None,
                "agreement": data_table(f"studio-{i}-agreement", kinds["agreement"], AGREEMENT_COLUMNS)
                if kinds["agreement"]
                else None,
                "notes": doc.notes,
            }
        )
    return env.get_template("studio.html.j2").render(blocks=blocks)
