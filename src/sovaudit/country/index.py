"""A speaker-weighted country index per model, from the language audits' summed counts.

For each of the country's languages that an audit measured (in the country's variety, see
:mod:`sovaudit.coverage`), one value from that language's summed counts:

- **competence**: bits per English byte relative to English = -sum(log p) of the language's segments /
  -sum(log p) of the reference's text of the same segments (``ratio_to_reference``; 1 = as well as English);
- **tax**: the token premium = tokens / the reference's tokens on the same segments (1 = English's price).

The index is their mean weighted by CLDR speakers, **over the measured languages only**: each language's
weight is its speakers over the measured speakers, and the share of the country's speakers behind the index
(``speaker_coverage``) is given with it. Unmeasured languages are listed as unmeasured, never counted as 0
and never dropped silently. (The AI Language Monitor averages over every language of a country and scores
a language without data 0, so its index falls as coverage falls; here coverage and quality are two numbers.)

Intervals (competence): a bootstrap over segments, within each language, with the same formula as the
point estimate: each resample sums each language's resampled segment counts, takes their ratio, and weights
the ratios (sacrebleu's approach: one function for the point and every resample). The tax index is a count
over every segment of the corpus; its results keep no per-segment counts, so it has no interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..results import ResultsDocument

LEVEL = 0.95


def _weights(detail: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]], metric: str) -> list[dict]:
    """One entry per measured country language: the row that measured it, its speakers and value."""
    out = []
    for e in detail.get("languages", []):
        if e.get("status") != "measured":
            continue
        codes = [m["language"] for m in e.get("measured_by", []) if m.get("language") in rows]
        with_value = [c for c in codes if isinstance(rows[c].get(metric), int | float)]
        if not with_value:
            continue
        code = with_value[0]
        out.append(
            {
                "language": e["language"],
                "label": e.get("label", e["language"]),
                "code": code,
                "corpus": rows[code].get("corpus"),
                "speakers": int(e["speakers"]),
                "value": float(rows[code][metric]),
            }
        )
    return out


def _weighted(values: np.ndarray, weights: np.ndarray) -> float:
    return float((values * weights).sum(axis=-1) / weights.sum())


def _index(
    detail: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]], metric: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    langs = _weights(detail, rows, metric)
    measured = sum(x["speakers"] for x in langs)
    for x in langs:
        x["weight"] = x["speakers"] / measured if measured else None
    value = (
        _weighted(np.array([x["value"] for x in langs]), np.array([x["speakers"] for x in langs]))
        if langs
        else None
    )
    result = {
        "value": value,
        "languages": langs,
        "speaker_coverage": detail.get("speaker_coverage"),
        "unmeasured": [
            {
                "language": e["language"],
                "label": e.get("label"),
                "speakers": e["speakers"],
                "status": e["status"],
            }
            for e in detail.get("unmeasured", [])
        ],
    }
    return result, langs


def tax_index(doc: ResultsDocument, tokenizer: str | None = None) -> dict[str, Any] | None:
    """The speaker-weighted token premium of one tokenizer (default: the first) of a country tax document."""
    detail = doc.summary.get("speaker_coverage_detail")
    if not detail or not doc.rows:
        return None
    tok = tokenizer or doc.rows[0]["tokenizer"]
    rows = {str(r["language"]): r for r in doc.rows if r.get("tokenizer") == tok}
    result, _ = _index(detail, rows, "premium")
    return {"metric": "token premium vs English", "tokenizer": tok, "ci": None, **result}


def competence_index(doc: ResultsDocument, n_boot: int = 1000, seed: int = 0) -> dict[str, Any] | None:
    """The speaker-weighted bits per English byte relative to English of a country competence document, with
    a percentile bootstrap interval over segments (see the module notes)."""
    detail = doc.summary.get("speaker_coverage_detail")
    if not detail or not doc.rows:
        return None
    rows = {str(r["language"]): r for r in doc.rows}
    result, langs = _index(detail, rows, "ratio_to_reference")
    out = {"metric": "bits per English byte relative to English", "ci": None, **result}
    if not langs or n_boot <= 0:
        return out
    ref = str(doc.summary.get("reference"))
    ref_nats = {str(i["segment"]): float(i["nats"]) for i in doc.items if i.get("language") == ref}
    per_lang = []
    for x in langs:
        segs = [i for i in doc.items if i.get("language") == x["code"] and str(i["segment"]) in ref_nats]
        if not segs:
            return out
        nats = np.array([float(i["nats"]) for i in segs])
        refs = np.array([ref_nats[str(i["segment"])] for i in segs])
        per_lang.append((nats, refs))
    # the point estimate from the items, by the same formula the resamples use
    rng = np.random.default_rng(seed)
    weights = np.array([x["speakers"] for x in langs], dtype=float)
    ratios = np.empty((n_boot, len(langs)))
    for k, (nats, refs) in enumerate(per_lang):
        idx = rng.integers(0, len(nats), size=(n_boot, len(nats)))
        ratios[:, k] = nats[idx].sum(axis=1) / refs[idx].sum(axis=1)
    boots = (ratios * weights).sum(axis=1) / weights.sum()
    lo, hi = np.quantile(boots, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    point = np.array([n.sum() / r.sum() for n, r in per_lang])
    out["value"] = _weighted(point, weights)
    out["ci"] = [float(lo), float(hi)]
    out["bootstrap"] = {"resamples": n_boot, "seed": seed, "level": LEVEL, "unit": "segment, within language"}
    return out


def country_index(
    docs: Sequence[tuple[str, str, ResultsDocument]], n_boot: int = 1000
) -> dict[str, dict[str, Any]]:
    """Per model: ``{"tax": ..., "competence": ...}`` from ``(audit, model, document)`` triples."""
    out: dict[str, dict[str, Any]] = {}
    for audit, model, doc in docs:
        if audit == "tokenizers":
            got = tax_index(doc)
        elif audit == "competence":
            got = competence_index(doc, n_boot)
        else:
            continue
        if got is not None:
            out.setdefault(model, {})["tax" if audit == "tokenizers" else "competence"] = got
    return out


__all__ = ["competence_index", "country_index", "tax_index"]
