"""``sovaudit report RESULTS... --out report.html``: one self-contained HTML page from results documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app


@app.command("report")
def report(
    results: Annotated[
        list[Path],
        typer.Argument(
            help="results.json files, or folders holding one.", show_default=False, metavar="RESULTS"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path("report.html"),
) -> None:
    """Render one self-contained HTML report (no network, charts inline) from results documents."""
    from ..report import write_report

    path = write_report(results, out)
    typer.echo(f"report: {path.resolve()}")
