"""The Tokenizer protocol: everything an audit needs from a tokenizer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class TokenizerInfo:
    """Where a tokenizer came from: shown in provenance and reports.

    ``kind`` is ``bundled`` (a catalogue asset), ``local`` (a file the user pointed at) or ``baseline``.
    """

    kind: str
    format: str
    description: str = ""
    asset: str = ""
    member: str = ""
    version: str = ""
    license: str = ""
    origin: str = ""
    path: str = ""
    pattern: str = ""


def encode_batch(tokenizer: Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    """Token ids of each text, using the adapter's batched (multi-threaded) path when it has one."""
    batch = getattr(tokenizer, "encode_batch", None)
    if callable(batch):
        result: list[list[int]] = batch(list(texts))
        return result
    return [tokenizer.encode(t) for t in texts]


def count_batch(tokenizer: Tokenizer, texts: Sequence[str]) -> list[tuple[int, int]]:
    """``(tokens, fallback tokens)`` of each text.

    Adapters may offer a ``count_batch`` that skips work counting does not need (id offsets, building id
    lists); otherwise this is :func:`encode_batch` followed by ``count_fallback``.
    """
    fast = getattr(tokenizer, "count_batch", None)
    if callable(fast):
        result: list[tuple[int, int]] = fast(list(texts))
        return result
    return [(len(ids), tokenizer.count_fallback(ids)) for ids in encode_batch(tokenizer, texts)]


class FallbackCounter:
    """Counts ids that belong to a fixed set (unk and byte-fallback pieces) with a vectorised lookup."""

    def __init__(self, ids: frozenset[int], vocab_size: int) -> None:
        import numpy as np

        self.ids = ids
        self._mask = np.zeros(max([vocab_size, *(i + 1 for i in ids)]), dtype=bool)
        self._mask[list(ids)] = True

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __call__(self, ids: Sequence[int]) -> int:
        """How many of ``ids`` are in the set."""
        if not self.ids or not ids:
            return 0
        import array

        import numpy as np

        arr = np.frombuffer(array.array("q", ids), dtype=np.int64)
        if int(arr.max()) >= len(self._mask) or int(arr.min()) < 0:
            return sum(1 for i in ids if i in self.ids)
        return int(np.count_nonzero(self._mask[arr]))
