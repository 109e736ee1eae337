"""``sovaudit competence``: how well a model predicts the same text in each language (bits per byte)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..corpora.shipped import with_text
from .app import app
from .common import (
    AddressOpt,
    BootstrapOpt,
    CountryOpt,
    ExecutorOpt,
    LanguagesOpt,
    MaxLengthOpt,
    ModelOpt,
    ModelOptionOpt,
    NoCacheOpt,
    OutOpt,
    SeedOpt,
    TrustOpt,
    WorkersOpt,
    model_ref,
    note_union,
    run_and_report,
    safe_text,
)

CorpusOpt = Annotated[
    str | None,
    typer.Option(
        "--corpus",
        help="udhr (default; with --country: shipped:100 = the first 100 FLORES-200 sentences, UDHR for the"
        " rest), shipped[:N], flores200[@split], udhr:DIR, flores200:DIR[@dev], floresplus:..., tsv:, jsonl:",
    ),
]
COUNTRY_CORPUS = "shipped:100"  # a model scores every segment: 100 FLORES sentences ~ one UDHR per language
ReferenceOpt = Annotated[
    str, typer.Option("--reference", help="Reference language (eng matches eng_Latn in FLORES).")
]


@app.command("competence")
def competence(
    model: ModelOpt = "gemma3-270m",
    corpus: CorpusOpt = None,
    reference: ReferenceOpt = "eng",
    language: LanguagesOpt = None,
    country: CountryOpt = None,
    no_cache: NoCacheOpt = False,
    trust_remote_code: TrustOpt = False,
    max_length: MaxLengthOpt = None,
    model_option: ModelOptionOpt = None,
    ngram_order: Annotated[
        int, typer.Option("--ngram-order", help="Order of the character n-gram floor.")
    ] = 5,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    text: Annotated[
        str | None,
        typer.Option(
            "--text",
            help="Your own parallel text (TSV or JSONL: id, eng, and a column per language) for languages no"
            " shipped corpus has; joins the shipped corpora (the default with --country).",
        ),
    ] = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    out: OutOpt = Path("runs/competence"),
) -> None:
    """Bits per byte of a model on parallel text per language, against the reference and an n-gram floor."""
    spec = {
        "model": model_ref(model, model_option, no_cache, trust_remote_code, max_length),
        "corpus": with_text(corpus or (COUNTRY_CORPUS if country or text else "udhr"), text),
        "reference": reference,
        "languages": tuple(language or ()),
        "country": country,
        "ngram_order": ngram_order,
        "bootstrap": bootstrap,
        "seed": seed,
    }
    note_union(country, language)  # both given: the union is audited, and said so
    doc = run_and_report("competence", spec, out, executor, workers, address)
    typer.echo(
        f"{safe_text(doc.settings.get('model', model))}: {len(doc.rows)} languages "
        f"(reference {doc.summary['reference']})"
    )
    if country:
        from .coverage_view import echo_languages

        echo_languages(doc, "bits_per_english_byte")
