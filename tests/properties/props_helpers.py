"""Strategies and checks shared by the property tests of the readers.

- :func:`texts`: random unicode cell text (RTL, emoji, combining marks, quotes, tabs, newlines, very long),
  with options to leave out what a format cannot carry.
- :func:`mutated`: a valid file's bytes cut, flipped, spliced with random bytes, lines dropped or repeated,
  or replaced by arbitrary bytes.
- :func:`reads_or_refuses`: call a reader; it either returns or raises :class:`SovauditError` whose message
  is one line naming the file. Any other exception fails the property.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st

from sovaudit.errors import SovauditError

T = TypeVar("T")
PROFILE = settings.get_profile("sovaudit-props")  # registered by this folder's conftest.py

# characters a published file really holds besides ASCII: Arabic/Hebrew (RTL), bidi marks, CJK, Devanagari,
# emoji (astral, ZWJ sequences), combining marks, NBSP, quotes and separators that break naive parsers
_SPECIAL = (
    "مرحبا بالعالم",
    "שלום",
    "\u200f\u202e\u2066",
    "汉字かな한국어",
    "हिन्दी",
    "👩🏽‍💻🇰🇪",
    "e\u0301",
    "\u00a0",
    '"',
    "'",
    ",",
    ";",
    "\\",
    "{",
    "[",
    "#",
    "\u2028",
    "\u0085",
)


def texts(
    *,
    min_size: int = 0,
    max_size: int = 40,
    forbid: str = "",
    long: bool = True,
    strip_nonempty: bool = False,
) -> st.SearchStrategy[str]:
    """Random unicode text without the characters in ``forbid`` (and never surrogates or NUL).

    ``strip_nonempty``: the text has a non-space character (readers treat blank cells as missing);
    ``long``: now and then a cell of ~200,000 characters (over csv's default 131,072 field limit).
    """
    bad = set(forbid) | {"\x00"}
    alphabet = st.characters(blacklist_categories=("Cs",), blacklist_characters=sorted(bad))
    pieces = st.one_of(
        st.text(alphabet, max_size=8),
        st.sampled_from([s for s in _SPECIAL if not (set(s) & bad)]),
    )
    base = st.lists(pieces, min_size=min_size, max_size=max_size).map("".join)
    if long:  # about one cell in 25 is over 200,000 characters
        base = st.tuples(st.integers(0, 24), base).map(lambda t: "x" * 200_001 + t[1] if t[0] == 24 else t[1])
    if strip_nonempty:
        base = base.map(lambda s: s if s.strip() else f"t{s}")
    return base


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    """``valid`` damaged in one to three random ways (or replaced by random bytes)."""
    data = valid
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "flip", "insert", "drop_line", "repeat_line", "random", "nul"]))
        n = len(data)
        if kind == "random":
            data = draw(st.binary(max_size=300))
        elif kind == "cut":
            data = data[: draw(st.integers(0, n))]
        elif kind == "flip" and n:
            i = draw(st.integers(0, n - 1))
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
        elif kind in ("insert", "nul"):
            i = draw(st.integers(0, n))
            junk = b"\x00" if kind == "nul" else draw(st.binary(min_size=1, max_size=12))
            data = data[:i] + junk + data[i:]
        elif kind in ("drop_line", "repeat_line"):
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i : i + 1] = [] if kind == "drop_line" else [lines[i], lines[i]]
            data = b"\n".join(lines)
    return data


def reads_or_refuses(read: Callable[[], T], path: Path | str) -> T | SovauditError:
    """``read()``'s value, or the :class:`SovauditError` it raised (checked: one line, names ``path`` or,
    for a folder, one of the files in it).

    Any other exception propagates and fails the property.
    """
    try:
        return read()
    except SovauditError as err:
        message = str(err)
        assert "\n" not in message and "\r" not in message, message
        p = Path(path)
        names = {p.name, *(f.name for f in p.rglob("*") if f.is_file())} if p.is_dir() else {p.name}
        assert any(n in message for n in names), f"{message!r} names none of {sorted(names)[:5]}"
        return err


def one_line(message: Any) -> bool:
    """Whether ``message`` is a single line."""
    return "\n" not in str(message)
