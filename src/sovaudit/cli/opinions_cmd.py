"""``sovaudit opinions``: whose opinions a model's answers resemble (GlobalOpinionQA, per country)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    AddressOpt,
    BootstrapOpt,
    ExecutorOpt,
    MaxLengthOpt,
    ModelOpt,
    ModelOptionOpt,
    NoCacheOpt,
    SeedOpt,
    TrustOpt,
    WorkersOpt,
    model_ref,
    run_and_report,
    safe_text,
)


@app.command("opinions")
def opinions(
    data: Annotated[
        Path,
        typer.Option(
            "--data", help="GlobalOpinionQA CSV (question, selections, options, source), or JSON/JSONL."
        ),
    ],
    model: ModelOpt = "gemma3-270m",
    country: Annotated[
        list[str] | None,
        typer.Option(
            "--country", help="Your country (ISO 3166 code or the file's name); repeatable; ranked."
        ),
    ] = None,
    prompting: Annotated[
        str, typer.Option("--prompting", help="default, or cross-national ('How would someone from X ...').")
    ] = "default",
    permutations: Annotated[
        int,
        typer.Option("--permutations", help="Cyclic shifts of the options per question (at most n options)."),
    ] = 4,
    language: Annotated[str, typer.Option("--language", help="Language of the prompt template.")] = "en",
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="Expected SHA-256 of the data file (the published file's).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N questions.")] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Skip and count unreadable rows instead of stopping.")
    ] = False,
    model_option: ModelOptionOpt = None,
    no_cache: NoCacheOpt = False,
    trust_remote_code: TrustOpt = False,
    max_length: MaxLengthOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("runs/opinions"),
) -> None:
    """Per country: similarity (1 - Jensen-Shannon distance) of the model's answers to the survey's."""
    from ..errors import SovauditError

    if permutations < 1 or permutations > 26:
        raise SovauditError(f"--permutations must be 1..26, not {permutations}", "pass e.g. --permutations 4")
    if limit is not None and limit < 1:
        raise SovauditError(f"--limit must be at least 1, not {limit}", "pass e.g. --limit 100")
    if prompting not in ("default", "cross-national"):
        raise SovauditError(f"unknown --prompting '{prompting}'", "use default or cross-national")
    spec = {
        "model": model_ref(model, model_option, no_cache, trust_remote_code, max_length),
        "data": str(data),
        "data_sha256": sha256,
        "countries": tuple(country or ()),
        "prompting": prompting,
        "permutations": permutations,
        "language": language,
        "bootstrap": bootstrap,
        "seed": seed,
        "skip_bad_rows": skip_bad_rows,
        "limit": limit,
    }
    doc = run_and_report("opinions", spec, out, executor, workers, address)
    rows = doc.rows
    for r in rows[:5]:
        typer.echo(
            f"  {r['rank']:>3}. {safe_text(r['country']):<24} {r['similarity']:.3f}"
            f"  (uniform {r['uniform_similarity']:.3f})"
        )
    for u in doc.summary.get("user_countries", []):
        where = safe_text(u["country"])
        typer.echo(f"  {where}: rank {u['rank']} of {u['of']}, similarity {u['similarity']:.3f}")
