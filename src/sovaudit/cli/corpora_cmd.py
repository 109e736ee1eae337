"""``sovaudit corpora languages [SPEC]``: the languages of a corpus, with names, segments and coverage."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..corpora import SPEC_HELP, language_aliases, load_corpus, select_languages
from ..languages import is_known, resolve
from .app import app
from .common import safe_markup, safe_text

corpora_app = typer.Typer(
    help="Parallel corpora: UDHR, FLORES-200, FLORES+, TSV/JSONL.", no_args_is_help=True
)
app.add_typer(corpora_app, name="corpora")


@corpora_app.command("languages")
def languages(
    spec: Annotated[str, typer.Argument(help="Corpus spec: " + SPEC_HELP)] = "udhr",
    language: Annotated[
        list[str] | None, typer.Option("--language", "-l", help="Only these languages (any code form).")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Only this country's languages (ISO 3166-1, e.g. KE).")
    ] = None,
    reference: Annotated[
        str, typer.Option("--reference", help="Reference language, always included.")
    ] = "eng",
) -> None:
    """List a corpus's language codes, names, segments and coverage (1.0 = fully parallel)."""
    corpus = load_corpus(spec)
    notes: list[str] = list(corpus.notes)
    if language or country:
        corpus, picked = select_languages(corpus, language, country, reference)
        notes += picked
    aliases = language_aliases(corpus)
    table = Table(
        title=f"{safe_markup(corpus.name)}: {len(corpus.languages)} languages,"
        f" {len(corpus.segment_ids)} segments"
    )
    for col in ("code", "language", "BCP-47", "name in corpus", "segments", "coverage"):
        table.add_column(col, justify="right" if col in ("segments", "coverage") else "left")
    for code in corpus.languages:
        ident = aliases.get(code, code)
        lang = resolve(ident) if is_known(ident) else None
        meta_name = str(corpus.language_meta.get(code, {}).get("name") or "")
        table.add_row(  # codes and names come from the corpus's headers: foreign strings
            safe_markup(code),
            safe_markup(lang.name) if lang else "?",
            safe_markup(lang.tag) if lang else "?",
            safe_markup(meta_name),
            str(len(corpus.segments(code))),
            f"{corpus.coverage(code):.2f}",
        )
    console = Console()
    console.print(table)
    for note in notes:
        Console(stderr=True).print(f"note: {safe_text(note)}", markup=False, highlight=False)
