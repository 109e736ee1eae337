"""The scorecard of a country audit: models x dimensions, each cell a headline with a link to its evidence.

:func:`scorecard_document` turns the documents of a country run (and what was not measured) into one
results document of its own (``audit: country``); the report renders it first. Headlines are read from
each audit's rows only (the report never recomputes): one short text per cell, the number behind it, and
the section the evidence is in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..names import row_label
from ..results import ResultsDocument, make_provenance
from .lead import leading_rows
from .plan import DIMENSIONS, CountryOptions, NotMeasured, Planned

Headline = tuple[str, float | None]  # text, and the number it leads with (None: none)


def _f(x: Any, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _tokenizers(doc: ResultsDocument) -> Headline:
    rows = [
        r
        for r in doc.rows
        if r.get("premium") is not None and r.get("language") != doc.summary.get("reference")
    ]
    if not rows:
        return "no language besides the reference", None
    worst = max(rows, key=lambda r: r["premium"])
    return f"up to {_f(worst['premium'])}x the tokens of English ({row_label(worst)})", float(
        worst["premium"]
    )


def _competence(doc: ResultsDocument) -> Headline:
    ref = doc.summary.get("reference")
    rows = [r for r in doc.rows if r.get("language") != ref and r.get("bits_per_byte") is not None]
    if not rows:
        return "no language besides the reference", None
    worst = max(rows, key=lambda r: r["bits_per_byte"])
    floor = [row_label(r) for r in rows if (r.get("vs_ngram") or 0) > 1]
    text = f"worst {row_label(worst)} {_f(worst['bits_per_byte'])} bits/byte"
    if floor:
        text += f"; worse than a 5-gram in {', '.join(floor)}"
    return text, float(worst["bits_per_byte"])


def _bias(doc: ResultsDocument) -> Headline:
    rows = [r for r in doc.rows if r.get("s_amb") is not None]
    if rows:
        top = max(rows, key=lambda r: abs(r["s_amb"]))
        return f"{top['benchmark']} {top['category']}: ambiguous-context bias {_f(top['s_amb'], 1)}", float(
            top["s_amb"]
        )
    rows = [r for r in doc.rows if r.get("pct_stereotype") is not None]
    if rows:
        top = max(rows, key=lambda r: r["pct_stereotype"])
        return (
            f"{top['benchmark']} {top.get('category', '')}: {_f(top['pct_stereotype'], 1)}% stereotyped",
            None,
        )
    return "scored; see the section", None


def _opinions(doc: ResultsDocument) -> Headline:
    mine = [r for r in doc.rows if r.get("highlighted") or r.get("is_user_country")]
    ranked = sorted((r for r in doc.rows if r.get("similarity") is not None), key=lambda r: -r["similarity"])
    if not ranked:
        return "no country scored", None
    top = ranked[0]
    if mine:
        m = mine[0]
        rank = ranked.index(m) + 1 if m in ranked else None
        return (
            f"{m['country']} {_f(m.get('similarity'))} (rank {rank} of {len(ranked)});"
            f" closest {top['country']}",
            m.get("similarity"),
        )
    return f"closest: {top['country']} {_f(top['similarity'])}", float(top["similarity"])


def _politics(doc: ResultsDocument) -> Headline:
    signal = doc.summary.get("signal") or {}
    if signal.get("signal") is False:
        return (
            f"no signal ({signal.get('test', 'order consistency')} test failed: {signal.get('reason', '')})",
            None,
        )
    parts = [
        f"{r['axis']} {_f(r.get('score'), 0)} ({_f(r.get('min'), 0)}–{_f(r.get('max'), 0)})"
        for r in doc.rows[:4]
    ]
    return "; ".join(parts) or "no axis scored", None


def _pack(doc: ResultsDocument) -> Headline:
    """A probe pack's scores; an example pack (written by the project to show the format) says so first."""
    text, value = _scored(doc)
    if doc.summary.get("example"):
        return f"EXAMPLE pack {doc.summary.get('pack', '')} (not authoritative): {text}", None
    return text, value


def _scored(doc: ResultsDocument) -> Headline:
    rows = [r for r in doc.rows if r.get("score") is not None]
    overall = [r for r in rows if r.get("topic") in (None, "all")] or rows
    if not overall:
        return "no score", None
    parts = [f"{r.get('language', '')} {_f(r['score'])}".strip() for r in overall[:4]]
    return "; ".join(parts), float(overall[0]["score"])


