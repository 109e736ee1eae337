"""Speaker coverage: what share of a country's speakers an audit measured, and what would measure the rest.

Speakers are CLDR's per-territory language populations (``language_data``). A person who speaks two
languages counts once for each (CLDR's figures overlap: Kenya's sum to ~90 M for 58 M people), so
``speaker_coverage`` = the speakers of the measured languages / the speakers of all the country's
languages: the share of the country's *language-speaker pairs* an audit measured. A country language counts
as measured when a row measured the same language in the variety the country speaks: where a country's
variety of a macrolanguage is known to differ from the one a corpus has (:data:`COUNTRY_VARIETIES`: Kenya's
Oromo is mostly Borana, ``gax``, FLORES-200 has West Central Oromo, ``gaz``), a row of the other variety is
listed as ``other variety`` and not counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import SovauditError

# (country, CLDR language subtag) -> the individual language (ISO 639-3) the country mostly speaks, where a
# corpus may hold another member of the macrolanguage. Kenya's Oromo speakers are Borana (Ethnologue: gax).
COUNTRY_VARIETIES: dict[tuple[str, str], str] = {("KE", "om"): "gax"}
TEXT_HINT = (
    "--text FILE: your own parallel text (TSV or JSONL: segment id, reference text, this language's text),"
    " e.g. 100 FLORES sentences translated by local linguists"
)
DEFINITION = (
    "speakers of the measured languages / speakers of all the country's languages (CLDR populations; a"
    " multilingual person counts once per language)"
)


def _identity(code: str, alias: str | None) -> Any:
    from .languages import is_known, resolve

    for c in (alias, code):
        if c and is_known(c):
            return resolve(c)
    return None


def speaker_coverage(
    country: str,
    rows: Sequence[Mapping[str, Any]],
    aliases: Mapping[str, str] | None = None,
    how: str = TEXT_HINT,
) -> dict[str, Any]:
    """Coverage of ``country``'s speakers by the languages of ``rows`` (results rows with ``language``,
    optional ``iso639_3``, ``language_name``, ``endonym``, ``corpus``, ``variety``; the reference included).

    Returns ``speaker_coverage`` (0-1), the totals, every country language largest first with its status
    (``measured``, ``other variety``, ``not measured``) and the rows that measured it, and ``unmeasured``:
    the languages not measured, largest first, each with what would measure it.
    """
    from .languages import country_languages, country_name
    from .names import endonym, label

    cc = country.upper()
    try:
        spoken = country_languages(cc)
        cname = country_name(cc)
    except SovauditError:
        return {"country": cc, "speaker_coverage": None, "definition": DEFINITION, "languages": []}
    aliases = dict(aliases or {})
    by_lang: dict[str, list[Mapping[str, Any]]] = {}
    seen: set[str] = set()
    for r in rows:
        code = str(r.get("language") or "")
        if not code or code in seen:
            continue
        seen.add(code)
        lang = _identity(code, aliases.get(code))
        if lang is not None:
            by_lang.setdefault(lang.language, []).append(r)
    total = sum(pop for _, pop in spoken)
    measured = 0
    entries: list[dict[str, Any]] = []
    for lang, pop in spoken:
        cands = by_lang.get(lang.language, [])
        want = COUNTRY_VARIETIES.get((cc, lang.language))
        exact = [r for r in cands if not want or str(r.get("iso639_3") or "") == want]
        status = "measured" if exact else ("other variety" if cands else "not measured")
        measured += pop if exact else 0
        entry: dict[str, Any] = {
            "language": lang.tag,
            "name": lang.name,
            "label": label(lang.name, endonym(lang.tag)),
            "speakers": pop,
            "share": pop / total if total else None,
            "status": status,
            "measured_by": [
                {k: r.get(k) for k in ("language", "corpus", "variety") if r.get(k) is not None}
                for r in (exact or cands)
            ],
        }
        if want:
            entry["country_variety"] = want
            other = [str(r.get("language")) for r in cands if r not in exact]
            if other:  # measured too, but another variety: shown, never counted for the country
                entry["other_varieties"] = other
        if status != "measured":
            entry["how_to_measure"] = (
                f"{how} in the country's variety ({want}); the row measures another variety"
                if status == "other variety"
                else how
            )
        entries.append(entry)
    share = measured / total if total else None
    return {
        "country": cc,
        "name": cname,
        "speaker_coverage": share,
        "speakers_measured": measured,
        "speakers_total": total,
        "definition": DEFINITION,
        "languages": entries,
        "unmeasured": [
            {k: e[k] for k in ("language", "label", "speakers", "share", "status", "how_to_measure")}
            for e in entries
            if e["status"] != "measured"
        ],
    }


def coverage_summary(
    country: str | None, rows: Sequence[Mapping[str, Any]], aliases: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The keys a language audit adds to its results summary for a country: ``speaker_coverage`` (the
    share) and ``speaker_coverage_detail``; nothing without a country."""
    if not country:
        return {}
    detail = speaker_coverage(country, rows, aliases)
    return {"speaker_coverage": detail["speaker_coverage"], "speaker_coverage_detail": detail}


__all__ = ["COUNTRY_VARIETIES", "coverage_summary", "speaker_coverage"]
