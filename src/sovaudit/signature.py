"""Signatures: one string that names the data, the subject, the settings and the version of a result.

Format (fixed by a test): ``key:value`` parts joined by ``|``; a value that stands for hashed content is
written ``name@<first 8 hex of its sha256>``, e.g.
``corpus:udhr@3f2a9c1b|tok:cl100k_base@9b1e07aa|ref:eng|v:0.1.0``.
Modelled on sacrebleu's ``Signature``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from . import __version__

SHORT_HASH_LEN = 8
_CHUNK = 1 << 20  # bytes read at a time by sha256_file


def short_hash(data: bytes | str) -> str:
    """First 8 hex digits of the SHA-256 of ``data`` (str is UTF-8 encoded)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:SHORT_HASH_LEN]


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def hashed(name: str, digest: str) -> str:
    """``name@abcd1234`` from a full or short hex digest."""
    return f"{name}@{digest[:SHORT_HASH_LEN]}"


def make_signature(parts: Iterable[tuple[str, str]], version: str = __version__) -> str:
    """Join ``(key, value)`` parts into a signature string and append the sovaudit version."""
    items = [f"{key}:{value}" for key, value in parts]
    for item in items:
        if "|" in item:
            raise ValueError(f"signature part {item!r} must not contain '|'")
    items.append(f"v:{version}")
    return "|".join(items)


def parse_signature(signature: str) -> list[tuple[str, str]]:
    """Split a signature back into its ``(key, value)`` parts (repeated keys are kept in order)."""
    parts = []
    for item in signature.split("|"):
        key, _, value = item.partition(":")
        parts.append((key, value))
    return parts


def with_inputs_part(signature: str, digest: str) -> str:
    """``signature`` with its ``in:`` part (the combined content digest of the run's inputs) set to
    ``digest``: inserted before the version part, or replaced if present."""
    parts = [(k, v) for k, v in parse_signature(signature) if k != "in"]
    at = next((i for i, (k, _) in enumerate(parts) if k == "v"), len(parts))
    parts.insert(at, ("in", digest[:SHORT_HASH_LEN]))
    return "|".join(f"{k}:{v}" for k, v in parts)
