"""The asset store on archives the test makes: hash pinning, extraction, verification, offline install."""

import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from sovaudit.assets import Asset, AssetStore, Source
from sovaudit.assets.catalogue import catalogue
from sovaudit.errors import AssetError


def _tgz(path: Path, members: dict[str, bytes]) -> str:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store(
    tmp_path: Path, digest: str, archive: str = "pkg-1.0.0.tgz", files: list[str] | None = None
) -> AssetStore:
    asset = Asset(
        name="toy",
        kind="corpus",
        license="MIT",
        origin="made by the test",
        sources=[Source(registry="npm", package="pkg", version="1.0.0", archive=archive, sha256=digest)],
        files=files if files is not None else ["package/data/*.txt"],
    )
    return AssetStore(root=tmp_path / "home", archives_from=tmp_path / "usb", assets={"toy": asset})


def test_install_from_local_archives_extracts_only_wanted_files(tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    digest = _tgz(
        tmp_path / "usb" / "pkg-1.0.0.tgz",
        {"package/data/a.txt": b"hello", "package/data/b.txt": b"world", "package/index.js": b"x"},
    )
    store = _store(tmp_path, digest)
    assert not store.is_installed("toy")
    store.install("toy")
    assert store.is_installed("toy")
    assert store.path("toy", "package/data/a.txt").read_bytes() == b"hello"
    assert not (store.asset_dir("toy") / "package/index.js").exists()
    assert store.verify("toy") == []
    assert store.record("toy").sha256 == digest


def test_hash_mismatch_is_refused_and_nothing_installed(tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    _tgz(tmp_path / "usb" / "pkg-1.0.0.tgz", {"package/data/a.txt": b"tampered"})
    store = _store(tmp_path, "0" * 64)
    with pytest.raises(AssetError, match="SHA-256"):
        store.install("toy")
    assert not store.is_installed("toy")


def test_verify_detects_a_modified_file(tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    digest = _tgz(tmp_path / "usb" / "pkg-1.0.0.tgz", {"package/data/a.txt": b"hello"})
    store = _store(tmp_path, digest)
    store.install("toy")
    (store.asset_dir("toy") / "package/data/a.txt").write_bytes(b"changed")
    assert any("modified" in p for p in store.verify("toy"))
    with pytest.raises(AssetError, match=r"asset toy: package/data/a.txt was modified") as err:
        store.check("toy")
    assert "sovaudit assets install --force toy" in str(err.value) and "\n" not in str(err.value)


def test_check_passes_an_intact_asset(tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    digest = _tgz(tmp_path / "usb" / "pkg-1.0.0.tgz", {"package/data/a.txt": b"hello"})
    store = _store(tmp_path, digest)
    store.install("toy")
    store.check("toy")  # no error


def test_zip_archives_and_path_traversal(tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    whl = tmp_path / "usb" / "pkg-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.writestr("../evil.txt", b"x")
    digest = hashlib.sha256(whl.read_bytes()).hexdigest()
    store = _store(tmp_path, digest, archive=whl.name, files=[])
    with pytest.raises(AssetError, match="outside the asset folder"):
        store.install("toy")


def test_missing_npm_gives_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm here
    store = _store(tmp_path, "0" * 64)
    store.archives_from = None
    with pytest.raises(AssetError, match="npm is needed") as err:
        store.install("toy")
    assert "\n" not in str(err.value)


def test_unknown_asset_lists_known_names(tmp_path: Path) -> None:
    store = _store(tmp_path, "0" * 64)
    with pytest.raises(AssetError, match="known assets: toy"):
        store.path("nope")


def test_home_respects_sovaudit_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sovaudit.assets import home

    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path))
    assert home() == tmp_path
    monkeypatch.delenv("SOVAUDIT_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert home() == tmp_path / "xdg" / "sovaudit"


def test_packaged_catalogue_is_valid_and_pinned() -> None:
    cat = catalogue()
    assert {"udhr", "gemma3-270m", "smollm2-135m"} <= set(cat)
    for asset in cat.values():
        assert asset.license and asset.origin
        for src in asset.sources:
            assert len(src.sha256) == 64 and all(c in "0123456789abcdef" for c in src.sha256)
            assert src.version and src.archive
    assert os.sep not in "".join(a.name for a in cat.values())
