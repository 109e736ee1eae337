"""``verify``: who signed a bundle, whether that key is trusted, and whether every file is as signed.

The bundle is a closed world. :func:`verify_bundle`

1. reads ``manifest.json`` and ``manifest.sig`` as regular files only (bounded sizes) and checks the
   signature against the keys this user trusts (``--key``, else the keyring of :mod:`.trust`), never
   against the key the manifest names -- that one only tells *who* signed when nobody trusted did;
2. walks the bundle without following links (``lstat``): a symbolic link, FIFO, device or socket anywhere
   in it is named as changed and never opened (sealing refuses them, so a sealed bundle holds none);
3. opens only the regular files found by that walk (never a path the manifest names), with
   ``O_NOFOLLOW | O_NONBLOCK`` and an ``fstat`` check, reading at most the recorded size plus one byte;
4. checks ``inputs`` only when the caller names the folder where they live (``--inputs DIR``) and the
   manifest is signed by a trusted key: each input is looked up by its recorded name *inside* that
   folder (``$SOVAUDIT_HOME/x`` -> ``DIR/x``), never at the absolute path the manifest records;
5. stops at a time limit (``max_seconds``), reporting what it could not check.

Verdicts and exit codes: ``intact`` (0), ``CHANGED`` (1: a file differs, the signature fails, or the time
limit stopped the check), ``UNTRUSTED`` (3: every file as signed, the signature valid, but by a key this
user does not trust).
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..errors import SovauditError
from ..portable import HOME_PREFIX
from ..safeio import (
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    Deadline,
    NotRegularFile,
    TimeLimit,
    hash_regular,
    inside,
    kind_of,
    open_regular,
    read_regular,
)
from . import keys as _keys
from .hashing import HashCache
from .layout import MANIFEST, SIGNATURE
from .trust import TrustedKey, trusted_keys

EXIT_UNTRUSTED = 3
DEFAULT_MAX_SECONDS = 3600.0


@dataclass
class VerifyReport:
    """What :func:`verify_bundle` found; ``ok`` when a trusted key signed and nothing differs."""

    bundle: Path
    signature: str = "missing"  # valid | untrusted | invalid | missing | wrong-key
    signer: str = ""  # fingerprint of the key that made the signature (else the one the manifest names)
    signer_label: str = ""
    trusted_by: str = ""  # "--key" or "keyring" when a trusted key made the signature
    expected_signer: str = ""  # fingerprint(s) of --key
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    inputs_missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: str = ""  # why the check stopped early (time limit)
    special: list[str] = field(default_factory=list)  # links, FIFOs, devices, sockets found (never read)
    files_checked: int = 0
    bytes_checked: int = 0

    @property
    def intact(self) -> bool:
        """Every file (and checked input) as the manifest records, with a valid signature by *some* key."""
        return self.signature in ("valid", "untrusted") and not (
            self.changed or self.removed or self.added or self.inputs_changed or self.incomplete
        )

    @property
    def ok(self) -> bool:
        """Intact and signed by a trusted key."""
        return self.intact and self.signature == "valid"

    @property
    def verdict(self) -> str:
        """``intact``, ``UNTRUSTED`` or ``CHANGED``."""
        return "intact" if self.ok else ("UNTRUSTED" if self.intact else "CHANGED")

    @property
    def exit_code(self) -> int:
        """0 intact, 3 intact but signed by an untrusted key, 1 otherwise."""
        return 0 if self.ok else (EXIT_UNTRUSTED if self.intact else 1)

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
        out += [f"input not found (not checked): {p}" for p in self.inputs_missing]
        if self.incomplete:
            out.append(f"not checked: {self.incomplete}")
        out += self.notes
        if self.signature == "valid":
            who = f" ({self.signer_label})" if self.signer_label else ""
            out.append(f"signature: valid, key {self.signer}{who}, trusted (by {self.trusted_by})")
        elif self.signature == "untrusted":
            out.append(f"signature valid, but by an untrusted key {self.signer}: pass --key or `keys trust`")
        out.append(f"signer: {self.signer or 'unknown'} (trust: {self.trust})")
        out.append(f"checked {self.files_checked} files, {self.bytes_checked / 1e6:.1f} MB")
        return out

    @property
    def trust(self) -> str:
        """``trusted``, ``untrusted`` or ``none`` (no valid signature)."""
        return {"valid": "trusted", "untrusted": "untrusted"}.get(self.signature, "none")


def read_manifest(bundle: Path) -> tuple[bytes, dict[str, Any] | None]:
    """The manifest's raw bytes and its parsed content (``None`` if it is not a manifest)."""
    path = bundle / MANIFEST
    if not bundle.is_dir():
        raise SovauditError(f"bundle {bundle} is not a folder", "pass the folder holding manifest.json")
    if not os.path.lexists(path):
        raise SovauditError(f"no {MANIFEST} in {bundle}", "pass a bundle written by a sovaudit run")
    data = read_regular(path, MAX_MANIFEST_BYTES)
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return data, None
    return data, parsed if isinstance(parsed, dict) and isinstance(parsed.get("files"), dict) else None


