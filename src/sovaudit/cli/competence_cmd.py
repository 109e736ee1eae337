"""``sovaudit competence``: how well a model predicts the same text in each language (bits per byte)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import app

MODEL_HELP = (
    "Model: gemma3-270m (default), smollm2-135m, a model folder, a .gguf file, optionally prefixed with "
    "hf: or llamacpp:, or openai:<base-url>#<model>."
)


@app.command("competence")
def competence(
    model: Annotated[str, typer.Option("--model", "-m", help=MODEL_HELP)] = "gemma3-270m",
    corpus: Annotated[
        str,
        typer.Option(
            "--corpus", help="udhr (default), udhr:DIR, flores200:DIR[@dev], floresplus:..., tsv:, jsonl:"
        ),
    ] = "udhr",
    reference: Annotated[
        str, typer.Option("--reference", help="Reference language (eng matches eng_Latn in FLORES).")
    ] = "eng",
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Language to audit (repeatable; default: all of the corpus)."),
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Audit a country's languages (ISO 3166 code, e.g. KE).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the answer cache (benchmarks).")
    ] = False,
    trust_remote_code: Annotated[
        bool, typer.Option("--trust-remote-code", help="Let transformers run code shipped with the model.")
    ] = False,
    max_length: Annotated[
        int | None, typer.Option("--max-length", help="Model context in tokens (default: from its config).")
    ] = None,
    model_option: Annotated[
        list[str] | None,
        typer.Option(
            "--model-option",
            help="Backend option KEY=VALUE (repeatable), e.g. bos_text=<|im_start|> for an openai server.",
        ),
    ] = None,
    ngram_order: Annotated[
        int, typer.Option("--ngram-order", help="Order of the character n-gram floor.")
    ] = 5,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples for the intervals.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for results.json and rows.csv.")] = Path(
        "runs/competence"
    ),
) -> None:
    """Bits per byte of a model on parallel text per language, against the reference and an n-gram floor."""
    from ..audits.competence import CompetenceAudit, CompetenceSpec
    from ..audits.competence_doc import ROW_COLUMNS
    from ..corpora import load_corpus, resolve_reference, select_languages
    from ..errors import SovauditError
    from ..models.loading import backend_of, load_model, parse_model_options, split_option
    from ..results import ROWS_CSV, write_results

    if ngram_order < 1:
        raise SovauditError(f"--ngram-order must be at least 1, not {ngram_order}", "pass e.g. 5")
    options = parse_model_options(backend_of(model), [split_option(o) for o in model_option or []])
    loaded_corpus = load_corpus(corpus)
    ref = resolve_reference(loaded_corpus, reference)
    selected, notes = select_languages(loaded_corpus, language, country, ref)
    lm = load_model(
        model, cache=not no_cache, trust_remote_code=trust_remote_code, max_length=max_length, **options
    )
    spec = CompetenceSpec(
        reference=ref,
        languages=tuple(selected.texts) if (language or country) else (),
        ngram_order=ngram_order,
        bootstrap=bootstrap,
        seed=seed,
        skip_empty=not language,
    )
    audit = CompetenceAudit(selected, lm, spec)
    doc = audit.run()
    doc.notes = [*notes, *doc.notes]
    path = write_results(doc, out, csv_columns=ROW_COLUMNS)
    computed = getattr(lm, "computed", None)
    if computed is not None:
        total = len(audit.texts())
        print(f"answers: {total - computed} from the cache, {computed} computed", file=sys.stderr)
    typer.echo(
        f"{lm.name}: {len(audit.plans)} languages (reference {ref}); "
        f"results: {path} (table: {path.parent / ROWS_CSV})"
    )
