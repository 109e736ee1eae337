"""Which writing system (ISO 15924) a paragraph is actually written in, from its letters.

Used for the *script mismatch* measure: the script a language label expects (``srp_Cyrl``) against the
script found in the text (``Latn``). Fast enough to run on every paragraph: it looks at a bounded sample of
letters and caches each character's script.
"""

from __future__ import annotations

import unicodedata

# Unicode character-name prefixes -> ISO 15924 codes (the first word(s) of ``unicodedata.name``).
_PREFIXES: dict[str, str] = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "GEORGIAN": "Geor",
    "HANGUL": "Hang",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "CJK": "Hani",
    "ETHIOPIC": "Ethi",
    "ARMENIAN": "Armn",
    "KHMER": "Khmr",
    "MONGOLIAN": "Mong",
    "THAANA": "Thaa",
    "CHEROKEE": "Cher",
    "CANADIAN": "Cans",
    "TIFINAGH": "Tfng",
    "NKO": "Nkoo",
    "SYRIAC": "Syrc",
    "VAI": "Vaii",
    "JAVANESE": "Java",
    "BALINESE": "Bali",
    "OL": "Olck",
    "ADLAM": "Adlm",
    "YI": "Yiii",
}

# Scripts a label may expect, and which found scripts satisfy it (Japanese mixes kana and kanji, ...).
COMPATIBLE: dict[str, frozenset[str]] = {
    "Jpan": frozenset({"Jpan", "Hira", "Kana", "Hani"}),
    "Kore": frozenset({"Kore", "Hang", "Hani"}),
    "Hans": frozenset({"Hans", "Hani"}),
    "Hant": frozenset({"Hant", "Hani"}),
    "Hani": frozenset({"Hans", "Hant", "Hani"}),
}

SAMPLE_LETTERS = 64
_cache: dict[str, str] = {}


def char_script(ch: str) -> str:
    """ISO 15924 code of one letter, ``""`` for non-letters, ``Zyyy`` for letters of an unlisted script."""
    found = _cache.get(ch)
    if found is not None:
        return found
    script = ""
    if ch.isalpha():
        name = unicodedata.name(ch, "")
        first = name.split(" ", 1)[0]
        script = _PREFIXES.get(first, "Zyyy")
        if first in ("FULLWIDTH", "HALFWIDTH") and "LATIN" in name:
            script = "Latn"
        elif first == "HALFWIDTH" and "KATAKANA" in name:
            script = "Kana"
    if len(_cache) < 200_000:
        _cache[ch] = script
    return script


def dominant_script(text: str, sample: int = SAMPLE_LETTERS) -> str:
    """The most frequent script among the first ``sample`` letters of ``text`` (``""`` if it has none)."""
    counts: dict[str, int] = {}
    seen = 0
    cache = _cache
    for ch in text:
        script = cache.get(ch)
        if script is None:
            script = char_script(ch)
        if not script:
            continue
        counts[script] = counts.get(script, 0) + 1
        seen += 1
        if seen >= sample:
            break
    if not counts:
        return ""
    if "Hani" in counts and ("Hira" in counts or "Kana" in counts):
        return "Jpan"
    if "Hang" in counts:
        return "Kore" if "Hani" in counts else "Hang"
    return max(sorted(counts), key=counts.__getitem__)


def script_matches(expected: str, found: str) -> bool:
    """Whether text in script ``found`` fits a label that expects ``expected`` (unknowns never mismatch)."""
    if not expected or not found or expected == found or found == "Zyyy":
        return True
    if expected in COMPATIBLE:
        return found in COMPATIBLE[expected]
    if expected == "Hang":
        return found in ("Hang", "Kore")
    return False
