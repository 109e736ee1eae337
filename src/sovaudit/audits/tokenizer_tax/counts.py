"""The language tax's summable counts and the metrics computed from them (pure functions).

Shared by the planning/measuring module (:mod:`.method`) and the document builder
(:mod:`.doc`), so neither imports the other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from .._doc import LANGUAGE_COLUMNS

AUDIT = "tokenizers"
DEFAULT_CONTEXT_TOKENS = 8192
BATCH = 32  # languages per library call: large enough to keep every core busy, small enough for progress
ROW_COLUMNS = [
    "tokenizer",
    *LANGUAGE_COLUMNS,
    "tokens_per_byte",
    "tokens_per_char",
    "premium",
    "fallback_tokens",
    "fallback_fraction",
    "relative_price",
    "context_chars",
    "ref_tokens",
]


@dataclass(frozen=True)
class TaxCounts:
    """Summable counts for one tokenizer x language (the language's text and the reference's same segments).

    ``ref_segments`` counts the reference's segments in the measured shard (the denominator of coverage).
    """

    segments: int = 0
    ref_segments: int = 0
    tokens: int = 0
    bytes: int = 0
    chars: int = 0
    fallback_tokens: int = 0
    ref_tokens: int = 0

    def __add__(self, other: TaxCounts) -> TaxCounts:
        return TaxCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def to_dict(self) -> dict[str, int]:
        """Plain-JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaxCounts:
        """Inverse of :meth:`to_dict`."""
        return cls(**{f.name: int(data.get(f.name, 0)) for f in fields(cls)})


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def premium(c: TaxCounts) -> float | None:
    """Tokens for the language / tokens for the reference on the same segments (None if undefined)."""
    return _ratio(c.tokens, c.ref_tokens)


def context_chars(c: TaxCounts, context_tokens: int) -> float | None:
    """Characters of this language that a context of ``context_tokens`` tokens holds."""
    return _ratio(context_tokens * c.chars, c.tokens)


def metrics(c: TaxCounts, context_tokens: int = DEFAULT_CONTEXT_TOKENS) -> dict[str, Any]:
    """All row metrics of one tokenizer x language, from its counts alone."""
    p = premium(c)
    return {
        "segments": c.segments,
        "coverage": _ratio(c.segments, c.ref_segments),
        "tokens": c.tokens,
        "bytes": c.bytes,
        "chars": c.chars,
        "tokens_per_byte": _ratio(c.tokens, c.bytes),
        "tokens_per_char": _ratio(c.tokens, c.chars),
        "premium": p,
        "fallback_tokens": c.fallback_tokens,
        "fallback_fraction": _ratio(c.fallback_tokens, c.tokens),
        "relative_price": p,
        "context_chars": context_chars(c, context_tokens),
        "ref_tokens": c.ref_tokens,
    }
