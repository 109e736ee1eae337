"""Readable language names: the English name and the endonym (CLDR, through ``langcodes``/``language_data``).

Every place a language appears to a reader (rows, scorecard, report, CLI tables) shows :func:`label`:
``Kikuyu (Gikuyu)``, ``Swahili (Kiswahili)``, ``English`` — never a corpus file code such as UDHR's ``045``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def endonym(code: str) -> str:
    """The language's name in itself (CLDR), or "" when CLDR has none. ``code``: any code langcodes parses."""
    import langcodes

    try:
        lang = langcodes.Language.get(code.replace("_", "-")).update_dict({"territory": None, "script": None})
        name = str(lang.autonym())
        english = str(lang.display_name("en"))
    except (ValueError, LookupError, AttributeError):
        return ""
    # langcodes falls back to the English name where CLDR has no autonym: that is no endonym
    return "" if not name or name.lower().startswith("unknown") or name == english else name


@lru_cache(maxsize=4096)
def english_name(code: str) -> str:
    """The English name of a language code (CLDR via :mod:`sovaudit.languages`), or "" when unknown."""
    from .errors import SovauditError
    from .languages import resolve

    try:
        return resolve(code).name
    except SovauditError:
        return ""


def label(name: str, native: str = "", code: str = "") -> str:
    """``English (endonym)``; the endonym is left out when it equals the English name; the code only when
    there is no name at all."""
    if not name:
        return code
    if native and native.casefold() != name.casefold():
        return f"{name} ({native})"
    return name


def row_label(row: Mapping[str, Any], key: str = "language") -> str:
    """The readable label of a results row (``language_name`` + ``endonym``; the code as a last resort)."""
    return label(str(row.get("language_name") or ""), str(row.get("endonym") or ""), str(row.get(key) or ""))


__all__ = ["endonym", "english_name", "label", "row_label"]
