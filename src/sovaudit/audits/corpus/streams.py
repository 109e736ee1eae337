"""Byte streams under the readers: decompression that notices truncation, capped lines, decoding, hashing.

Lines are read as bytes with a cap (a huge line is cut for identification and its full length counted),
decoded as UTF-8 with replacement (U+FFFD insertions are counted), and a truncated ``.gz`` or ``.zst`` file
raises :class:`TruncatedInput`, so its shard is counted and skipped.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ...errors import require

BOM = b"\xef\xbb\xbf"


class TruncatedInput(Exception):
    """A file ended early or cannot be decoded: the shard is counted and skipped."""


class _ZstdRaw(io.RawIOBase):
    """Streaming zstd decoder that notices a truncated stream (the zstandard reader ends silently)."""

    def __init__(self, f: BinaryIO) -> None:
        self._zstd: Any = require("zstandard", "corpus")
        zstd: Any = self._zstd
        self._f = f
        self._d = zstd.ZstdDecompressor().decompressobj()
        self._buf = b""
        self._frames = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            chunk = self._f.read(1 << 16)
            if not chunk:
                if not self._d.eof and (self._frames == 0 or self._pending):
                    raise TruncatedInput("zstd stream ends before the end of its frame")
                return 0
            self._pending = True
            try:
                self._buf = self._d.decompress(chunk)
            except self._zstd.ZstdError as exc:
                raise TruncatedInput(f"zstd: {exc}") from exc
            while self._d.eof:
                self._frames += 1
                self._pending = False
                rest = self._d.unused_data
                self._d = self._zstd.ZstdDecompressor().decompressobj()
                if not rest:
                    break
                self._pending = True
                try:  # the bytes after a frame: another frame, or damage
                    self._buf += self._d.decompress(rest)
                except self._zstd.ZstdError as exc:
                    raise TruncatedInput(f"zstd: {exc}") from exc
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    _pending = False


def open_binary(path: Path, comp: str) -> BinaryIO:
    """A buffered binary reader over the decompressed bytes of ``path``."""
    if comp == "gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if comp == "zst":
        raw = path.open("rb")
        return io.BufferedReader(_ZstdRaw(raw), buffer_size=1 << 16)
    return path.open("rb")


def read_lines(
    f: BinaryIO, start: int, end: int, cap: int, read: dict[str, int]
) -> Iterator[tuple[bytes, int]]:
    """``(line bytes up to cap, full length)`` for each line starting in ``[start, end)``."""
    pos = start
    if start > 0:
        f.seek(start - 1)
        pos = start - 1 + len(f.readline())
    bom = start == 0  # a UTF-8 byte order mark opening the file is not text (nor JSON)
    while end < 0 or pos < end:
        line = f.readline(cap)
        if not line:
            return
        if bom:
            bom = False
            if line.startswith(BOM):
                pos += len(BOM)
                line = line[len(BOM) :]
                if not line:
                    continue
        full = len(line)
        if full >= cap and not line.endswith(b"\n"):
            read["capped_lines"] += 1
            while True:
                rest = f.readline(cap)
                full += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            line = trim_partial_utf8(line)  # the cut must not leave half a character (a U+FFFD)
        pos += full
        yield line, full


def trim_partial_utf8(data: bytes) -> bytes:
    """``data`` without an incomplete UTF-8 sequence at its end (where a cap cut a character)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:  # a lead byte: keep its sequence only if it is complete
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if need <= back else data[:-back]
    return data


def decode(line: bytes, read: dict[str, int]) -> str:
    """UTF-8 decode with replacement, counting the U+FFFD characters it had to insert."""
    text = line.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        read["replacement_chars"] += text.count("\ufffd") - line.count(b"\xef\xbf\xbd")
    return text


def corpus_fingerprint(files: list[Path], probe: int = 1 << 16) -> str:
    """Hex SHA-256 over each file's name relative to their common folder, size, and first/last 64 KiB.

    Cheap (never reads a whole corpus) yet changes with any edit that touches a file's size, head or tail;
    it does not depend on where the corpus lies or on modification times, so copies hash the same.
    """
    root = Path(os.path.commonpath([str(f.parent) for f in files])) if files else Path()
    h = hashlib.sha256()
    for f in files:
        size = f.stat().st_size
        h.update(f"{f.relative_to(root).as_posix()}\0{size}\0".encode())
        try:
            with f.open("rb") as fh:
                h.update(fh.read(probe))
                if size > probe:
                    fh.seek(max(probe, size - probe))
                    h.update(fh.read(probe))
        except OSError:  # unreadable: its shard is counted and skipped; name and size still identify it
            h.update(b"\0unreadable\0")
    return h.hexdigest()
