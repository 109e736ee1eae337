"""The Tokenizer protocol: everything an audit needs from a tokenizer."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Tokenizer(Protocol):
    """A tokenizer turns text into token ids, adding no special tokens.

    ``name`` is the short name used on the CLI; ``digest`` is the SHA-256 of the vocabulary/model file (or of
    a fixed description for the baselines), used in signatures.
    """

    name: str
    digest: str

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``, with no special tokens (no BOS/EOS) added."""
        ...

    def count_fallback(self, ids: list[int]) -> int:
        """How many of ``ids`` are unknown-token or byte-fallback tokens (0 for byte-level BPE)."""
        ...
