"""The root Typer application that every command module adds itself to."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="sovaudit",
    help="Audit open language models and their corpora for AI sovereignty, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
