"""Tampered bundles, as an adversary makes them: each case with its verdict and exit code, in bounded time.

The first nine rows are the cases of issue 23 (where they concern a bundle); the rest are their variants
(a file added, replaced by a link, a FIFO / socket / device, a folder replaced by a link, time limit).
An audit hook records every file the verifier opens: nothing outside the bundle (and the keyring) is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bundle_fixtures import make_run

from sovaudit.bundle import keys as _keys
from sovaudit.bundle import new_key_pair, trust, write_manifest
from sovaudit.bundle.manifest import canonical
from sovaudit.cli import main
from sovaudit.errors import SovauditError

RESULTS = "tiny/run-a/results.json"
_OPENED: list[str] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _OPENED is not None and isinstance(args[0], str | bytes | os.PathLike):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_hook)


class World:
    """A sealed bundle signed by the trusted key, the attacker's key, and a place outside the bundle."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.key, self.pub = new_key_pair(tmp / "keys")
        self.evil, self.evil_pub = new_key_pair(tmp / "evil")
        trust(self.pub)
        self.b = tmp / "bundle"
        make_run(self.b / "tiny" / "run-a")
        (self.b / "tokenizers").mkdir()
        (self.b / "tokenizers" / "notes.txt").write_text("hello\n", encoding="utf-8")
        write_manifest(self.b, [], {"country": "KE"}, key=self.key)
        self.outside = tmp / "outside"
        self.outside.mkdir()

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.b / "manifest.json").read_text(encoding="utf-8"))

    def sign(self, manifest: dict[str, Any], key_path: Path | None = None) -> None:
        """Write ``manifest`` and sign it (as the attacker, or as older sovaudit did, with the real key)."""
        private = _keys.load_private_key(key_path or self.key)
        manifest["signer"] = {
            "algorithm": "ed25519",
            "public_key": _keys.public_b64(private.public_key()),
            "fingerprint": _keys.fingerprint(private.public_key()),
        }
        data = canonical(manifest)
        (self.b / "manifest.json").write_bytes(data)
        (self.b / "manifest.sig").write_text(_keys.sign(private, data) + "\n", encoding="ascii")

    def relink(self, rel: str) -> Path:
        """Move ``rel`` outside the bundle and leave a symbolic link to it in its place."""
        target = self.outside / Path(rel).name
        shutil.move(str(self.b / rel), target)
        (self.b / rel).symlink_to(target)
        return target


