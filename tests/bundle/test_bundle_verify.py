"""Signed bundles: keys, manifest, and ``sovaudit verify`` naming each changed, removed or added file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from bundle_fixtures import make_run

from sovaudit.bundle import load_private_key, new_key_pair, trust, verify_bundle, write_manifest
from sovaudit.cli import main


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    pair = new_key_pair(tmp_path / "keys")
    trust(pair[1])  # the verifier keeps the publisher's key in the keyring
    return pair


@pytest.fixture
def bundle(tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    b = tmp_path / "bundle"
    make_run(b / "tiny" / "run-a")
    (b / "report.html").write_text("<html>report</html>", encoding="utf-8")
    model = tmp_path / "model.bin"
    model.write_bytes(b"weights" * 1000)
    write_manifest(b, [(model, "model")], {"country": "KE"}, key=keys[0])
    return b


def _files(bundle: Path) -> list[str]:
    return sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())


def _verify(bundle: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["verify", str(bundle), *extra])
    return code, capsys.readouterr().out


def test_keys_new_writes_a_private_key_0600_and_refuses_to_overwrite(tmp_path, capsys) -> None:
    out = tmp_path / "k"
    assert main(["keys", "new", "--out", str(out)]) == 0
    assert stat.S_IMODE((out / "sovaudit.key").stat().st_mode) == 0o600
    assert "fingerprint" in capsys.readouterr().out
    before = (out / "sovaudit.key").read_bytes()
    assert main(["keys", "new", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "already exists" in err and len(err.splitlines()) == 1
    assert (out / "sovaudit.key").read_bytes() == before


def test_intact_bundle_verifies(bundle, keys, capsys) -> None:
    code, out = _verify(bundle, capsys, "--key", str(keys[1]))
    assert code == 0, out
    assert "verify: intact" in out and "signature: valid" in out
    assert {"spec.json", "results.json", "rows.csv"} <= {Path(f).name for f in _files(bundle)}


def test_every_file_with_one_byte_changed_is_named(bundle, keys, capsys) -> None:
    for rel in _files(bundle):
        path = bundle / rel
        original = path.read_bytes()
        data = bytearray(original)
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        try:
            code, out = _verify(bundle, capsys, "--key", str(keys[1]))
            assert code == 1, rel
            expected = "manifest.json" if rel in ("manifest.json", "manifest.sig") else rel
            assert f"changed: {expected}" in out, (rel, out)
        finally:
            path.write_bytes(original)
    assert _verify(bundle, capsys)[0] == 0


def test_removed_and_added_files_are_named(bundle, capsys) -> None:
    shard = next((bundle / "tiny" / "run-a" / "shards").glob("*.json"))
    shard.rename(bundle / "moved.json")
    code, out = _verify(bundle, capsys)
    assert code == 1
    assert f"removed: {shard.relative_to(bundle).as_posix()}" in out and "added: moved.json" in out
    (bundle / "moved.json").rename(shard)
    (bundle / "manifest.sig").unlink()
    code, out = _verify(bundle, capsys)
    assert code == 1 and "removed: manifest.sig" in out


def test_a_manifest_signed_by_another_key_fails_with_the_given_key(bundle, keys, tmp_path, capsys) -> None:
    other, _ = new_key_pair(tmp_path / "other")
    (bundle / "report.html").write_text("<html>doctored</html>", encoding="utf-8")
    write_manifest(bundle, [], {"country": "KE"}, key=other)  # the forger re-signs the whole bundle
    code, out = _verify(bundle, capsys, "--key", str(keys[1]))
    assert code == 1 and "changed: manifest.json (signed by key" in out
    code, out = _verify(bundle, capsys)  # without --key: the keyring, never the key the bundle names
    assert code == 3 and "signature valid, but by an untrusted key" in out


def test_changed_input_is_named_and_a_missing_one_is_only_reported(bundle, tmp_path, capsys) -> None:
    model = tmp_path / "model.bin"
    model.write_bytes(b"weights" * 999 + b"xxxxxxx")
    code, out = _verify(bundle, capsys)
    assert code == 0 and "inputs not checked (1 recorded): pass --inputs DIR" in out  # read only on request
    code, out = _verify(bundle, capsys, "--inputs", str(tmp_path))
    assert code == 1 and "changed input: model.bin (model)" in out
    model.unlink()
    code, out = _verify(bundle, capsys, "--inputs", str(tmp_path))
    assert code == 0 and "input not found (not checked): model.bin" in out


@pytest.mark.parametrize("what", ["no-folder", "no-manifest"])
def test_usage_errors_exit_2_in_one_line(tmp_path, capsys, what) -> None:
    target = tmp_path / "nothing"
    if what == "no-manifest":
        target.mkdir()
    assert main(["verify", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "sovaudit: error:" in err


def test_verify_of_a_50_mb_bundle(tmp_path, keys) -> None:
    b = tmp_path / "big"
    b.mkdir()
    (b / "weights.bin").write_bytes(os.urandom(50 * 1024 * 1024))
    (b / "results.json").write_text("{}", encoding="utf-8")
    outside = tmp_path / "model.safetensors"
    outside.write_bytes(os.urandom(50 * 1024 * 1024))
    t0 = time.perf_counter()
    write_manifest(b, [(outside, "model")], {}, key=load_private_key(keys[0]))
    t1 = time.perf_counter()
    report = verify_bundle(b, keys[1], inputs_dir=tmp_path)
    t2 = time.perf_counter()
    again = verify_bundle(b, keys[1], inputs_dir=tmp_path)  # the input outside comes from the hash cache
    t3 = time.perf_counter()
    assert report.ok and again.ok
    print(f"\nmanifest {t1 - t0:.2f} s, verify {t2 - t1:.2f} s, verify again {t3 - t2:.2f} s (100 MB)")


def test_inputs_in_the_asset_cache_are_found_in_the_verifiers_cache(tmp_path, keys, monkeypatch) -> None:
    home = tmp_path / "home"
    asset = home / "assets" / "tiny-model" / "model.bin"
    asset.parent.mkdir(parents=True)
    asset.write_bytes(b"weights")
    b = tmp_path / "b"
    b.mkdir()
    write_manifest(b, [(asset.parent, "model")], {}, key=keys[0])
    manifest = json.loads((b / "manifest.json").read_text())
    assert manifest["inputs"] == [
        {
            "name": "tiny-model/model.bin",
            "kind": "model",
            "path": "$SOVAUDIT_HOME/assets/tiny-model/model.bin",
            "sha256": hashlib.sha256(b"weights").hexdigest(),
            "size": 7,
        }
    ]
    other = tmp_path / "other-home"  # another machine, its own copy of the asset
    shutil.copytree(home / "assets", other / "assets")
    monkeypatch.setenv("SOVAUDIT_HOME", str(other))
    assert verify_bundle(b, keys[1], inputs_dir=other).ok
    (other / "assets" / "tiny-model" / "model.bin").write_bytes(b"weightz")
    assert verify_bundle(b, keys[1], inputs_dir=other).inputs_changed == [
        f"tiny-model/model.bin (model) at {other / 'assets' / 'tiny-model' / 'model.bin'}"
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_an_unreadable_file_is_named_not_a_crash(bundle, capsys) -> None:
    target = bundle / "report.html"
    target.chmod(0)
    try:
        code, out = _verify(bundle, capsys)
    finally:
        target.chmod(0o644)
    assert code == 1 and "changed: report.html (cannot be read" in out
