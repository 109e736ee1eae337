"""``sovaudit audit --country XX --model A [--model B] --out DIR``: the country audit, one signed bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import AddressOpt, ExecutorOpt, ModelOptionOpt, ModelsOpt, WorkersOpt


@app.command("audit")
def audit(
    country: Annotated[str, typer.Option("--country", help="ISO 3166 code of the country, e.g. KE.")],
    model: ModelsOpt = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Bundle folder (report.html, manifest.json).")
    ] = Path("runs/country"),
    corpus: Annotated[
        str | None, typer.Option("--corpus", help="Training data to audit (paths or globs, comma-separated).")
    ] = None,
    opinions_data: Annotated[
        str | None, typer.Option("--opinions-data", help="GlobalOpinionQA CSV (the user's copy).")
    ] = None,
    bias_limit: Annotated[
        int, typer.Option("--bias-limit", help="Items per bias benchmark category (0: all).")
    ] = 100,
    culture_questions: Annotated[
        int, typer.Option("--culture-questions", help="BLEnD questions per country and language (0: all).")
    ] = 50,
    politics_templates: Annotated[
        int, typer.Option("--politics-templates", help="Prompt templates for political lean (1-20).")
    ] = 4,
    competence_sentences: Annotated[
        int,
        typer.Option(
            "--competence-sentences",
            help="FLORES-200 sentences per language the model scores for competence (0: all).",
        ),
    ] = 30,
    text: Annotated[
        Path | None,
        typer.Option(
            "--text",
            help="Your own parallel text (TSV or JSONL: id, eng, a column per language) for languages no"
            " shipped corpus has; the language tax and competence measure them on it, and say so.",
        ),
    ] = None,
    studio_export: Annotated[
        Path | None,
        typer.Option(
            "--studio-export",
            help="A folder written by `sovaudit studio export`: your experts' blind grades join the report.",
        ),
    ] = None,
    model_option: ModelOptionOpt = None,
    key: Annotated[
        Path | None, typer.Option("--key", help="Private key to sign with (default: your sovaudit key).")
    ] = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
) -> None:
    """Audit models for one country: every dimension that applies, one report, one signed bundle."""
    from ..country import CountryOptions, audit_country
    from ..errors import SovauditError
    from ..languages import require_country
    from ..models.loading import split_option

    name = require_country(country)  # an unknown code fails here, before any work
    models = tuple(dict.fromkeys(model or ["gemma3-270m", "smollm2-135m"]))
    limits = (
        (bias_limit, "--bias-limit"),
        (culture_questions, "--culture-questions"),
        (competence_sentences, "--competence-sentences"),
    )
    for value, flag in limits:
        if value < 0:
            raise SovauditError(f"{flag} must be 0 or more, not {value}", f"pass e.g. {flag} 100")
    if not 1 <= politics_templates <= 20:
        raise SovauditError(f"--politics-templates must be 1-20, not {politics_templates}", "pass e.g. 4")
    opts = CountryOptions(
        country=country.upper(),
        models=models,
        corpus=corpus,
        opinions_data=opinions_data,
        bias_limit=bias_limit or None,
        culture_questions=culture_questions or None,
        politics_templates=politics_templates,
        competence_corpus=f"shipped:{competence_sentences}" if competence_sentences else "shipped",
        model_options=dict(split_option(o) for o in model_option or []),
        text=str(text.expanduser().resolve()) if text else None,
        studio_export=str(studio_export.expanduser().resolve()) if studio_export else None,
    )
    typer.echo(f"auditing {len(models)} models for {name} ({country.upper()}) into {out}")
    run = audit_country(opts, out, executor, workers, address, key)
    typer.echo(f"{len(run.docs)} audits measured, {len(run.not_measured)} not measured")
    typer.echo(f"report: {out / 'report.html'}")
    typer.echo(f"bundle: {out / 'manifest.json'} (check it with: sovaudit verify {out})")
