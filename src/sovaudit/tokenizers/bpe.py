"""Byte-level BPE rank files run by tiktoken: ``.tiktoken`` files, quicktok-v1 binary tables, tekken JSON."""

from __future__ import annotations

import base64
import binascii
import os
import re
import struct
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import SovauditError, require
from ..signature import sha256_file
from .base import TokenizerInfo

_TIKTOKEN_LINE = re.compile(rb"^[A-Za-z0-9+/=]+ [0-9]+$")


def threads() -> int:
    """Threads for batched encoding: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def looks_like_tiktoken(path: Path) -> bool:
    """Whether ``path`` starts like a tiktoken rank file (``<base64> <rank>`` lines)."""
    try:
        with path.open("rb") as f:
            first = f.readline(4096).strip()
    except OSError:
        return False
    return bool(_TIKTOKEN_LINE.match(first))


def read_tiktoken_ranks(path: Path) -> dict[bytes, int]:
    """Mergeable ranks of a ``.tiktoken`` file: ``<base64 token> <rank>`` lines (blank lines skipped).

    Parsed here rather than by ``tiktoken.load.load_tiktoken_bpe``, which caches a copy keyed by the path
    and can serve a stale copy after the file changed. Whisper's multilingual file has an empty token
    (``= 50256``); it is kept, as tiktoken keeps it.
    """
    ranks: dict[bytes, int] = {}
    try:
        for n, line in enumerate(path.read_bytes().splitlines(), 1):  # noqa: B007  (n is used on error)
            if not line.strip():
                continue
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)  # as tiktoken decodes it
    except (ValueError, binascii.Error) as exc:
        raise SovauditError(
            f"{path} is not a tiktoken rank file (line {n}: {exc})",
            "pass a file of '<base64 token> <rank>' lines",
        ) from exc
    return ranks


def read_quicktok_ranks(path: Path) -> dict[bytes, int]:
    """Mergeable ranks of a quicktok-v1 ``.vocab`` table.

    Layout (little endian): ``u32 count``, then per entry ``u16 length``, the token bytes, ``u32 rank``.
    """
    data = path.read_bytes()
    try:
        (count,) = struct.unpack_from("<I", data, 0)
        offset = 4
        ranks: dict[bytes, int] = {}
        for _ in range(count):
            (length,) = struct.unpack_from("<H", data, offset)
            offset += 2
            token = data[offset : offset + length]
            offset += length
            (rank,) = struct.unpack_from("<I", data, offset)
            offset += 4
            ranks[token] = rank
    except struct.error as exc:
        raise SovauditError(
            f"{path} is not a quicktok-v1 vocab table ({exc})", "pass a quicktok .vocab file"
        ) from exc
    if offset != len(data):
        raise SovauditError(
            f"{path} is not a quicktok-v1 vocab table (trailing bytes)", "pass a quicktok .vocab file"
        )
    return ranks


class TiktokenTokenizer:
    """A byte-level BPE tokenizer run by ``tiktoken`` (ordinary encoding: special tokens are plain text)."""

    def __init__(
        self,
        name: str,
        encoding: Any,
        digest: str,
        info: TokenizerInfo,
        normalize: str | None = None,
        id_offset: int = 0,
    ) -> None:
        self.name = name
        self.digest = digest
        self.info = info
        self._enc = encoding
        self._normalize = normalize
        self._offset = id_offset

    @classmethod
    def from_ranks(
        cls,
        name: str,
        ranks: dict[bytes, int],
        pattern: str,
        digest: str,
        info: TokenizerInfo,
        normalize: str | None = None,
    ) -> TiktokenTokenizer:
        """Build a ``tiktoken.Encoding`` from mergeable ranks and a split pattern."""
        tiktoken = require("tiktoken", "tokenizers")
        if len(set(ranks.values())) != len(ranks):  # tiktoken would panic
            raise SovauditError(f"tokenizer {name}: two tokens share a rank", "check the rank file")
        try:
            enc = tiktoken.Encoding(  # type: ignore[attr-defined]
                name=name, pat_str=pattern, mergeable_ranks=ranks, special_tokens={}
            )
        except ValueError as exc:
            raise SovauditError(f"cannot build tokenizer {name}: {exc}", "check the --pattern regex") from exc
        return cls(name, enc, digest, info, normalize)

    @classmethod
    def from_file(
        cls, name: str, path: Path, fmt: str, pattern: str, info: TokenizerInfo, normalize: str | None = None
    ) -> TiktokenTokenizer:
        """Load a ``tiktoken`` or ``quicktok`` rank file."""
        ranks = read_quicktok_ranks(path) if fmt == "quicktok" else read_tiktoken_ranks(path)
        return cls.from_ranks(name, ranks, pattern, sha256_file(path), info, normalize)

    @classmethod
    def tekken(cls, name: str, path: Path, info: TokenizerInfo) -> TiktokenTokenizer:
        """A Mistral tekken JSON, loaded by mistral-common (ids are shifted past its special tokens)."""
        tekken_mod = require("mistral_common.tokens.tokenizers.tekken", "tokenizers")
        try:
            tek = tekken_mod.Tekkenizer.from_file(path)  # type: ignore[attr-defined]
        except (ValueError, KeyError, AssertionError, OSError) as exc:
            raise SovauditError(
                f"{path} is not a tekken tokenizer ({exc})", "pass a mistral tekken .json"
            ) from exc
        # Tekkenizer.encode(s, bos=False, eos=False) == [i + num_special_tokens for i in _model.encode(s)];
        # using its tiktoken model directly lets us batch (tests check the two agree).
        return cls(name, tek._model, sha256_file(path), info, id_offset=tek.num_special_tokens)

    def _prep(self, text: str) -> str:
        return unicodedata.normalize(self._normalize, text) if self._normalize else text  # type: ignore[arg-type]

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (no special tokens)."""
        ids: list[int] = self._enc.encode_ordinary(self._prep(text))
        return [i + self._offset for i in ids] if self._offset else ids

    def _ranks_batch(self, texts: list[str]) -> list[list[int]]:
        """tiktoken's ids (before the id offset) of each text, encoded on all available CPUs."""
        batch: list[list[int]] = self._enc.encode_ordinary_batch(
            [self._prep(t) for t in texts], num_threads=threads()
        )
        return batch

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, encoded on all available CPUs."""
        batch = self._ranks_batch(texts)
        if self._offset:
            return [[i + self._offset for i in ids] for ids in batch]
        return batch

    def count_batch(self, texts: list[str]) -> list[tuple[int, int]]:
        """``(tokens, 0)`` of each text (no id offset applied: counting does not need it)."""
        return [(len(ids), 0) for ids in self._ranks_batch(texts)]

    def count_fallback(self, ids: list[int]) -> int:
        """Always 0: byte-level BPE has no unknown or fallback tokens."""
        return 0
