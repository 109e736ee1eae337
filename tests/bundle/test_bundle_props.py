"""Property tests: any single-byte change to any file of a sealed bundle, and any file or link added or put in
place of a file, is caught by ``verify`` (small bundles: the examples run in seconds)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovaudit.bundle import verify_bundle, write_manifest

FILES = {
    "results.json": b'{"score": 0.5}\n',
    "rows.csv": b"language,score\neng,0.5\n",
    "shards/lang-eng.json": b'{"result": {"bytes": 3}}',
    "empty.txt": b"",
}
SEALED = [*FILES, "manifest.json", "manifest.sig"]
PROPS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_KEY = Ed25519PrivateKey.generate()


def _sealed(root: Path) -> Path:
    b = root / "b"
    if b.exists():
        shutil.rmtree(b)
    for rel, data in FILES.items():
        (b / rel).parent.mkdir(parents=True, exist_ok=True)
        (b / rel).write_bytes(data)
    write_manifest(b, [], {}, key=_KEY, use_cache=False)
    return b


def _ok(b: Path) -> bool:
    return verify_bundle(b, _KEY.public_key(), use_cache=False).ok


@pytest.mark.timeout(60)
@PROPS
@given(
    rel=st.sampled_from(SEALED),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    flip=st.integers(min_value=1, max_value=255),
    insert=st.booleans(),
)
def test_any_single_byte_change_is_caught(
    tmp_path: Path, rel: str, where: float, flip: int, insert: bool
) -> None:
    b = _sealed(tmp_path)
    assert _ok(b)
    path = b / rel
    data = bytearray(path.read_bytes())
    if insert or not data:  # one byte more (an empty file can only grow)
        data.insert(int(where * (len(data) + 1)), flip)
    else:
        i = int(where * len(data))
        data[i] ^= flip
    path.write_bytes(bytes(data))
    assert not _ok(b), (rel, bytes(data[:80]))


@pytest.mark.timeout(60)
@PROPS
@given(
    rel=st.sampled_from(["new.txt", "shards/new.json", "deep/er/x", ".hidden", "manifest.json.bak"]),
    kind=st.sampled_from(["file", "empty", "link-in", "link-out", "link-dir", "fifo"]),
)
def test_any_added_file_or_link_is_caught(tmp_path: Path, rel: str, kind: str) -> None:
    b = _sealed(tmp_path)
    path = b / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "file":
        path.write_bytes(b"x")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "link-in":
        path.symlink_to(b / "results.json")
    elif kind == "link-out":
        path.symlink_to("/etc/passwd")
    elif kind == "link-dir":
        path.symlink_to(b / "shards")
    else:
        os.mkfifo(path)
    report = verify_bundle(b, _KEY.public_key(), use_cache=False)
    assert not report.ok and report.added, (rel, kind)


@pytest.mark.timeout(60)
@PROPS
@given(
    rel=st.sampled_from(list(FILES)),
    kind=st.sampled_from(["same-content-link", "link-out", "fifo", "folder", "removed"]),
)
def test_any_file_replaced_is_caught(tmp_path: Path, rel: str, kind: str) -> None:
    b = _sealed(tmp_path)
    path = b / rel
    copy = tmp_path / "copy"
    shutil.copyfile(path, copy)
    path.unlink()
    if kind == "same-content-link":  # the very bytes, behind a link: still not the bundle's own file
        path.symlink_to(copy)
    elif kind == "link-out":
        path.symlink_to("/etc/passwd")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
        (path / "inside").write_bytes(copy.read_bytes())
    report = verify_bundle(b, _KEY.public_key(), use_cache=False)
    assert not report.ok, (rel, kind)
    assert rel in " ".join(report.changed + report.removed), (rel, kind, report.lines())