def _openness(doc: ResultsDocument) -> Headline:
    r = doc.rows[0] if doc.rows else {}
    return (
        f"{r.get('license', '?')}; MOF class {r.get('mof_class') or 'none'}; OSAID {r.get('osaid', '?')}; "
        f"index {r.get('index_total', '?')}/14",
        None,
    )


def _corpus(doc: ResultsDocument) -> Headline:
    top = doc.rows[:3]
    return "; ".join(f"{r['language']} {100 * r['share']:.1f}%" for r in top) or "empty", None


HEADLINES: dict[str, Callable[[ResultsDocument], Headline]] = {
    "tokenizers": _tokenizers,
    "competence": _competence,
    "bias": _bias,
    "opinions": _opinions,
    "politics": _politics,
    "culture": _scored,
    "pack": _pack,
    "openness": _openness,
    "corpus": _corpus,
}


class ScorecardFallbackWarning(RuntimeWarning):
    """An audit's headline could not be read from its document; the cell points to the section instead.
    The test suite turns it into an error (pyproject ``filterwarnings``): a shape the scorecard does not
    understand is a bug to fix, not a cell to paper over."""


def headline(audit: str, doc: ResultsDocument) -> Headline:
    """The cell text of one audit's document. For a user, a document of an unexpected shape says so in the
    cell (with a :class:`ScorecardFallbackWarning`) rather than losing the rest of the scorecard."""
    import warnings

    fn = HEADLINES.get(audit, _scored)
    try:
        return fn(doc)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        warnings.warn(
            f"the {audit} headline could not be read ({type(exc).__name__}: {exc})",
            ScorecardFallbackWarning,
            stacklevel=2,
        )
        return "measured; see the section", None


def scorecard_document(
    opts: CountryOptions,
    docs: Sequence[tuple[Planned, ResultsDocument]],
    not_measured: Sequence[NotMeasured],
    languages: Sequence[str],
    seconds: dict[str, float],
) -> ResultsDocument:
    """One row per model x dimension: measured (headline, section, folder) or not (reason, command)."""
    rows: list[dict[str, Any]] = []
    names = dict(DIMENSIONS)
    models = list(opts.models)
    for dim, title in DIMENSIONS:
        for m in models:
            cell = [
                (p, d)
                for p, d in docs
                if p.audit == dim and (p.model == m or (dim == "corpus" and not p.model))
            ]
            missing = [n for n in not_measured if n.audit == dim and n.model == m]
            if cell:
                texts = []
                value = None
                for _, d in cell:
                    text, v = headline(dim, d)
                    texts.append(text)
                    value = v if value is None else value
                rows.append({
                    "model": m, "dimension": title, "audit": dim, "status": "measured",
                    "headline": " | ".join(texts), "value": value, "section": f"sec-{dim}",
                    "folders": [p.folder for p, _ in cell], "signatures": [d.signature for _, d in cell],
                })  # fmt: skip
            elif missing:
                rows.append({
                    "model": m, "dimension": title, "audit": dim, "status": "not measured",
                    "reason": missing[0].reason, "command": missing[0].command,
                })  # fmt: skip
    lead, lead_summary = leading_rows(opts, docs)
    rows = [*lead, *rows]
    measured = sum(r["status"] == "measured" for r in rows)
    return ResultsDocument(
        audit="country",
        audit_version="1",
        signature=f"country:{opts.country.upper()}|models:{len(models)}",
        settings={
            "country": opts.country.upper(),
            "models": models,
            "bias_limit": opts.bias_limit,
            "culture_questions": opts.culture_questions,
            "politics_templates": opts.politics_templates,
            "opinions_limit": opts.opinions_limit,
            "bootstrap": opts.bootstrap,
        },
        provenance=make_provenance(),
        rows=rows,
        summary={
            "country": opts.country.upper(),
            "languages": list(languages),
            "models": models,
            "dimensions": [t for _, t in DIMENSIONS if any(r["dimension"] == t for r in rows)],
            "measured": measured,
            "not_measured": len(rows) - measured,
            "seconds": {k: round(v, 1) for k, v in seconds.items()},
            **lead_summary,
        },
        notes=[f"{names.get(n.audit, n.audit)} / {n.model}: not measured — {n.reason}" for n in not_measured],
    )
