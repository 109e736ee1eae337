"""The scorecard of a country audit: models x dimensions, each cell linked to the section with its evidence.

Cells that were not measured say why and give the command that would measure them, next to the cell.
Reads only the ``country`` document the country audit writes (:mod:`sovaudit.country.scorecard`).
"""

from __future__ import annotations

from typing import Any

import jinja2

from ...results import ResultsDocument

TITLE = "Scorecard"


def _grid(doc: ResultsDocument) -> dict[str, Any]:
    models = list(doc.summary.get("models") or dict.fromkeys(r["model"] for r in doc.rows))
    dims = list(dict.fromkeys(r["dimension"] for r in doc.rows))
    cells = {(r["dimension"], r["model"]): r for r in doc.rows}
    return {
        "country": doc.summary.get("country", ""),
        "languages": doc.summary.get("language_labels") or doc.summary.get("languages", []),
        "coverage": doc.summary.get("coverage") or {},
        "models": models,
        "lines": [(d, [cells.get((d, m)) for m in models]) for d in dims],
        "missing": [r for r in doc.rows if r["status"] != "measured"],
        "measured": doc.summary.get("measured", 0),
        "not_measured": doc.summary.get("not_measured", 0),
        "seconds": doc.summary.get("seconds", {}),
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """One scorecard per country document (usually one)."""
    return env.get_template("country.html.j2").render(cards=[_grid(d) for d in docs])
