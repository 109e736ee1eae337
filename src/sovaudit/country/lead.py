"""The scorecard's first lines: speaker coverage and the speaker-weighted country index, per model.

Read from the language audits' documents only (their ``speaker_coverage`` summaries and rows/items,
:mod:`sovaudit.coverage`, :mod:`.index`); the report shows these lines before every other dimension.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..results import ResultsDocument
from .index import country_index
from .plan import CountryOptions, Planned

LANGUAGE_AUDITS = ("tokenizers", "competence")
NAMES = {"tokenizers": "tax", "competence": "competence"}


def _millions(n: int) -> str:
    return f"{n / 1e6:.1f} M" if n >= 1e5 else f"{n:,}"


def _coverage_text(share: dict[str, float | None], detail: dict[str, Any]) -> str:
    parts = [f"{NAMES[a]} {100 * v:.0f}%" for a, v in share.items() if v is not None]
    head = f"{', '.join(parts)} of {detail.get('name', detail.get('country'))}'s speakers' languages measured"
    own = [
        e["label"]
        for e in detail.get("languages", [])
        if e.get("status") == "measured"
        and any(str(m.get("corpus", "")).startswith("text:") for m in e.get("measured_by", []))
    ]
    if own:
        head += f" ({', '.join(own)} on your own text only)"
    missing = [f"{e['label']} {_millions(e['speakers'])}" for e in detail.get("unmeasured", [])[:4]]
    if missing:
        head += "; not measured: " + ", ".join(missing) + " (--text FILE measures one)"
    return head


def _index_text(idx: dict[str, Any]) -> tuple[str, float | None]:
    parts = []
    value = None
    comp = idx.get("competence")
    if comp and comp.get("value") is not None:
        ci = comp.get("ci")
        interval = f" [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else ""
        parts.append(f"competence {comp['value']:.2f}{interval}x English's bits")
        value = float(comp["value"])
    tax = idx.get("tax")
    if tax and tax.get("value") is not None:
        ci = tax.get("ci")
        interval = f" [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else ""
        parts.append(f"tax {tax['value']:.2f}{interval}x English's tokens ({tax['tokenizer']})")
    cov = (comp or tax or {}).get("speaker_coverage")
    if cov is not None:
        parts.append(f"weighted by speakers over the {100 * cov:.0f}% measured; the rest unmeasured, not 0")
    return "; ".join(parts) or "no language measured", value


def leading_rows(
    opts: CountryOptions, docs: Sequence[tuple[Planned, ResultsDocument]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows "Speaker coverage" and "Country index" per model, and the summary keys that hold them."""
    lang_docs = [(p.audit, p.model, d) for p, d in docs if p.audit in LANGUAGE_AUDITS]
    coverage: dict[str, dict[str, float | None]] = {}
    detail: dict[str, Any] = {}
    for audit, model, d in lang_docs:
        if "speaker_coverage" in d.summary:
            coverage.setdefault(audit, {})[model] = d.summary["speaker_coverage"]
            detail = detail or dict(d.summary.get("speaker_coverage_detail") or {})
    index = country_index(lang_docs, opts.bootstrap)
    rows: list[dict[str, Any]] = []
    for m in opts.models:
        share = {a: coverage[a][m] for a in LANGUAGE_AUDITS if m in coverage.get(a, {})}
        if not share:
            continue
        low = min((v for v in share.values() if v is not None), default=None)
        rows.append({
            "model": m, "dimension": "Speaker coverage", "audit": "coverage", "status": "measured",
            "headline": _coverage_text(share, detail), "value": low,
            "section": "sec-tokenizers", "folders": [], "signatures": [],
        })  # fmt: skip
        text, value = _index_text(index.get(m, {}))
        rows.append({
            "model": m, "dimension": "Country index", "audit": "index", "status": "measured",
            "headline": text, "value": value, "section": "sec-competence", "folders": [], "signatures": [],
        })  # fmt: skip
    summary: dict[str, Any] = {}
    if coverage:
        summary = {"speaker_coverage": coverage, "coverage": detail, "index": index}
    return rows, summary


__all__ = ["leading_rows"]