def _entry(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


# -- the tamperings --------------------------------------------------------------------------------------


def resigned_by_other_key(w: World) -> list[str]:
    """Issue case 1: a number edited, its hash updated, the attacker's key put in as signer, re-signed."""
    path = w.b / RESULTS
    data = path.read_bytes().replace(b'"bytes_per_char"', b'"bytes_per_chaR"', 1)
    path.write_bytes(data)
    m = w.manifest()
    m["files"][RESULTS] = _entry(data)
    w.sign(m, w.evil)
    return []


def resigned_checked_with_key(w: World) -> list[str]:
    resigned_by_other_key(w)
    return ["--key", str(w.pub)]


def signed_symlink_out(w: World) -> list[str]:
    """Issue case 2: results.json a link to a file outside, signed (as the old manifest recorded links)."""
    target = w.relink(RESULTS)
    m = w.manifest()
    m["files"][RESULTS] = {"link": str(target)}
    w.sign(m)
    target.write_bytes(target.read_bytes().replace(b'"bytes_per_char"', b'"bytes_per_chaR"', 1))
    return []


def signed_fifo(w: World) -> list[str]:
    """Issue case 3: a FIFO listed with size 0 and the SHA-256 of empty input, signed."""
    os.mkfifo(w.b / "tokenizers" / "pipe")
    m = w.manifest()
    m["files"]["tokenizers/pipe"] = _entry(b"")
    w.sign(m)
    return []


def unsigned_fifo(w: World) -> list[str]:
    """Issue case 3, the signature already failed: the FIFO is still never opened."""
    os.mkfifo(w.b / "tokenizers" / "pipe")
    m = w.manifest()
    m["files"]["tokenizers/pipe"] = _entry(b"")
    (w.b / "manifest.json").write_bytes(canonical(m))
    return []


def input_etc_passwd(w: World) -> list[str]:
    """Issue case 4: inputs naming /etc/passwd and $SOVAUDIT_HOME/../../../etc/shadow, correct hashes, signed:
    without --inputs nothing outside the bundle is read."""
    secret = w.outside / "passwd"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    m = w.manifest()
    m["inputs"] = [
        {"name": "passwd", "kind": "data", "path": str(secret), **_entry(secret.read_bytes())},
        {"name": "shadow", "kind": "data", "path": "$SOVAUDIT_HOME/../../../etc/shadow", **_entry(b"x")},
    ]
    w.sign(m)
    return []


def input_etc_passwd_with_inputs_dir(w: World) -> list[str]:
    """With --inputs DIR each input is looked up by name inside DIR only; a name leading out is refused."""
    input_etc_passwd(w)
    (w.tmp / "inputs").mkdir()
    return ["--inputs", str(w.tmp / "inputs")]


def file_added(w: World) -> list[str]:
    (w.b / "tiny" / "extra.json").write_text("{}", encoding="utf-8")
    return []


def file_replaced_by_link(w: World) -> list[str]:
    w.relink(RESULTS)  # the same bytes, behind a link: still refused
    return []


def folder_replaced_by_link(w: World) -> list[str]:
    w.relink("tokenizers")
    return []


def symlink_added(w: World) -> list[str]:
    (w.b / "passwd").symlink_to("/etc/passwd")
    return []


def fifo_added(w: World) -> list[str]:
    os.mkfifo(w.b / "pipe")
    return []


def socket_added(w: World) -> list[str]:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(w.b / "sock"))
    s.close()
    return []


def manifest_is_fifo(w: World) -> list[str]:
    (w.b / "manifest.json").unlink()
    os.mkfifo(w.b / "manifest.json")
    return []


def signature_is_fifo(w: World) -> list[str]:
    (w.b / "manifest.sig").unlink()
    os.mkfifo(w.b / "manifest.sig")
    return []


def manifest_is_link(w: World) -> list[str]:
    w.relink("manifest.json")
    return []


def hash_edited_unsigned(w: World) -> list[str]:
    m = w.manifest()
    m["files"][RESULTS] = _entry(b"{}")
    (w.b / RESULTS).write_bytes(b"{}")
    (w.b / "manifest.json").write_bytes(canonical(m))
    return []


def untrusted_but_intact(w: World) -> list[str]:
    os.unlink(os.environ["SOVAUDIT_KEYRING"])
    return []


def time_limit(w: World) -> list[str]:
    (w.b / "big.bin").write_bytes(os.urandom(8 << 20))
    write_manifest(w.b, [], {}, key=w.key)
    return ["--max-seconds", "0.001"]