def _named_signer(manifest: dict[str, Any] | None) -> Ed25519PublicKey | None:
    try:
        return _keys.public_from_b64(str((manifest or {}).get("signer", {}).get("public_key", "")))
    except (ValueError, AttributeError):
        return None


def _check_signature(
    report: VerifyReport,
    data: bytes,
    manifest: dict[str, Any] | None,
    given: list[Ed25519PublicKey],
    trusted: list[TrustedKey] | None,
) -> None:
    named = _named_signer(manifest)
    report.signer = _keys.fingerprint(named) if named is not None else ""
    report.expected_signer = ", ".join(_keys.fingerprint(k) for k in given)
    try:
        sig = read_regular(report.bundle / SIGNATURE, MAX_SIGNATURE_BYTES).decode("ascii", "replace")
    except FileNotFoundError:
        report.signature = "missing"
        return
    except (OSError, ValueError) as exc:
        report.signature = "invalid"
        report.notes.append(f"{SIGNATURE} cannot be read ({exc})")
        return
    if not _keys.canonical_signature(sig):
        report.signature = "invalid"
        report.notes.append(f"{SIGNATURE} is not one base64 signature and a newline, as sovaudit writes it")
        return
    candidates = [TrustedKey(_keys.fingerprint(k), _keys.public_b64(k), "") for k in given]
    source = "--key"
    if not given:
        candidates = trusted if trusted is not None else trusted_keys()
        source = "keyring"
    for k in candidates:
        if _keys.check(k.key(), data, sig):
            report.signature, report.signer, report.signer_label = "valid", k.fingerprint, k.label
            report.trusted_by = source
            return
    if named is not None and _keys.check(named, data, sig):
        report.signature = "wrong-key" if given else "untrusted"
    else:
        report.signature = "invalid"


def _walk(bundle: Path, deadline: Deadline) -> dict[str, os.stat_result]:
    """``relative path -> lstat`` of everything in the bundle (links listed, never followed)."""
    out: dict[str, os.stat_result] = {}
    for root, dirs, files in os.walk(bundle, followlinks=False):
        deadline.check()
        base = Path(root)
        for name in [*dirs, *files]:
            p = base / name
            st = os.lstat(p)
            if name in dirs and stat.S_ISDIR(st.st_mode):
                continue  # a real folder: walked into
            rel = p.relative_to(bundle).as_posix()
            if rel not in (MANIFEST, SIGNATURE):
                out[rel] = st
    return out


def _compare_files(report: VerifyReport, recorded: dict[str, Any], deadline: Deadline) -> None:
    actual = _walk(report.bundle, deadline)
    report.removed = sorted(set(recorded) - set(actual))
    for rel in sorted(actual):
        st = actual[rel]
        if not stat.S_ISREG(st.st_mode):
            what = kind_of(st.st_mode)
            tail = "; verify never follows links" if stat.S_ISLNK(st.st_mode) else ""
            line = f"{rel} ({what}: never read{tail})"
            report.special.append(rel)
            (report.changed if rel in recorded else report.added).append(line)
            continue
        if rel not in recorded:
            report.added.append(rel)
            continue
        want = recorded[rel]
        if not isinstance(want, dict) or "sha256" not in want or want.get("size") != st.st_size:
            report.changed.append(rel)
            continue
        deadline.check()
        try:
            digest, n = hash_regular(report.bundle / rel, int(st.st_size), deadline)
        except NotRegularFile as exc:
            report.changed.append(f"{rel} ({exc.kind}: never read)")
            continue
        except OSError as exc:
            report.changed.append(f"{rel} (cannot be read: {exc.strerror or exc})")
            continue
        report.files_checked += 1
        report.bytes_checked += n
        if digest != want.get("sha256") or n != want.get("size"):
            report.changed.append(rel)


