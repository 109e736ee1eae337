"""``sovaudit politics``: political lean per axis, with its spread over prompt templates and option orders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    AddressOpt,
    ExecutorOpt,
    MaxLengthOpt,
    ModelOpt,
    ModelOptionOpt,
    NoCacheOpt,
    TrustOpt,
    WorkersOpt,
    model_ref,
    run_and_report,
)


@app.command("politics")
def politics(
    model: ModelOpt = "gemma3-270m",
    statements: Annotated[
        str,
        typer.Option(
            "--statements",
            help="8values (shipped), pct:FILE (your copy of the 62 Political Compass propositions), "
            "or a CSV of statements with one weight column per axis.",
        ),
    ] = "8values",
    template: Annotated[
        list[str] | None,
        typer.Option("--template", help="Röttger et al. template id (repeatable; default all 20)."),
    ] = None,
    answer_format: Annotated[
        list[str] | None,
        typer.Option("--format", help="Answer format ans-01..ans-07 (repeatable; default ans-01)."),
    ] = None,
    order: Annotated[
        list[str] | None, typer.Option("--order", help="forward and/or reverse (default both).")
    ] = None,
    forced_choice: Annotated[
        str, typer.Option("--forced-choice", help="Forced-choice add-on jail-01..jail-09.")
    ] = "jail-02",
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N statements.")] = None,
    model_option: ModelOptionOpt = None,
    no_cache: NoCacheOpt = False,
    trust_remote_code: TrustOpt = False,
    max_length: MaxLengthOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("runs/politics"),
) -> None:
    """Axis scores (8values, Political Compass, own statements), each with min, max and IQR over variants."""
    from ..errors import SovauditError

    if limit is not None and limit < 1:
        raise SovauditError(f"--limit must be at least 1, not {limit}", "pass e.g. --limit 10")
    spec = {
        "model": model_ref(model, model_option, no_cache, trust_remote_code, max_length),
        "statements": statements,
        "templates": tuple(template or ()),
        "formats": tuple(answer_format or ("ans-01",)),
        "orders": tuple(order or ("forward", "reverse")),
        "forced_choice": forced_choice,
        "limit": limit,
    }
    doc = run_and_report("politics", spec, out, executor, workers, address)
    for r in doc.rows:
        if r["score"] is None:
            continue
        typer.echo(
            f"  {r['axis']:<10} {r['score']:7.2f}  (min {r['min']:.2f}, max {r['max']:.2f}, "
            f"IQR {r['iqr']:.2f}, {r['n_variants']} variants)"
        )
