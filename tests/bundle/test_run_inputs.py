"""Sealing checks and signs the inputs the runs recorded; ``verify --inputs DIR`` checks them again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sovaudit.bundle.manifest import read_manifest, write_manifest
from sovaudit.bundle.verify import verify_bundle
from sovaudit.errors import SovauditError
from sovaudit.runner import RunOptions, run_audit


def _corpus(path: Path) -> Path:
    path.write_text("id\teng\tfra\ns1\tAll are equal.\tTous sont égaux.\n", encoding="utf-8")
    return path


def _edit(path: Path) -> None:
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"equal", b"eqval"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))


def test_recorded_inputs_are_signed_and_checked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    corpus = _corpus(data / "c.tsv")
    out = tmp_path / "run"
    run_audit("tokenizers", {"corpus": f"tsv:{corpus}", "tokenizers": ("bytes",)}, RunOptions(out))
    key = Ed25519PrivateKey.generate()
    write_manifest(out, key=key)
    manifest = read_manifest(out)[1]
    assert manifest is not None
    recorded = [r for r in manifest["inputs"] if r["name"] == "c.tsv"]
    assert len(recorded) == 1 and recorded[0]["kind"] == "file:corpus"
    pub = key.public_key()
    assert verify_bundle(out, pub, inputs_dir=data).ok
    _edit(corpus)  # same size, same mtime: only its content tells
    report = verify_bundle(out, pub, inputs_dir=data)
    assert not report.ok and report.inputs_changed and "c.tsv" in report.inputs_changed[0]


def test_sealing_refuses_a_run_whose_input_changed_since(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.tsv")
    out = tmp_path / "run"
    run_audit("tokenizers", {"corpus": f"tsv:{corpus}", "tokenizers": ("bytes",)}, RunOptions(out))
    _edit(corpus)
    with pytest.raises(SovauditError, match=r"changed since that run .*rerun that audit"):
        write_manifest(out, key=Ed25519PrivateKey.generate())
