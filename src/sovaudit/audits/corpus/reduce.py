"""From the merged counts to result rows: pure functions of summable integers.

* ``share`` = the language's UTF-8 paragraph bytes / all paragraph bytes (``und`` included), 0-1.
* ``duplicate_rate`` = (documents - distinct normalised texts) / documents, exact across shards.
* ``near_duplicate_rate`` (with ``--near-dup``) = (documents - MinHash-LSH clusters) / documents, where two
  documents of one language are linked when any of their 16 band keys agree (an estimate).
* ``speaker_share`` = CLDR speakers of the language / population (of the world, or of ``--country``);
  speakers of a language are counted over all its scripts. ``representation_ratio`` = share / speaker_share:
  1 means the language has the corpus share its speakers have of the population; multilingual people make
  speaker shares sum to more than 1, so ratios are comparable between languages, not an absolute target.
* ``absent_languages``: the ``--country``'s CLDR languages with no identified bytes, matched on
  ISO 639-3 after the languages module's macrolanguage folding (``swh`` -> ``swa``). One whose
  macrolanguage the corpus holds (``nob`` Bokmål when a detector says ``nor`` Norwegian) carries
  ``macrolanguage_in_corpus``: its text may be counted there; a macrolanguage whose member languages the
  corpus holds (Luyia ``luy`` when a detector names ``lri``) carries ``members_in_corpus``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ...errors import SovauditError
from .counts import HIST_BINS, CorpusCounts, LangCounts
from .lid import UNDETERMINED

WORLD_POPULATION_FALLBACK = 8_062_273_015  # sum of CLDR territory populations (language_data 1.3)


def world_population() -> int:
    """World population as CLDR records it (sum over territories)."""
    from ... import languages

    fn = getattr(languages, "world_population", None)
    if callable(fn):
        return int(fn())
    terr = getattr(languages, "_territory_populations", None)
    return int(sum(terr().values())) if callable(terr) else WORLD_POPULATION_FALLBACK


@cache
def _macrolanguage_of() -> dict[str, str]:
    """ISO 639-3 of an individual language -> ISO 639-3 of its macrolanguage (IANA subtag registry)."""
    import langcodes
    from language_data.registry_parser import parse_registry

    def alpha3(subtag: str) -> str:
        try:
            return str(langcodes.Language.get(subtag).to_alpha3())
        except (LookupError, ValueError):
            return subtag

    return {
        alpha3(item["Subtag"]): alpha3(item["Macrolanguage"])
        for item in parse_registry()
        if item.get("Type") == "language" and item.get("Macrolanguage") and item.get("Subtag")
    }


def near_duplicate_clusters(bands: np.ndarray) -> int:
    """Number of clusters among documents linked by any shared LSH band key (union-find)."""
    n = len(bands)
    if n == 0:
        return 0
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for b in range(bands.shape[1]):
        _keys, inverse = np.unique(bands[:, b], return_inverse=True)
        first: dict[int, int] = {}
        for doc, key in enumerate(inverse.tolist()):
            if key in first:
                ra, rb = find(first[key]), find(doc)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            else:
                first[key] = doc
    return sum(1 for i in range(n) if find(i) == i)


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def language_row(label: str, lc: LangCounts, total_bytes: int, near_dup: bool) -> dict[str, Any]:
    """One result row for one language label."""
    from ...languages import resolve

    iso, _, script = label.partition("_")
    name = ""
    if label != UNDETERMINED:
        try:
            name = resolve(label).name
        except SovauditError:
            name = ""
    distinct = len(lc.doc_hashes)
    row: dict[str, Any] = {
        "language": label,
        "iso639_3": iso,
        "script": script,
        "name": name or ("undetermined (no letters or unidentified)" if label == UNDETERMINED else label),
        "documents": lc.documents,
        "paragraphs": lc.paragraphs,
        "bytes": lc.bytes,
        "share": lc.bytes / total_bytes if total_bytes else 0.0,
        "document_bytes": lc.document_bytes,
        "distinct_documents": distinct,
        "duplicate_documents": lc.documents - distinct,
        "duplicate_rate": _ratio(lc.documents - distinct, lc.documents),
        "confidence_hist": list(lc.confidence_hist),
        "low_confidence_rate": _ratio(sum(lc.confidence_hist[: HIST_BINS // 2]), lc.paragraphs),
        "script_mismatch": lc.script_mismatch,
        "script_mismatch_rate": _ratio(lc.script_mismatch, lc.paragraphs),
        "scripts": dict(lc.scripts),
    }
    if near_dup:
        clusters = near_duplicate_clusters(lc.doc_bands)
        row["near_duplicate_documents"] = lc.documents - clusters
        row["near_duplicate_rate"] = _ratio(lc.documents - clusters, lc.documents)
    return row


def build_rows(
    total: CorpusCounts, country: str | None = None, near_dup: bool = False
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows (largest share first) and the summary (totals, reading counts, absent country languages)."""
    from ... import languages

    total_bytes = sum(lc.bytes for lc in total.languages.values())
    rows = [language_row(label, lc, total_bytes, near_dup) for label, lc in total.languages.items()]
    rows.sort(key=lambda r: (-r["bytes"], r["language"]))
    if country:
        cc = country.upper()
        population = languages.country_population(cc)
        spoken = {lang.iso639_3: (lang, pop) for lang, pop in languages.country_languages(cc)}
        reference = {
            "kind": "country",
            "code": cc,
            "name": languages.country_name(cc),
            "population": population,
        }
    else:
        population = world_population()
        spoken = {}
        reference = {"kind": "world", "code": "001", "name": "World", "population": population}
    for row in rows:
        if row["language"] == UNDETERMINED:
            row["speakers"] = row["speaker_share"] = row["representation_ratio"] = None
            continue
        if country:
            speakers = spoken[row["iso639_3"]][1] if row["iso639_3"] in spoken else 0
        else:
            try:
                speakers = languages.world_speakers(row["iso639_3"])
            except SovauditError:
                speakers = 0
        row["speakers"] = speakers
        row["speaker_share"] = speakers / population if population else None
        row["representation_ratio"] = _ratio(row["share"], row["speaker_share"] or 0.0)
    present = {r["iso639_3"] for r in rows if r["bytes"] > 0}
    labels_of: dict[str, list[str]] = {}
    for r in rows:
        if r["bytes"] > 0:
            labels_of.setdefault(r["iso639_3"], []).append(r["language"])
    macro = _macrolanguage_of() if spoken else {}
    absent = []
    for iso, (lang, pop) in spoken.items():
        if iso in present:
            continue
        entry: dict[str, Any] = {
            "language": f"{lang.iso639_3}_{lang.script or 'Zyyy'}",
            "name": lang.name,
            "speakers": pop,
            "speaker_share": pop / population if population else None,
        }
        if macro.get(iso) in present:  # e.g. nob when the detector says nor: maybe counted under it
            entry["macrolanguage_in_corpus"] = ", ".join(labels_of[macro[iso]])
        members = sorted(lab for m in present if macro.get(m) == iso for lab in labels_of[m])
        if members:  # e.g. Kenya's luy (Luyia) when a detector names its varieties (lri, lks, ...)
            entry["members_in_corpus"] = ", ".join(members)
        absent.append(entry)
    documents = sum(lc.documents for lc in total.languages.values())
    summary: dict[str, Any] = {
        "languages": sum(1 for r in rows if r["language"] != UNDETERMINED and r["bytes"] > 0),
        "documents": documents,
        "paragraphs": sum(lc.paragraphs for lc in total.languages.values()),
        "bytes": total_bytes,
        "undetermined_share": next((r["share"] for r in rows if r["language"] == UNDETERMINED), 0.0),
        "duplicate_documents": sum(r["duplicate_documents"] for r in rows),
        "duplicate_rate": _ratio(sum(r["duplicate_documents"] for r in rows), documents),
        "low_confidence_paragraphs": sum(  # identified paragraphs (not und) with confidence < 0.5
            sum(lc.confidence_hist[: HIST_BINS // 2])
            for label, lc in total.languages.items()
            if label != UNDETERMINED
        ),
        "script_mismatch_paragraphs": sum(lc.script_mismatch for lc in total.languages.values()),
        "reference": reference,
        "absent_languages": absent,
        **(
            {"near_duplicate_documents": sum(r["near_duplicate_documents"] for r in rows)} if near_dup else {}
        ),
        "read": dict(total.read),
        "problems": dict(total.problems),
    }
    return rows, summary