def _input_path(rec: dict[str, Any], inputs_dir: Path) -> Path | None:
    """Where a recorded input is looked for inside ``inputs_dir`` (``None``: it would leave the folder)."""
    recorded = str(rec.get("path", ""))
    rel = recorded[len(HOME_PREFIX) :] if recorded.startswith(HOME_PREFIX) else str(rec.get("name", ""))
    parts = Path(rel).parts
    if not rel or Path(rel).is_absolute() or ".." in parts:
        return None
    path = inputs_dir / rel
    return path if inside(inputs_dir, path) else None


def _check_inputs(
    report: VerifyReport, inputs: list[Any], inputs_dir: Path, use_cache: bool, deadline: Deadline
) -> None:
    cache = HashCache(enabled=use_cache)
    for rec in inputs:
        if not isinstance(rec, dict):
            continue
        deadline.check()
        label = f"{rec.get('name', '?')} ({rec.get('kind', '?')})"
        path = _input_path(rec, inputs_dir)
        if path is None:
            report.inputs_missing.append(f"{label} (its recorded name leads out of {inputs_dir})")
            continue
        try:
            os.close(open_regular(path))
            size = path.stat().st_size
            same = size == rec.get("size") and cache.sha256(path) == rec.get("sha256")
        except FileNotFoundError:
            report.inputs_missing.append(f"{label} (no {path})")
            continue
        except OSError as exc:
            report.inputs_missing.append(f"{label} (cannot be read: {exc.strerror or exc})")
            continue
        report.files_checked += 1
        report.bytes_checked += size
        if not same:
            report.inputs_changed.append(f"{label} at {path}")
    cache.save()


def verify_bundle(
    bundle_dir: str | Path,
    key: Ed25519PublicKey | str | Path | list[Ed25519PublicKey | str | Path] | None = None,
    check_inputs: bool = True,
    use_cache: bool = True,
    inputs_dir: str | Path | None = None,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
    trusted: list[TrustedKey] | None = None,
) -> VerifyReport:
    """Check who signed, the signature, every bundle file, and (with ``inputs_dir``) the inputs.

    ``key``: the trusted key(s) (``None``: this user's keyring, see :mod:`.trust`). ``trusted`` replaces the
    keyring (tests). Raises :class:`SovauditError` only for usage errors (not a folder, no manifest,
    unreadable key, an inputs folder that does not exist).
    """
    bundle = Path(bundle_dir)
    raw: list[Ed25519PublicKey | str | Path] = [] if key is None else key if isinstance(key, list) else [key]
    given = [_keys.load_public_key(k) if isinstance(k, str | Path) else k for k in raw]
    report = VerifyReport(bundle)
    deadline = Deadline(max_seconds)
    try:
        data, manifest = read_manifest(bundle)
    except NotRegularFile as exc:
        report.changed.append(f"{MANIFEST} (not a regular file: {exc.kind}; never read)")
        report.signature = "invalid"
        return report
    except ValueError as exc:  # larger than any manifest
        report.changed.append(f"{MANIFEST} ({exc})")
        report.signature = "invalid"
        return report
    except OSError as exc:
        where = bundle / MANIFEST
        raise SovauditError(f"cannot read {where}: {exc.strerror or exc}", "pass a readable bundle") from exc
    _check_signature(report, data, manifest, given, trusted)
    if manifest is None:
        report.changed.append(f"{MANIFEST} (not a sovaudit manifest)")
        return report
    try:
        _compare_files(report, manifest["files"], deadline)
        from .sealed import verify_hook  # a sealed bundle: item trees, public forms (issue 22, sealed.py)

        verify_hook(bundle, manifest, report)
        if inputs_dir is not None and check_inputs:
            folder = Path(inputs_dir)
            if not folder.is_dir():
                raise SovauditError(f"--inputs {folder} is not a folder", "pass the folder of the inputs")
            if report.signature == "valid":
                _check_inputs(report, manifest.get("inputs") or [], folder, use_cache, deadline)
            else:
                report.notes.append("inputs not checked: the manifest is not signed by a trusted key")
        elif manifest.get("inputs"):
            n = len(manifest["inputs"])
            report.notes.append(f"inputs not checked ({n} recorded): pass --inputs DIR to check them")
    except TimeLimit as exc:
        report.incomplete = f"{exc}; the rest of the bundle was not checked"
    return report
