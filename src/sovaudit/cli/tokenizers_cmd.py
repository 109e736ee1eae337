"""``sovaudit tokenizers``: the language tax of tokenizers on a parallel corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app

TOKENIZER_HELP = (
    "Bundled name (gpt2 = r50k_base, cl100k_base, o200k_base, llama2, llama3, llama4, mistral_v1, "
    "mistral_v3, tekken, gemma3, qwen3, deepseek_v3, whisper, bytes, chars) or a path to a tokenizer.json "
    "(or its folder), a SentencePiece .model or a .tiktoken file. Repeatable; default: all bundled."
)


@app.command("tokenizers")
def tokenizers(
    corpus: Annotated[
        str,
        typer.Option(
            "--corpus",
            help="udhr (default), udhr:DIR, flores200:DIR[@dev|@devtest|@all] (all = dev+devtest, as Petrov "
            "et al.), floresplus:..., tsv:FILE, jsonl:FILE",
        ),
    ] = "udhr",
    tokenizer: Annotated[
        list[str] | None,
        typer.Option(
            "--tokenizer",
            "-t",
            help=TOKENIZER_HELP,
        ),
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option(
            "--pattern", help="Split pattern for a .tiktoken file: r50k, cl100k, o200k, llama3 or a regex."
        ),
    ] = None,
    reference: Annotated[
        str, typer.Option("--reference", help="Reference language (eng matches eng_Latn in FLORES).")
    ] = "eng",
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Language to audit (repeatable; default: all)."),
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Audit a country's languages (ISO 3166 code, e.g. KE).")
    ] = None,
    context_tokens: Annotated[
        int,
        typer.Option("--context-tokens", help="Context window (tokens) for the effective context in chars."),
    ] = 8192,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for results.json and rows.csv.")] = Path(
        "runs/tokenizers"
    ),
) -> None:
    """How many more tokens the same content costs in each language than in the reference (Petrov et al.)."""
    from ..audits.tokenizer_tax import ROW_COLUMNS, TaxSpec, TokenizerTaxAudit
    from ..corpora import load_corpus, resolve_reference, select_languages
    from ..progress import track
    from ..results import ROWS_CSV, write_results
    from ..tokenizers import bundled_names, load_tokenizer
    from ..tokenizers.registry import distinct_names

    names = list(dict.fromkeys(tokenizer or bundled_names()))
    loaded_corpus = load_corpus(corpus)
    ref = resolve_reference(loaded_corpus, reference)
    selected, notes = select_languages(loaded_corpus, language, country, ref)
    toks = distinct_names([load_tokenizer(name, pattern) for name in track(names, "loading tokenizers")])
    spec = TaxSpec(
        reference=ref,
        context_tokens=context_tokens,
        skip_empty=not language,
        countries=(country.upper(),) if country else None,
    )
    audit = TokenizerTaxAudit(selected, toks, spec)
    doc = audit.run()
    doc.notes = [*notes, *doc.notes]
    path = write_results(doc, out, csv_columns=ROW_COLUMNS)
    typer.echo(
        f"{len(toks)} tokenizers x {len(audit.plans)} languages (reference {ref}); "
        f"results: {path} (table: {path.parent / ROWS_CSV})"
    )
    if doc.notes:
        typer.echo(f"{len(doc.notes)} notes (partial translations, missing languages) in results.json")
    typer.echo(f"to render a report: sovaudit report {path.parent} --out {path.parent / 'report.html'}")
