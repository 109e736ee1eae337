"""Salted commitments to per-item records: ``c = SHA-256(salt || JCS(record))``.

``JCS`` is the JSON Canonicalization Scheme of RFC 8785, written here for the values a per-item record
holds (``str``, ``int``, ``float``, ``bool``, ``None``, lists/tuples and dicts with string keys): object
members sorted by the UTF-16 code units of their names, no whitespace, strings escaped as ECMAScript's
``JSON.stringify`` does, and numbers written as ECMAScript's ``Number.prototype.toString`` (shortest
round-trip digits; ``1e+21``, ``1e-7`` and beyond in exponent form). NaN and infinities are refused, as
the RFC requires, and so is an integer a double cannot hold exactly.

The salt is 32 random bytes per item, so a short secret record (an answer "A", a score 1) cannot be
confirmed by hashing guesses: whoever holds the commitment alone learns nothing about the record.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from decimal import Decimal
from typing import Any

SALT_BYTES = 32
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MAX_EXACT = 2**53


def _number(x: float) -> str:
    """ECMAScript ``Number.prototype.toString`` of a finite double (RFC 8785 3.2.2.3)."""
    if not math.isfinite(x):
        raise ValueError(f"{x!r} is not allowed in canonical JSON (RFC 8785 3.2.2.3)")
    if x == 0:
        return "0"  # -0 too
    sign = "-" if x < 0 else ""
    tup = Decimal(repr(abs(x))).normalize().as_tuple()  # shortest round-trip digits (as ES: k minimal)
    digits = "".join(map(str, tup.digits))
    k = len(digits)
    n = int(tup.exponent) + k  # x = 0.digits * 10^n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mant = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mant}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise ValueError("a lone UTF-16 surrogate cannot be written as canonical JSON")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) <= _MAX_EXACT:
            out.append(str(value))
        elif float(value) == value:
            out.append(_number(float(value)))
        else:
            raise ValueError(f"the integer {value} has no exact IEEE-754 double (RFC 8785 3.2.2.3)")
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            _write(v, out)
        out.append("]")
    elif isinstance(value, dict):
        for k in value:
            if not isinstance(k, str):
                raise ValueError(f"object member names must be strings, not {type(k).__name__}")
        out.append("{")
        for i, k in enumerate(sorted(value, key=lambda s: s.encode("utf-16-be", "surrogatepass"))):
            if i:
                out.append(",")
            out.append(_string(k))
            out.append(":")
            _write(value[k], out)
        out.append("}")
    else:
        raise ValueError(f"{type(value).__name__} is not a JSON value")


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical form of a JSON value, as UTF-8 bytes."""
    out: list[str] = []
    _write(value, out)
    return "".join(out).encode("utf-8")


def new_salt() -> bytes:
    """32 random bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(SALT_BYTES)


def commitment(salt: bytes, record: Any) -> bytes:
    """``SHA-256(salt || JCS(record))``."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"a salt has {SALT_BYTES} bytes, not {len(salt)}")
    return hashlib.sha256(salt + canonical_json(record)).digest()


def item_id(record: Any, index: int) -> str:
    """A per-item record's name in a tree: ``id:language`` when it has both (a pack item is asked in
    several languages under one id), ``id`` when it has only an id, else ``#index``."""
    if isinstance(record, dict) and isinstance(record.get("id"), str | int):
        lang = record.get("language")
        return f"{record['id']}:{lang}" if isinstance(lang, str) and lang else str(record["id"])
    return f"#{index}"
