"""Tokenizer protocol and adapters (tiktoken, HF tokenizers, SentencePiece, Mistral, baselines)."""

from __future__ import annotations

from .base import Tokenizer, TokenizerInfo, encode_batch
from .registry import alternate_names, bundled_names, load_tokenizer

__all__ = ["Tokenizer", "TokenizerInfo", "alternate_names", "bundled_names", "encode_batch", "load_tokenizer"]
