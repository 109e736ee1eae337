"""The scorecard of a country audit: models x dimensions, each cell a headline with a link to its evidence.

:func:`scorecard_document` turns the documents of a country run (and what was not measured) into one
results document of its own (``audit: country``); the report renders it first. Headlines are read from
each audit's rows only (the report never recomputes) by the audit's own ``headline``: one short text per
cell, the number behind it, and the section the evidence is in. Columns come from the registry (audits
with a ``dimension``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..audits.country import Headline, scored_headline
from ..results import ResultsDocument, make_provenance
from .lead import leading_rows
from .plan import CountryOptions, NotMeasured, Planned, dimensions


class ScorecardFallbackWarning(RuntimeWarning):
    """An audit's headline could not be read from its document; the cell points to the section instead.
    The test suite turns it into an error (pyproject ``filterwarnings``): a shape the scorecard does not
    understand is a bug to fix, not a cell to paper over."""


def headline(audit: str, doc: ResultsDocument) -> Headline:
    """The cell text of one audit's document. For a user, a document of an unexpected shape says so in the
    cell (with a :class:`ScorecardFallbackWarning`) rather than losing the rest of the scorecard."""
    import warnings

    from ..registry import audits

    try:
        if audit not in audits:
            return scored_headline(doc)
        result: Headline = audits.get(audit)().headline(doc)
        return result
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
    dims = dimensions()
    names = dict(dims)
    models = list(opts.models)
    for dim, title in dims:
        for m in models:
            cell = [
                (p, d)
                for p, d in docs
                if p.audit == dim and (p.model == m or not p.model)  # a run planned once serves every model
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
            "dimensions": [t for _, t in dims if any(r["dimension"] == t for r in rows)],
            "measured": measured,
            "not_measured": len(rows) - measured,
            "seconds": {k: round(v, 1) for k, v in seconds.items()},
            **lead_summary,
        },
        notes=[f"{names.get(n.audit, n.audit)} / {n.model}: not measured — {n.reason}" for n in not_measured],
    )
