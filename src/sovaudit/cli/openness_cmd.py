"""``sovaudit openness``: OSAID 1.0, MOF class and openness index of models and declarations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..results import write_results
from .app import app
from .common import safe_markup

ModelOpt = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Asset name, model folder or .gguf file (repeatable)."),
]
DeclOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--declaration", "-d", help="MOT YAML, openness-index YAML or sovaudit declaration (repeatable)."
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for results.json and rows.csv.")]
NoBuiltinOpt = Annotated[
    bool, typer.Option("--no-builtin", help="Do not use the built-in declarations of assets.")
]


@app.command("openness")
def openness(
    model: ModelOpt = None,
    declaration: DeclOpt = None,
    out: OutOpt = Path("runs/openness"),
    no_builtin: NoBuiltinOpt = False,
) -> None:
    """Audit openness (MOF, OSAID 1.0, openness index). No arguments: the two embedded default models."""
    from ..outdir import check_dir_target
    from ..runner import run_audit

    check_dir_target(out)  # before any work
    spec = {"models": tuple(model or []), "declarations": tuple(declaration or []), "builtin": not no_builtin}
    doc, _ = run_audit("openness", spec)
    path = write_results(doc, out)
    table = Table(title=f"openness ({safe_markup(path)})")
    for col in ("subject", "license", "MOF class", "I %", "II %", "III %", "OSAID", "index /14"):
        table.add_column(col)
    for r in doc.rows:
        table.add_row(  # subject and license come from declarations: foreign strings
            safe_markup(r["subject"]),
            safe_markup(r["license"]),
            safe_markup(r["mof_class"] or "-"),
            f"{r['mof_class_1']:.0f}",
            f"{r['mof_class_2']:.0f}",
            f"{r['mof_class_3']:.0f}",
            safe_markup(r["osaid"]),
            f"{r['index_total']:g}",
        )
    Console(stderr=True).print(table)
