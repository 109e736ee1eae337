"""``sovaudit compare BUNDLE... --out compare.html``: a leaderboard across bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import safe_text


@app.command("compare")
def compare(
    bundles: Annotated[
        list[Path],
        typer.Argument(help="Bundle folders (or results.json files).", show_default=False, metavar="BUNDLE"),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path("compare.html"),
) -> None:
    """Leaderboard per audit x model; results that are not comparable are kept apart, with the reason."""
    from ..bundle import compare_bundles, write_compare

    boards = compare_bundles(bundles)
    signers = {e.bundle: e.signer for b in boards for e in b.entries}
    for name, signer in signers.items():
        typer.echo(safe_text(f"{name}: {signer}"))
    for b in boards:
        for why in b.why_separate:
            typer.echo(safe_text(f"{b.audit}: kept apart: {why}"))
    path = write_compare(bundles, out, boards)
    typer.echo(f"compare: {path.resolve()}")
