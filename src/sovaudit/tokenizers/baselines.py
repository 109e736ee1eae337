"""The two baselines: one token per UTF-8 byte, and one token per Unicode code point."""

from __future__ import annotations

import hashlib

from .base import TokenizerInfo


class BytesTokenizer:
    """One token per UTF-8 byte (ids are the byte values)."""

    name = "bytes"
    digest = hashlib.sha256(b"sovaudit baseline: UTF-8 bytes").hexdigest()
    info = TokenizerInfo(kind="baseline", format="bytes", description="baseline: one token per UTF-8 byte")

    def encode(self, text: str) -> list[int]:
        """The UTF-8 bytes of ``text``."""
        return list(text.encode("utf-8"))

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """:meth:`encode` for each text."""
        return [self.encode(t) for t in texts]

    def count_batch(self, texts: list[str]) -> list[tuple[int, int]]:
        """``(UTF-8 bytes, 0)`` of each text."""
        return [(len(t.encode("utf-8")), 0) for t in texts]

    def count_fallback(self, ids: list[int]) -> int:
        """Always 0: every byte is a token."""
        return 0


class CharsTokenizer:
    """One token per Unicode code point (ids are the code points)."""

    name = "chars"
    digest = hashlib.sha256(b"sovaudit baseline: Unicode code points").hexdigest()
    info = TokenizerInfo(
        kind="baseline", format="chars", description="baseline: one token per Unicode code point"
    )

    def encode(self, text: str) -> list[int]:
        """The code points of ``text``."""
        return list(map(ord, text))

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """:meth:`encode` for each text."""
        return [self.encode(t) for t in texts]

    def count_batch(self, texts: list[str]) -> list[tuple[int, int]]:
        """``(code points, 0)`` of each text."""
        return [(len(t), 0) for t in texts]

    def count_fallback(self, ids: list[int]) -> int:
        """Always 0: every code point is a token."""
        return 0
