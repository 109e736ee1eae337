"""Hugging Face ``tokenizers`` (``tokenizer.json``), encoded with ``add_special_tokens=False``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SovauditError, require
from ..signature import sha256_file
from .base import FallbackCounter, TokenizerInfo


class HFTokenizer:
    """A ``tokenizers.Tokenizer`` from a ``tokenizer.json``; counts ``<0xNN>`` byte-fallback and unk."""

    def __init__(self, name: str, path: Path, info: TokenizerInfo, tokenizer: Any = None) -> None:
        """Load ``path`` (a tokenizer.json), or wrap ``tokenizer`` built from ``path`` by another reader."""
        if tokenizer is None:
            tk = require("tokenizers", "tokenizers")
            try:
                tokenizer = tk.Tokenizer.from_file(str(path))  # type: ignore[attr-defined]
            except Exception as exc:  # tokenizers raises a bare Exception on malformed files
                raise SovauditError(
                    f"{path} is not a Hugging Face tokenizer.json ({str(exc).splitlines()[0][:120]})",
                    "pass a tokenizer.json saved by the tokenizers library",
                ) from exc
        self._tok: Any = tokenizer
        # a saved tokenizer.json may carry truncation/padding settings: counting needs every token, no padding
        self._tok.no_truncation()
        self._tok.no_padding()
        self.name = name
        self.digest = sha256_file(path)
        self.info = info
        self._fallback = FallbackCounter(
            _fallback_ids(self._tok), self._tok.get_vocab_size(with_added_tokens=True)
        )
        self._fast = hasattr(self._tok, "encode_batch_fast")

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` without BOS/EOS or other template tokens."""
        ids: list[int] = self._tok.encode(text, add_special_tokens=False).ids
        return ids

    def _encodings(self, texts: list[str]) -> list[Any]:
        """The library's encodings of each text (its fast batch call where it has one), no special tokens."""
        fn = self._tok.encode_batch_fast if self._fast else self._tok.encode_batch
        encodings: list[Any] = fn(texts, add_special_tokens=False)
        return encodings

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, encoded in parallel by the library."""
        return [enc.ids for enc in self._encodings(texts)]

    def count_batch(self, texts: list[str]) -> list[tuple[int, int]]:
        """``(tokens, fallback tokens)`` of each text; without fallback ids, no id list is built."""
        encodings = self._encodings(texts)
        if not self._fallback:
            return [(len(enc), 0) for enc in encodings]
        return [(len(ids), self.count_fallback(ids)) for ids in (enc.ids for enc in encodings)]

    def count_fallback(self, ids: list[int]) -> int:
        """Number of byte-fallback (``<0xNN>``) and unknown tokens in ``ids``."""
        return self._fallback(ids)


def _fallback_ids(tok: Any) -> frozenset[int]:
    """Ids of the unk token and, for models with ``byte_fallback``, of the 256 ``<0xNN>`` byte pieces."""
    model = tok.model
    ids: set[int | None] = set()
    unk = getattr(model, "unk_token", None)
    if isinstance(unk, str):
        ids.add(tok.token_to_id(unk))
    if getattr(model, "byte_fallback", False):
        ids.update(tok.token_to_id(f"<0x{b:02X}>") for b in range(256))
    return frozenset(i for i in ids if i is not None)
