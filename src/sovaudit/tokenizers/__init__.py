"""Tokenizer protocol and adapters (tiktoken, HF tokenizers, SentencePiece, Mistral, baselines)."""

from __future__ import annotations

from .base import Tokenizer

__all__ = ["Tokenizer"]