CASES: list[tuple[str, Callable[[World], list[str]], int, str]] = [
    (
        "1 re-signed by another key, keyring",
        resigned_by_other_key,
        3,
        "signature valid, but by an untrusted key",
    ),
    (
        "1 re-signed by another key, --key",
        resigned_checked_with_key,
        1,
        "changed: manifest.json (signed by key",
    ),
    ("2 signed symlink out of the bundle", signed_symlink_out, 1, f"changed: {RESULTS} (symbolic link"),
    ("3 signed FIFO", signed_fifo, 1, "changed: tokenizers/pipe (FIFO: never read)"),
    ("3 FIFO, signature failed", unsigned_fifo, 1, "changed: tokenizers/pipe (FIFO: never read)"),
    ("4 inputs /etc/passwd, not asked", input_etc_passwd, 0, "inputs not checked (2 recorded)"),
    (
        "4 inputs /etc/passwd, --inputs",
        input_etc_passwd_with_inputs_dir,
        0,
        "shadow (data) (its recorded name leads out",
    ),
    ("file added", file_added, 1, "added: tiny/extra.json"),
    ("file replaced by a link", file_replaced_by_link, 1, f"changed: {RESULTS} (symbolic link"),
    ("folder replaced by a link", folder_replaced_by_link, 1, "added: tokenizers (symbolic link"),
    ("symlink to /etc/passwd added", symlink_added, 1, "added: passwd (symbolic link"),
    ("FIFO added", fifo_added, 1, "added: pipe (FIFO: never read)"),
    ("socket added", socket_added, 1, "added: sock (socket: never read)"),
    ("manifest.json is a FIFO", manifest_is_fifo, 1, "changed: manifest.json (not a regular file: FIFO"),
    ("manifest.sig is a FIFO", signature_is_fifo, 1, "changed: manifest.json (its signature"),
    (
        "manifest.json is a link",
        manifest_is_link,
        1,
        "changed: manifest.json (not a regular file: symbolic link",
    ),
    ("hash edited, not re-signed", hash_edited_unsigned, 1, "changed: manifest.json (its signature"),
    ("intact, signer not trusted", untrusted_but_intact, 3, "signature valid, but by an untrusted key"),
    ("time limit", time_limit, 1, "not checked: time limit"),
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("name", "tamper", "code", "says"), CASES, ids=[c[0] for c in CASES])
def test_tampered_bundle_verdict(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    tamper: Callable[[World], list[str]],
    code: int,
    says: str,
) -> None:
    global _OPENED
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    w = World(tmp_path)
    assert main(["verify", str(w.b)]) == 0, capsys.readouterr()
    capsys.readouterr()
    extra = tamper(w)
    _OPENED = []
    try:
        got = main(["verify", str(w.b), *extra])
    finally:
        opened, _OPENED = _OPENED, None
    out = capsys.readouterr()
    assert got == code, (name, out)
    assert says in out.out, (name, out.out)
    inside = [str(tmp_path / d) for d in ("home", "keys", "inputs")]
    allowed = (str(w.b), os.environ["SOVAUDIT_KEYRING"], *inside)
    outside = [p for p in opened if p.startswith(str(tmp_path)) and not p.startswith(allowed)]
    assert outside == [], (name, outside)  # nothing outside the bundle was opened
    if code == 3:
        fingerprint = _keys.fingerprint(_keys.load_public_key(w.evil_pub if "another" in name else w.pub))
        assert f"untrusted key {fingerprint}" in out.err and len(out.err.strip().splitlines()) == 1


@pytest.mark.timeout(20)
def test_sealing_refuses_links_fifos_and_sockets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    key, _ = new_key_pair(tmp_path / "keys")
    for make in (
        lambda p: p.symlink_to("/etc/passwd"),
        lambda p: p.symlink_to(tmp_path),  # a link to a folder
        os.mkfifo,
    ):
        b = tmp_path / f"b{len(list(tmp_path.iterdir()))}"
        b.mkdir()
        (b / "results.json").write_text("{}", encoding="utf-8")
        make(b / "odd")
        with pytest.raises(SovauditError, match=r"cannot seal: .*odd is a"):
            write_manifest(b, [], {}, key=key)
        assert not (b / "manifest.json").exists()


@pytest.mark.timeout(20)
def test_report_never_follows_a_link_out_of_the_bundle(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    w = World(tmp_path)
    w.relink(RESULTS)
    assert main(["report", str(w.b / "tiny" / "run-a"), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "symbolic link" in err and len(err.strip().splitlines()) == 1
    (w.b / RESULTS).unlink()
    os.mkfifo(w.b / RESULTS)  # a FIFO: refused at once, never waited on
    assert main(["report", str(w.b / "tiny" / "run-a"), "--out", str(tmp_path / "r.html")]) == 2
