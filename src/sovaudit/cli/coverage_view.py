"""Print a country's languages as a language audit measured them: readable names, corpus, speaker coverage."""

from __future__ import annotations

from typing import Any

import typer

from ..names import row_label
from ..results import ResultsDocument


def echo_languages(
    doc: ResultsDocument, metric: str, rows: list[dict[str, Any]] | None = None, title: str = ""
) -> None:
    """One line per measured language (``English (endonym)``, corpus, variety, ``metric``), then the speaker
    coverage and the largest unmeasured languages with what would measure them (when a country was given)."""
    seen: set[str] = set()
    lines = []
    for r in doc.rows if rows is None else rows:
        code = str(r.get("language"))
        if code in seen:
            continue
        seen.add(code)
        value = r.get(metric)
        shown = f"{value:.2f}" if isinstance(value, int | float) else "–"
        where = str(r.get("corpus") or "")
        variety = str(r.get("variety") or "")
        lines.append(f"  {row_label(r):<34} {shown:>7}  {where}{f', {variety}' if variety else ''}  [{code}]")
    typer.echo(f"{title or metric} per language:")
    for line in lines:
        typer.echo(line)
    share = doc.summary.get("speaker_coverage")
    detail: dict[str, Any] = doc.summary.get("speaker_coverage_detail") or {}
    if share is None or not detail:
        return
    typer.echo(
        f"speaker coverage of {detail.get('name', detail.get('country'))}: {100 * share:.0f}% of its"
        f" speakers' languages measured"
        f" ({detail['speakers_measured']:,} of {detail['speakers_total']:,}; CLDR)"
    )
    for e in detail.get("unmeasured", [])[:5]:
        typer.echo(f"  not measured: {e['label']} ({e['speakers']:,} speakers, {e['status']})")
    if detail.get("unmeasured"):
        typer.echo(f"  to measure one: {detail['unmeasured'][0]['how_to_measure']}")
