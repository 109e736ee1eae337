"""``sovaudit culture``: does the model know a country's everyday life, in its language and in English?"""

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
)


@app.command("culture")
def culture(
    benchmark: Annotated[
        str,
        typer.Option(
            "--benchmark",
            help="blend (BLEnD short answers, shipped), or from your copy (--data): global-mmlu, include, "
            "culturalbench-easy, culturalbench-hard.",
        ),
    ] = "blend",
    model: ModelOpt = "gemma3-270m",
    country: Annotated[
        list[str] | None,
        typer.Option("--country", help="BLEnD country or region code (repeatable; default all 16), e.g. DZ."),
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="BLEnD's data/ folder (default: the copy sovaudit ships).")
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language", "-l", help="Global-MMLU / INCLUDE: only this language folder (repeatable)."
        ),
    ] = None,
    mode: Annotated[
        list[str] | None, typer.Option("--mode", help="local and/or en (repeatable; default both).")
    ] = None,
    prompt: Annotated[
        str, typer.Option("--prompt", help="BLEnD prompt id (inst-4, pers-3, ...).")
    ] = "inst-4",
    max_tokens: Annotated[int, typer.Option("--max-tokens", help="Length cap of each answer.")] = 32,
    max_questions: Annotated[
        int | None, typer.Option("--max-questions", help="At most this many questions per country.")
    ] = None,
    model_option: ModelOptionOpt = None,
    no_cache: NoCacheOpt = False,
    trust_remote_code: TrustOpt = False,
    max_length: MaxLengthOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("runs/culture"),
) -> None:
    """Cultural knowledge per country x language (score, interval, questions, I-don't-know rate) and the
    local-language vs English gap."""
    from ..audits.culture.blend import country_code
    from ..audits.culture.mc import MC_BENCHMARKS
    from ..errors import SovauditError

    if benchmark != "blend" and benchmark not in MC_BENCHMARKS:
        raise SovauditError(
            f"unknown benchmark '{benchmark}'", f"use blend or one of {', '.join(MC_BENCHMARKS)}"
        )
    for m in mode or []:
        if m not in ("local", "en"):
            raise SovauditError(f"--mode {m} is not a mode", "use --mode local and/or --mode en")
    if benchmark == "blend":
        codes = tuple(country_code(c) for c in country or [])
    else:
        codes = tuple(c.upper() for c in country or [])
    spec = {
        "model": model_ref(model, model_option, no_cache, trust_remote_code, max_length),
        "benchmark": benchmark,
        "data": str(data) if data else None,
        "countries": codes,
        "languages": tuple(language or ()),
        "modes": tuple(mode or ("local", "en")),
        "prompt": prompt,
        "max_tokens": max_tokens,
        "max_questions": max_questions,
        "bootstrap": bootstrap,
        "seed": seed,
    }
    run_and_report("culture", spec, out, executor, workers, address)
