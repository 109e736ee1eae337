"""SentencePiece models (``.model``), directly or through mistral-common; no BOS/EOS added."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SovauditError, require
from ..signature import sha256_file
from .base import FallbackCounter, TokenizerInfo
from .bpe import threads


class SentencePieceTokenizer:
    """A SentencePiece processor; counts byte-fallback (``<0xNN>``) and unknown pieces."""

    def __init__(self, name: str, processor: Any, digest: str, info: TokenizerInfo) -> None:
        self.name = name
        self.digest = digest
        self.info = info
        self._sp = processor
        size = processor.get_piece_size()
        ids = frozenset(i for i in range(size) if processor.is_byte(i) or processor.is_unknown(i))
        self._fallback = FallbackCounter(ids, size)

    @classmethod
    def from_file(cls, name: str, path: Path, info: TokenizerInfo) -> SentencePieceTokenizer:
        """Load a SentencePiece ``.model`` file."""
        spm = require("sentencepiece", "tokenizers")
        try:
            proc = spm.SentencePieceProcessor(model_file=str(path))  # type: ignore[attr-defined]
        except (RuntimeError, OSError) as exc:
            raise SovauditError(
                f"{path} is not a SentencePiece model ({str(exc)[:120]})", "pass a SentencePiece .model file"
            ) from exc
        return cls(name, proc, sha256_file(path), info)

    @classmethod
    def mistral(cls, name: str, path: Path, info: TokenizerInfo) -> SentencePieceTokenizer:
        """A Mistral SentencePiece model (v1/v2/v3), loaded by mistral-common."""
        mod = require("mistral_common.tokens.tokenizers.sentencepiece", "tokenizers")
        try:
            tok = mod.SentencePieceTokenizer(str(path))  # type: ignore[attr-defined]
        except (RuntimeError, OSError, ValueError, AssertionError) as exc:
            raise SovauditError(
                f"{path} is not a Mistral SentencePiece model ({exc})", "pass a .model.vN file"
            ) from exc
        # SentencePieceTokenizer.encode(s, bos=False, eos=False) is its processor's encode(s); batching the
        # processor directly is equivalent (tests check it).
        return cls(name, tok._model, sha256_file(path), info)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (no BOS/EOS)."""
        ids: list[int] = self._sp.encode(text, out_type=int)
        return ids

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, encoded on all available CPUs."""
        batch: list[list[int]] = self._sp.encode(texts, out_type=int, num_threads=threads())
        return batch

    def count_fallback(self, ids: list[int]) -> int:
        """Number of byte-fallback and unknown pieces in ``ids``."""
        return self._fallback(ids)
