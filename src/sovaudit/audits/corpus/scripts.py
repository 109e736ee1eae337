"""Which writing system (ISO 15924) a paragraph is actually written in, from its letters.

Used for the *script mismatch* measure: the script a language label expects (``srp_Cyrl``) against the
script found in the text (``Latn``). Fast enough to run on every paragraph: it looks at a bounded sample of
letters and caches each character's script.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

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

SAMPLE_CHARS = 48


def _script_of(ch: str) -> str:
    script = ""
    if ch.isalpha():
        name = unicodedata.name(ch, "")
        first = name.split(" ", 1)[0]
        script = _PREFIXES.get(first, "Zyyy")
        if first in ("FULLWIDTH", "HALFWIDTH") and "LATIN" in name:
            script = "Latn"
        elif first == "HALFWIDTH" and "KATAKANA" in name:
            script = "Kana"
    return script


class _ScriptCache(dict[str, str]):
    """Character -> script, filled on first sight (lookups stay in C through ``__getitem__``)."""

    def __missing__(self, ch: str) -> str:
        script = _script_of(ch)
        self[ch] = script
        return script


_cache = _ScriptCache()
_ascii_letter = re.compile(r"[A-Za-z]").search


def dominant_script(text: str, sample: int = SAMPLE_CHARS) -> str:
    """The most frequent script among the letters of the first ``sample`` characters (``""``: no letters).

    ASCII text is Latin if it has a letter. Otherwise letters are counted over a prefix (extended once
    when the prefix has none), with a C-level count, so this costs little next to a detector.
    """
    if text.isascii():
        return "Latn" if _ascii_letter(text) else ""
    get = _cache.__getitem__
    head = text[:sample]
    found = set(map(get, head))
    found.discard("")
    if len(found) == 1:
        return found.pop()
    if not found:
        if len(text) <= sample:
            return ""
        head = text[sample : sample * 16]
        found = set(map(get, head))
        found.discard("")
        if len(found) <= 1:
            return found.pop() if found else ""
    scripts = list(map(get, head))
    counts = {sc: scripts.count(sc) for sc in found}
    if "Hani" in counts and ("Hira" in counts or "Kana" in counts):
        return "Jpan"
    if "Hang" in counts:
        return "Kore" if "Hani" in counts else "Hang"
    return max(sorted(counts), key=counts.__getitem__)


# Every value ``_script_of`` returns, with a small id each ("" = not a letter = 0); 255 = not looked up yet.
_SCRIPT_NAMES = ["", *sorted({*_PREFIXES.values(), "Zyyy"})]
_SCRIPT_ID = {name: i for i, name in enumerate(_SCRIPT_NAMES)}
_UNSEEN = 255
_table: np.ndarray | None = None  # code point -> script id, filled on first sight of each code point


def _script_ids(cps: np.ndarray) -> np.ndarray:
    global _table
    table = _table
    if table is None:
        table = _table = np.full(0x110000, _UNSEEN, dtype=np.uint8)
    ids = table[cps]
    unseen = ids == _UNSEEN
    if unseen.any():
        for cp in np.unique(cps[unseen]).tolist():
            table[cp] = _SCRIPT_ID[_cache[chr(cp)]]
        ids = table[cps]
    return ids


def dominant_scripts(texts: list[str], sample: int = SAMPLE_CHARS) -> list[str]:
    """``[dominant_script(t) for t in texts]``, with the letters of all the texts' prefixes counted at once.

    A prefix whose letters are all of one script (most paragraphs) is decided here in a few array
    operations; the others (no letter in the prefix, or several scripts) go through :func:`dominant_script`.
    """
    if not texts:
        return []
    heads = [t[:sample] for t in texts]
    cps = np.frombuffer("".join(heads).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    ids = _script_ids(cps)
    owner = np.repeat(np.arange(len(heads)), np.fromiter(map(len, heads), dtype=np.int64, count=len(heads)))
    letter = ids != 0
    owner, ids = owner[letter], ids[letter]  # sorted by text: each text's letters are one run
    n = len(texts)
    letters = np.bincount(owner, minlength=n)
    has = letters > 0
    starts = (np.cumsum(letters) - letters)[has]
    lo = np.zeros(n, dtype=np.uint8)
    hi = np.zeros(n, dtype=np.uint8)
    if starts.size:  # the smallest and largest script id among each prefix's letters
        lo[has] = np.minimum.reduceat(ids, starts)
        hi[has] = np.maximum.reduceat(ids, starts)
    out = [_SCRIPT_NAMES[i] for i in lo.tolist()]
    for k in np.flatnonzero(~has | (lo != hi)).tolist():  # no letter in the prefix, or several scripts
        out[k] = dominant_script(texts[k], sample)
    return out


def script_matches(expected: str, found: str) -> bool:
    """Whether text in script ``found`` fits a label that expects ``expected`` (unknowns never mismatch)."""
    if not expected or not found or expected == found or found == "Zyyy":
        return True
    if expected in COMPATIBLE:
        return found in COMPATIBLE[expected]
    if expected == "Hang":
        return found in ("Hang", "Kore")
    return False
