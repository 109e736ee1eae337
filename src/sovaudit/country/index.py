"""A speaker-weighted country index per model, from the language audits' summed counts.

For each of the country's languages that an audit measured (in the country's variety, see
:mod:`sovaudit.coverage`), one value from that language's summed counts:

- **competence**: bits per English byte relative to English = -sum(log p) of the language's segments /
  -sum(log p) of the reference's text of the same segments (``ratio_to_reference``; 1 = as well as English);
- **tax**: the token premium = tokens / the reference's tokens on the same segments (1 = English's price);
  for the index, from the per-segment counts a country tax run keeps
  (:mod:`sovaudit.audits.tokenizer_tax.segments`), which differ from the rows' joined-text counts only at
  the joins.

The index is their mean weighted by CLDR speakers, **over the measured languages only**: each language's
weight is its speakers over the measured speakers, and the share of the country's speakers behind the index
(``speaker_coverage``) is given with it. Unmeasured languages are listed as unmeasured, never counted as 0
and never dropped silently. (The AI Language Monitor averages over every language of a country and scores
a language without data 0, so its index falls as coverage falls; here coverage and quality are two numbers.)

Intervals (both): a bootstrap over segments, within each language, with the same formula as the
point estimate: each resample sums each language's resampled segment counts, takes their ratio, and weights
the ratios (sacrebleu's approach: one function for the point and every resample).
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


def tax_index(
    doc: ResultsDocument, tokenizer: str | None = None, n_boot: int = 1000, seed: int = 0
) -> dict[str, Any] | None:
    """The speaker-weighted token premium of one tokenizer (default: the first) of a country tax document;
    with the document's per-segment counts (``items``), the value and a bootstrap interval come from them."""
    detail = doc.summary.get("speaker_coverage_detail")
    if not detail or not doc.rows:
        return None
    tok = tokenizer or doc.rows[0]["tokenizer"]
    rows = {str(r["language"]): r for r in doc.rows if r.get("tokenizer") == tok}
    result, langs = _index(detail, rows, "premium")
    out = {"metric": "token premium vs English", "tokenizer": tok, "ci": None, **result}
    items = [i for i in doc.items if i.get("tokenizer") == tok]
    pairs = {
        x["code"]: [(float(i["tokens"]), float(i["ref_tokens"])) for i in items if i["language"] == x["code"]]
        for x in langs
    }
    if langs and all(pairs.values()):
        per_lang = [
            (np.array([a for a, _ in pairs[x["code"]]]), np.array([b for _, b in pairs[x["code"]]]))
            for x in langs
        ]
        _bootstrap(out, langs, per_lang, n_boot, seed, "sum of per-segment token counts")
    return out


def _bootstrap(
    out: dict[str, Any],
    langs: list[dict[str, Any]],
    per_lang: list[tuple[np.ndarray, np.ndarray]],
    n_boot: int,
    seed: int,
    counts: str,
) -> None:
    """Point estimate and percentile interval from summed counts, resampling segments within each language."""
    weights = np.array([x["speakers"] for x in langs], dtype=float)
    point = np.array([n.sum() / r.sum() for n, r in per_lang])
    out["value"] = _weighted(point, weights)
    if n_boot <= 0:
        return
    rng = np.random.default_rng(seed)
    ratios = np.empty((n_boot, len(langs)))
    for k, (num, den) in enumerate(per_lang):
        idx = rng.integers(0, len(num), size=(n_boot, len(num)))
        ratios[:, k] = num[idx].sum(axis=1) / den[idx].sum(axis=1)
    boots = (ratios * weights).sum(axis=1) / weights.sum()
    lo, hi = np.quantile(boots, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    out["ci"] = [float(lo), float(hi)]
    unit = "segment, within language"
    out["bootstrap"] = {"resamples": n_boot, "seed": seed, "level": LEVEL, "unit": unit, "counts": counts}


def competence_index(doc: ResultsDocument, n_boot: int = 1000, seed: int = 0) -> dict[str, Any] | None:
    """The speaker-weighted bits per English byte relative to English of a country competence document, with
    a percentile bootstrap interval over segments (see the module notes)."""
    detail = doc.summary.get("speaker_coverage_detail")
    if not detail or not doc.rows:
        return None
    rows = {str(r["language"]): r for r in doc.rows}
    result, langs = _index(detail, rows, "ratio_to_reference")
    out = {"metric": "bits per English byte relative to English", "ci": None, **result}
    if not langs:
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
    _bootstrap(out, langs, per_lang, n_boot, seed, "summed -log p of each language and of English")
    return out


def country_index(
    docs: Sequence[tuple[str, str, ResultsDocument]], n_boot: int = 1000
) -> dict[str, dict[str, Any]]:
    """Per model: ``{"tax": ..., "competence": ...}`` from ``(audit, model, document)`` triples."""
    out: dict[str, dict[str, Any]] = {}
    for audit, model, doc in docs:
        if audit == "tokenizers":
            got = tax_index(doc, n_boot=n_boot)
        elif audit == "competence":
            got = competence_index(doc, n_boot)
        else:
            continue
        if got is not None:
            out.setdefault(model, {})["tax" if audit == "tokenizers" else "competence"] = got
    return out


__all__ = ["competence_index", "country_index", "tax_index"]
