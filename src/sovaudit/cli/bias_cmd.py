"""``sovaudit bias``: which stereotypes a model leans on (BBQ, KoBBQ, CBBQ, JBBQ, CrowS-Pairs EN/FR)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    AddressOpt,
    BootstrapOpt,
    CountryOpt,
    ExecutorOpt,
    MaxLengthOpt,
    ModelOpt,
    ModelOptionOpt,
    NoCacheOpt,
    OutOpt,
    SeedOpt,
    TrustOpt,
    WorkersOpt,
    model_ref,
    run_and_report,
)

BenchmarkOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--benchmark",
        "-b",
        help="bbq, kobbq, cbbq, jbbq (needs --data), crows-pairs-en, crows-pairs-fr (repeatable).",
    ),
]
CategoryOpt = Annotated[
    list[str] | None, typer.Option("--category", "-c", help="Only this category (repeatable).")
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="The benchmark's files in the upstream layout (one --benchmark)."),
]
PredictionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--predictions", help="JSONL of {category, example_id, prediction 0-2}: score these, no model."
    ),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", help="Only the first N items of each category.")]
UnknownOpt = Annotated[
    bool, typer.Option("--unknown-variants", help="BBQ: also score lm-eval's ten 'unknown' phrasings.")
]


@app.command("bias")
def bias(
    model: ModelOpt = "gemma3-270m",
    benchmark: BenchmarkOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    data: DataOpt = None,
    predictions: PredictionsOpt = None,
    limit: LimitOpt = None,
    unknown_variants: UnknownOpt = False,
    no_cache: NoCacheOpt = False,
    trust_remote_code: TrustOpt = False,
    max_length: MaxLengthOpt = None,
    model_option: ModelOptionOpt = None,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    out: OutOpt = Path("runs/bias"),
) -> None:
    """Social-bias benchmarks scored as their papers define them, per category, with the items behind them."""
    from ..errors import SovauditError

    if limit is not None and limit < 1:
        raise SovauditError(f"--limit must be at least 1, not {limit}", "pass e.g. --limit 100")
    spec = {
        "model": model_ref(model, model_option, no_cache, trust_remote_code, max_length),
        "benchmarks": tuple(benchmark or ()),
        "categories": tuple(category or ()),
        "country": country,
        "data": str(data) if data else None,
        "predictions": str(predictions) if predictions else None,
        "unknown_variants": unknown_variants,
        "limit": limit,
        "bootstrap": bootstrap,
        "seed": seed,
    }
    doc = run_and_report("bias", spec, out, executor, workers, address)
    typer.echo(f"bias: {len(doc.rows)} rows, {len(doc.items)} items")
