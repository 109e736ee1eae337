"""``sovaudit tokenizers``: the language tax of tokenizers on a parallel corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..corpora.shipped import with_text
from .app import app
from .common import AddressOpt, ExecutorOpt, OutOpt, WorkersOpt, note_union, run_and_report

TOKENIZER_HELP = (
    "Bundled name (gpt2 = r50k_base, cl100k_base, o200k_base, llama2, llama3, llama4, mistral_v1, "
    "mistral_v3, tekken, gemma3, qwen3, deepseek_v3, whisper, bytes, chars) or a path to a tokenizer.json "
    "(or its folder), a SentencePiece .model or a .tiktoken file. Repeatable; default: all bundled."
)


@app.command("tokenizers")
def tokenizers(
    corpus: Annotated[
        str | None,
        typer.Option(
            "--corpus",
            help="udhr (default; with --country: shipped = FLORES-200 first, UDHR for the rest), "
            "shipped[:N], flores200[@split] (shipped), udhr:DIR, flores200:DIR[@dev|@devtest|@all|@petrov] "
            "(all = dev+devtest, "
            "the data of Petrov et al.; petrov = read exactly as their script does, with the empty segment "
            "after each file's last newline: 1-2 tokens more per language), floresplus:..., tsv:FILE, "
            "jsonl:FILE",
        ),
    ] = None,
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
    out: OutOpt = Path("runs/tokenizers"),
) -> None:
    """How many more tokens the same content costs in each language than in the reference (Petrov et al.)."""
    spec = {
        "corpus": with_text(corpus or ("shipped" if country or text else "udhr"), text),
        "tokenizers": tuple(tokenizer or ()),
        "pattern": pattern,
        "reference": reference,
        "languages": tuple(language or ()),
        "country": country,
        "context_tokens": context_tokens,
    }
    note_union(country, language)  # both given: the union is audited, and said so
    doc = run_and_report("tokenizers", spec, out, executor, workers, address)
    typer.echo(
        f"{len(doc.settings['tokenizers'])} tokenizers x {len(doc.settings['languages'])} languages "
        f"(reference {doc.settings['reference']}); table: {out / 'rows.csv'}"
    )
    if country:
        from .coverage_view import echo_languages

        first = doc.rows[0]["tokenizer"] if doc.rows else None
        echo_languages(
            doc, "premium", [r for r in doc.rows if r.get("tokenizer") == first], f"{first} premium"
        )
    if doc.notes:
        typer.echo(f"{len(doc.notes)} notes (partial translations, missing languages) in results.json")
    typer.echo(f"to render a report: sovaudit report {out} --out {out / 'report.html'}")
