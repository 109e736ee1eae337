"""Authorship: trusted keys come from ``--key`` or the user's keyring, never from the bundle; ``report`` and
``compare`` show who signed and whether that key is trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_fixtures import make_run

from sovaudit.bundle import new_key_pair, write_manifest
from sovaudit.bundle.keys import fingerprint, load_public_key
from sovaudit.bundle.trust import keyring_path, signer_status, trusted_keys
from sovaudit.cli import main


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, str]:
    key, pub = new_key_pair(tmp_path / "publisher")
    b = tmp_path / "bundle"
    make_run(b / "tiny" / "run-a")
    write_manifest(b, [], {"country": "KE"}, key=key)
    return b, pub, fingerprint(load_public_key(pub))


@pytest.mark.timeout(20)
def test_keys_trust_list_untrust(signed, capsys, _keyring: Path) -> None:
    b, pub, fp = signed
    assert keyring_path() == _keyring
    assert main(["keys", "list"]) == 0
    assert "no trusted keys" in capsys.readouterr().out
    assert main(["keys", "trust", str(pub), "--label", "ministry"]) == 0
    assert f"trusted: key {fp} (ministry)" in capsys.readouterr().out
    assert main(["keys", "trust", str(pub)]) == 0
    assert "already trusted" in capsys.readouterr().out
    assert json.loads(_keyring.read_text())["keys"][0]["fingerprint"] == fp
    assert main(["keys", "list"]) == 0
    assert f"{fp}  ministry" in capsys.readouterr().out
    assert main(["verify", str(b)]) == 0
    out = capsys.readouterr().out
    assert f"signature: valid, key {fp} (ministry), trusted (by keyring)" in out
    assert f"signer: {fp} (trust: trusted)" in out
    assert main(["keys", "untrust", fp]) == 0 and main(["keys", "untrust", fp]) == 2
    capsys.readouterr()
    assert main(["verify", str(b)]) == 3
    out, err = capsys.readouterr()
    assert f"signer: {fp} (trust: untrusted)" in out and "verify: UNTRUSTED" in out
    assert err.strip() == (
        f"sovaudit: error: signature valid, but by an untrusted key {fp}: pass --key or `keys trust` — "
        "check the fingerprint with the publisher before `sovaudit keys trust THEIR.pub`"
    )
    assert main(["verify", str(b), "--key", str(pub)]) == 0
    assert "trusted (by --key)" in capsys.readouterr().out


@pytest.mark.timeout(20)
def test_the_users_own_signing_key_is_trusted(tmp_path: Path, capsys) -> None:
    b = tmp_path / "own"
    make_run(b)
    write_manifest(b, [], {})  # this user's key, made on first use under SOVAUDIT_HOME
    assert [k.label for k in trusted_keys()] == ["your own signing key"]
    assert main(["verify", str(b)]) == 0


@pytest.mark.timeout(20)
def test_a_damaged_keyring_is_one_line(tmp_path: Path, signed, capsys, _keyring: Path) -> None:
    _keyring.parent.mkdir(parents=True)
    _keyring.write_text('{"keys": [{"fingerprint": "00", "public_key": "AAAA"}]}')
    assert main(["verify", str(signed[0])]) == 2
    err = capsys.readouterr().err.strip()
    assert "keyring" in err and len(err.splitlines()) == 1


@pytest.mark.timeout(30)
def test_report_and_compare_show_signer_and_trust(tmp_path: Path, signed, capsys) -> None:
    b, pub, fp = signed
    assert signer_status(b).state == "untrusted" and signer_status(b).fingerprint == fp
    assert main(["report", str(b / "tiny" / "run-a"), "--out", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text()
    assert f"signed by UNTRUSTED key {fp}" in html
    assert main(["compare", str(b), "--out", str(tmp_path / "c.html")]) == 0
    assert f"signed by UNTRUSTED key {fp}" in capsys.readouterr().out
    assert f"signed by UNTRUSTED key {fp}" in (tmp_path / "c.html").read_text()
    assert main(["keys", "trust", str(pub)]) == 0
    assert main(["report", str(b / "tiny" / "run-a"), "--out", str(tmp_path / "r.html")]) == 0
    assert f"signed by trusted key {fp} (sovaudit.pub)" in (tmp_path / "r.html").read_text()
    assert main(["compare", str(b), "--out", str(tmp_path / "c.html")]) == 0
    html = (tmp_path / "c.html").read_text()
    assert f"signed by trusted key {fp}" in html and "KE" in html
    (b / "tiny" / "run-a" / "rows.csv").write_text("x")  # files are not rehashed here; the manifest is
    manifest = b / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"KE"', b'"ZZ"'))
    assert main(["compare", str(b), "--out", str(tmp_path / "c.html")]) == 0
    html = (tmp_path / "c.html").read_text()
    assert "signature INVALID" in html and "ZZ" not in html  # an unsigned field is not used
