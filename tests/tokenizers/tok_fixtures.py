"""Tokenizer files the tests write themselves: tiktoken, quicktok, HF tokenizer.json, SentencePiece."""

from __future__ import annotations

import base64
import io
import struct
from pathlib import Path

# byte-level BPE: the 256 single bytes, then a few merges ("th", "the", " the", "he")
MERGES = [b"th", b"the", b" the", b"he"]


def byte_ranks() -> dict[bytes, int]:
    """256 byte tokens (rank = byte value) plus :data:`MERGES` at 256, 257, ..."""
    ranks = {bytes([b]): b for b in range(256)}
    for i, tok in enumerate(MERGES):
        ranks[tok] = 256 + i
    return ranks


def write_tiktoken(path: Path, ranks: dict[bytes, int] | None = None) -> Path:
    """A ``.tiktoken`` rank file."""
    ranks = ranks or byte_ranks()
    lines = [
        base64.b64encode(t) + b" " + str(r).encode() for t, r in sorted(ranks.items(), key=lambda kv: kv[1])
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def write_quicktok(path: Path, ranks: dict[bytes, int] | None = None) -> Path:
    """A quicktok-v1 ``.vocab`` table: u32 count, then (u16 len, bytes, u32 rank) per token."""
    ranks = ranks or byte_ranks()
    out = [struct.pack("<I", len(ranks))]
    for tok, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        out.append(struct.pack("<H", len(tok)) + tok + struct.pack("<I", rank))
    path.write_bytes(b"".join(out))
    return path


def write_hf(folder: Path) -> Path:
    """A SentencePiece-style BPE tokenizer.json with byte fallback, unk and a BOS template; returns it."""
    from tokenizers.models import BPE

    from tokenizers import Tokenizer, normalizers, processors

    vocab = {"<unk>": 0, "<s>": 1}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = 2 + b
    for piece in ["▁", "a", "b", "▁a", "▁b", "ab", "▁ab"]:
        vocab[piece] = len(vocab)
    merges = [("▁", "a"), ("▁", "b"), ("a", "b"), ("▁a", "b")]
    tok = Tokenizer(BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.add_special_tokens(["<s>"])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tokenizer.json"
    tok.save(str(path))
    return path


def write_sentencepiece(path: Path) -> Path:
    """A small SentencePiece BPE model with byte fallback, trained on English sentences."""
    import sentencepiece as spm

    sentences = [
        "All human beings are born free and equal in dignity and rights.",
        "They are endowed with reason and conscience and should act towards one another.",
        "Everyone has the right to life, liberty and security of person.",
        "No one shall be held in slavery or servitude.",
    ] * 20
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        vocab_size=300,
        model_type="bpe",
        byte_fallback=True,
        character_coverage=1.0,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    return path
