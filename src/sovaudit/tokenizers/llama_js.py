"""Llama 1/2's tokenizer, rebuilt from the vocabulary and merges embedded in npm's llama-tokenizer-js.

The package's ``data-conversion.py`` documents the encoding: ``vocab_base64`` is the base64 of the
tokenizer.json vocabulary (token strings in id order, joined by newlines); ``merges_binary`` is the base64 of
little-endian u16 pairs (vocabulary positions of the two halves of each merge, in priority order). We rebuild
the Hugging Face tokenizer that Llama 2's ``tokenizer.json`` describes: SentencePiece-style BPE with byte
fallback and fused unk, normalizer "prepend ▁, replace spaces by ▁", no pre-tokenizer.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path
from typing import Any

from ..errors import SovauditError, require

_VOCAB = re.compile(r'vocab_base64\s*=\s*"([A-Za-z0-9+/=]+)"')
_MERGES = re.compile(r'merges_binary\s*=\s*"([A-Za-z0-9+/=]+)"')
SPECIALS = ("<unk>", "<s>", "</s>")


def read_llama_js(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """``(vocab in id order, merges in priority order)`` from ``llama-tokenizer.js``."""
    text = path.read_text(encoding="utf-8")
    vocab_m, merges_m = _VOCAB.search(text), _MERGES.search(text)
    if not vocab_m or not merges_m:
        raise SovauditError(
            f"{path} holds no vocab_base64/merges_binary data",
            "pass llama-tokenizer.js from llama-tokenizer-js",
        )
    vocab = base64.b64decode(vocab_m.group(1)).decode("utf-8").split("\n")
    raw = base64.b64decode(merges_m.group(1))
    ints = struct.unpack(f"<{len(raw) // 2}H", raw)
    merges = [(vocab[ints[i]], vocab[ints[i + 1]]) for i in range(0, len(ints) - 1, 2)]
    return vocab, merges


def build_llama_tokenizer(path: Path) -> Any:
    """A ``tokenizers.Tokenizer`` equivalent to Llama 2's ``tokenizer.json``."""
    tk: Any = require("tokenizers", "tokenizers")
    vocab, merges = read_llama_js(path)
    model = tk.models.BPE(
        vocab={tok: i for i, tok in enumerate(vocab)},
        merges=merges,
        unk_token="<unk>",
        fuse_unk=True,
        byte_fallback=True,
    )
    tok = tk.Tokenizer(model)
    tok.normalizer = tk.normalizers.Sequence([tk.normalizers.Prepend("▁"), tk.normalizers.Replace(" ", "▁")])
    tok.add_special_tokens([tk.AddedToken(s, special=True, normalized=False) for s in SPECIALS])
    return tok
