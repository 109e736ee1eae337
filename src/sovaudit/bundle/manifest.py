"""A bundle's manifest: SHA-256 of every input and output, settings and version, signed with Ed25519.

``manifest.json`` (canonical JSON, keys sorted) records

- ``inputs``: what the caller names (assets, model files, data, packs) as ``(path, kind)``: each file's path
  (``$SOVAUDIT_HOME/...`` inside the asset cache, else absolute), name, kind, size and SHA-256 (a folder is
  recorded file by file, ``name/relative/path``);
- ``files``: every file in the bundle folder, walked recursively, with its relative path, size and SHA-256 --
  everything except the top-level ``manifest.json`` and ``manifest.sig`` themselves, shard results and
  completion markers included (a tampered ``.done`` marker could make a resumed run skip work); a symbolic
  link is recorded by its target, never followed;
- ``settings``, ``sovaudit_version``, ``created_at`` and the signer's public key.

``manifest.sig`` is the base64 Ed25519 signature of the exact bytes of ``manifest.json``.
:func:`verify_bundle` checks the signature (against ``--key`` when given, else against the key the manifest
names, which proves integrity but not who signed), rehashes every file and names each one that was
changed, removed or added, and rehashes the inputs still found at their recorded paths.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import __version__
from ..errors import SovauditError
from ..results import write_files_atomic
from . import keys as _keys
from .hashing import HashCache, sha256_path

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "sovaudit-bundle/1"
EXCLUDED = frozenset({MANIFEST, SIGNATURE})  # top level only

InputSpec = tuple[str | Path, str]  # (path, kind)
HOME_PREFIX = "$SOVAUDIT_HOME/"


def portable_path(path: Path) -> str:
    """``$SOVAUDIT_HOME/...`` for a file in the asset cache (so another machine finds its own copy and the
    manifest does not reveal the signer's home folder); the absolute path otherwise."""
    from ..assets.store import home

    resolved = path.resolve()
    try:
        return HOME_PREFIX + resolved.relative_to(home().resolve()).as_posix()
    except ValueError:
        return str(resolved)


def local_path(text: str) -> Path:
    """Inverse of :func:`portable_path` on this machine."""
    from ..assets.store import home

    return home() / text[len(HOME_PREFIX) :] if text.startswith(HOME_PREFIX) else Path(text)


def _entry(path: Path, digest: str) -> dict[str, Any]:
    return {"sha256": digest, "size": path.stat().st_size}


def bundle_files(bundle_dir: Path, hash_files: bool = True) -> dict[str, dict[str, Any]]:
    """``relative path -> {sha256, size}`` (or ``{link}``) for every file under ``bundle_dir``."""
    out: dict[str, dict[str, Any]] = {}
    for root, dirs, files in os.walk(bundle_dir, followlinks=False):
        base = Path(root)
        for name in dirs:
            if (base / name).is_symlink():
                out[(base / name).relative_to(bundle_dir).as_posix()] = {"link": os.readlink(base / name)}
        for name in files:
            p = base / name
            rel = p.relative_to(bundle_dir).as_posix()
            if rel in EXCLUDED:
                continue
            if p.is_symlink():
                out[rel] = {"link": os.readlink(p)}
            elif hash_files:
                out[rel] = _entry(p, sha256_path(p))
            else:
                out[rel] = {"size": p.stat().st_size}
    return dict(sorted(out.items()))


def hash_inputs(inputs: Sequence[InputSpec], cache: HashCache) -> list[dict[str, Any]]:
    """One record per input file (a folder: one per file inside, sorted), hashed through ``cache``."""
    records: list[dict[str, Any]] = []
    for raw_path, kind in inputs:
        path = Path(raw_path)
        if path.is_dir():
            for sub in sorted(q for q in path.rglob("*") if q.is_file()):
                rel = sub.relative_to(path).as_posix()
                records.append(
                    {
                        "name": f"{path.name}/{rel}",
                        "kind": kind,
                        "path": portable_path(sub),
                        **_entry(sub, cache.sha256(sub)),
                    }
                )
        elif path.is_file():
            records.append(
                {
                    "name": path.name,
                    "kind": kind,
                    "path": portable_path(path),
                    **_entry(path, cache.sha256(path)),
                }
            )
        else:
            raise SovauditError(f"input {path} ({kind}) does not exist", "pass an existing file or folder")
    return records


def canonical(data: Mapping[str, Any]) -> bytes:
    """The manifest's bytes: sorted keys, one space indent, UTF-8, final newline."""
    return (json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(
    bundle_dir: str | Path,
    inputs: Sequence[InputSpec] = (),
    settings: Mapping[str, Any] | None = None,
    key: Ed25519PrivateKey | str | Path | None = None,
    use_cache: bool = True,
) -> Path:
    """Hash inputs and every bundle file, write ``manifest.json`` and sign it into ``manifest.sig``.

    ``key``: a private key or its PEM file; ``None`` uses this user's key (``$SOVAUDIT_HOME/keys``, made on
    first use). Returns the manifest's path. Call it last, when every output is in the bundle.
    """
    bundle = Path(bundle_dir)
    if not bundle.is_dir():
        raise SovauditError(f"bundle folder {bundle} does not exist", "pass the output folder of a run")
    if key is None:
        private = _keys.default_key()
    elif isinstance(key, Ed25519PrivateKey):
        private = key
    else:
        private = _keys.load_private_key(key)
    cache = HashCache(enabled=use_cache)
    records = hash_inputs(inputs, cache)
    cache.save()
    pub = private.public_key()
    manifest = {
        "format": FORMAT,
        "sovaudit_version": __version__,
        "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "settings": dict(settings or {}),
        "inputs": records,
        "files": bundle_files(bundle),
        "signer": {
            "algorithm": "ed25519",
            "public_key": _keys.public_b64(pub),
            "fingerprint": _keys.fingerprint(pub),
        },
    }
    data = canonical(manifest)
    path = bundle / MANIFEST
    try:
        write_files_atomic({path: data.decode("utf-8"), bundle / SIGNATURE: _keys.sign(private, data) + "\n"})
    except OSError as exc:
        raise SovauditError(
            f"cannot write {path}: {exc.strerror or exc}", "pass a writable bundle folder"
        ) from exc
    return path


@dataclass
class VerifyReport:
    """What :func:`verify_bundle` found; ``ok`` when the signature holds and nothing differs."""

    bundle: Path
    signature: str = "missing"  # valid | invalid | missing | wrong-key
    signer: str = ""  # fingerprint of the key the manifest names
    expected_signer: str = ""  # fingerprint of --key, when given
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    inputs_missing: list[str] = field(default_factory=list)
    files_checked: int = 0
    bytes_checked: int = 0

    @property
    def ok(self) -> bool:
        """Signature valid and every file and present input as recorded."""
        return self.signature == "valid" and not (
            self.changed or self.removed or self.added or self.inputs_changed
        )

    def lines(self) -> list[str]:
        """Human-readable findings, one per line (problems first)."""
        out = []
        if self.signature == "missing":
            out.append(f"removed: {SIGNATURE} (the bundle is not signed)")
        elif self.signature == "invalid":
            out.append(f"changed: {MANIFEST} (its signature in {SIGNATURE} does not match)")
        elif self.signature == "wrong-key":
            out.append(
                f"changed: {MANIFEST} (signed by key {self.signer}, "
                f"not by the given key {self.expected_signer})"
            )
        out += [f"changed: {p}" for p in self.changed]
        out += [f"removed: {p}" for p in self.removed]
        out += [f"added: {p}" for p in self.added]
        out += [f"changed input: {p}" for p in self.inputs_changed]
        out += [f"input not on this machine (not checked): {p}" for p in self.inputs_missing]
        if self.signature == "valid":
            who = (
                "the given key"
                if self.expected_signer
                else "the key the manifest names (pass --key to check who)"
            )
            out.append(f"signature: valid, key {self.signer} ({who})")
        out.append(f"checked {self.files_checked} files, {self.bytes_checked / 1e6:.1f} MB")
        return out


def read_manifest(bundle: Path) -> tuple[bytes, dict[str, Any] | None]:
    """The manifest's raw bytes and its parsed content (``None`` if it is not a manifest)."""
    path = bundle / MANIFEST
    if not bundle.is_dir():
        raise SovauditError(f"bundle {bundle} is not a folder", "pass the folder holding manifest.json")
    if not path.is_file():
        raise SovauditError(f"no {MANIFEST} in {bundle}", "pass a bundle written by a sovaudit run")
    data = path.read_bytes()
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return data, None
    return data, parsed if isinstance(parsed, dict) and isinstance(parsed.get("files"), dict) else None


def _check_signature(
    report: VerifyReport,
    bundle: Path,
    data: bytes,
    manifest: dict[str, Any] | None,
    key: Ed25519PublicKey | None,
) -> None:
    signer: Ed25519PublicKey | None = None
    try:
        signer = _keys.public_from_b64(str((manifest or {}).get("signer", {}).get("public_key", "")))
        report.signer = _keys.fingerprint(signer)
    except (ValueError, AttributeError):
        signer = None
    if key is not None:
        report.expected_signer = _keys.fingerprint(key)
    sig_path = bundle / SIGNATURE
    if not sig_path.is_file():
        report.signature = "missing"
        return
    sig = sig_path.read_text(encoding="ascii", errors="replace")
    check_with = key or signer
    if check_with is not None and _keys.check(check_with, data, sig):
        report.signature = "valid"
    elif key is not None and signer is not None and _keys.check(signer, data, sig):
        report.signature = "wrong-key"
    else:
        report.signature = "invalid"


def verify_bundle(
    bundle_dir: str | Path,
    key: Ed25519PublicKey | str | Path | None = None,
    check_inputs: bool = True,
    use_cache: bool = True,
) -> VerifyReport:
    """Check the signature, every bundle file and the inputs found at their recorded paths.

    Raises :class:`SovauditError` only for usage errors (not a folder, no manifest, unreadable key).
    """
    bundle = Path(bundle_dir)
    pub = _keys.load_public_key(key) if isinstance(key, str | Path) else key
    data, manifest = read_manifest(bundle)
    report = VerifyReport(bundle)
    _check_signature(report, bundle, data, manifest, pub)
    if manifest is None:
        report.changed.append(f"{MANIFEST} (not a sovaudit manifest)")
        return report
    recorded: dict[str, Any] = manifest["files"]
    actual = bundle_files(bundle, hash_files=False)
    report.removed = sorted(set(recorded) - set(actual))
    report.added = sorted(set(actual) - set(recorded))
    for rel in sorted(set(recorded) & set(actual)):
        want, have = recorded[rel], actual[rel]
        if not isinstance(want, dict):
            report.changed.append(rel)
            continue
        if "link" in want or "link" in have:
            if want.get("link") != have.get("link"):
                report.changed.append(rel)
            continue
        report.files_checked += 1
        report.bytes_checked += int(have["size"])
        if want.get("size") != have["size"]:
            report.changed.append(rel)
            continue
        try:
            same = want.get("sha256") == sha256_path(bundle / rel)
        except OSError as exc:
            report.changed.append(f"{rel} (cannot be read: {exc.strerror or exc})")
            continue
        if not same:
            report.changed.append(rel)
    if check_inputs:
        _check_inputs(report, manifest.get("inputs") or [], use_cache)
    return report


def _check_inputs(report: VerifyReport, inputs: list[Any], use_cache: bool) -> None:
    cache = HashCache(enabled=use_cache)
    for rec in inputs:
        if not isinstance(rec, dict):
            continue
        label = f"{rec.get('name', '?')} ({rec.get('kind', '?')}) at {rec.get('path', '?')}"
        path = local_path(str(rec.get("path", "")))
        if not rec.get("path") or not path.is_file():
            report.inputs_missing.append(label)
            continue
        report.files_checked += 1
        report.bytes_checked += path.stat().st_size
        try:
            same = cache.sha256(path) == rec.get("sha256")
        except OSError as exc:
            report.inputs_missing.append(f"{label} (cannot be read: {exc.strerror or exc})")
            continue
        if not same:
            report.inputs_changed.append(label)
    cache.save()
