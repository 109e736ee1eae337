"""``sovaudit corpus PATH... --out OUT``: the corpus language audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..audits.corpus import DEFAULT_LID
from .app import app
from .common import safe_text


@app.command("corpus")
def corpus(
    paths: Annotated[
        list[str],
        typer.Argument(help="Corpus files, folders or globs (.txt, .jsonl[.gz|.zst], .parquet, .arrow)."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder (results.json, rows.csv, shards/).")
    ],
    lid: Annotated[
        str,
        typer.Option("--lid", help="Detector: pycld2, py3langid, cld3, lingua, or a fastText model file."),
    ] = DEFAULT_LID,
    text_field: Annotated[
        str, typer.Option("--text-field", help="JSONL/parquet field holding the text.")
    ] = "text",
    country: Annotated[
        str | None, typer.Option("--country", help="ISO 3166 code: compare with this country's speakers.")
    ] = None,
    executor: Annotated[str, typer.Option("--executor", help="local, process or ray.")] = "local",
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", help="Workers (default: local 1; process and ray one per CPU)."),
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Ray head HOST:PORT (default: start a local Ray).")
    ] = None,
    shard_mb: Annotated[
        int, typer.Option("--shard-mb", help="Cut plain files into shards of this many MB.")
    ] = 64,
    max_line_mb: Annotated[
        int, typer.Option("--max-line-mb", help="Cap on one line/record; longer ones are counted.")
    ] = 16,
    near_dup: Annotated[
        bool, typer.Option("--near-dup", help="Estimate near duplicates with MinHash (slower).")
    ] = False,
    leaks: Annotated[
        list[Path] | None,
        typer.Option(
            "--leaks",
            help="Instead: search the corpus for this pack's canary and 13-gram overlaps (repeatable).",
        ),
    ] = None,
) -> None:
    """Which languages a corpus holds, in what share, how clean, against how many people speak them."""
    if leaks:
        from .leaks_cmd import search_leaks

        search_leaks(paths, leaks, out, text_field)
        return
    from ..runner import RunOptions, run_audit

    spec = {
        "paths": tuple(str(p) for p in paths),
        "lid": lid,
        "text_field": text_field,
        "country": country,
        "shard_bytes": shard_mb << 20,
        "max_line_bytes": max_line_mb << 20,
        "near_dup": near_dup,
    }
    doc, _ = run_audit("corpus", spec, RunOptions(out, executor, workers, address))
    s = doc.summary
    typer.echo(
        f"{s['languages']} languages, {s['documents']} documents, {s['bytes']} bytes; "
        f"shards computed {s['shards']['computed']}, reused {s['shards']['skipped_finished']}; "
        f"skipped files {s['read']['skipped_files']}"
    )
    for row in doc.rows[:10]:
        lang, name = safe_text(row["language"]), safe_text(row["name"])  # from the corpus and its detector
        typer.echo(f"  {lang:<10} {row['share']:7.2%}  {row['documents']:>9} docs  {name}")
    typer.echo(f"wrote {out / 'results.json'}")
