"""A bundle's manifest: SHA-256 of every input and output, settings and version, signed with Ed25519.

``manifest.json`` (canonical JSON, keys sorted) records

- ``inputs``: what the caller names (assets, model files, data, packs) as ``(path, kind)``: each file's path
  (``$SOVAUDIT_HOME/...`` inside the asset cache, else absolute), name, kind, size and SHA-256 (a folder is
  recorded file by file, ``name/relative/path``);
- ``files``: every file in the bundle folder, walked recursively, with its relative path, size and SHA-256 --
  everything except the top-level ``manifest.json`` and ``manifest.sig`` themselves, shard results and
  completion markers included (a tampered ``.done`` marker could make a resumed run skip work). Sealing
  refuses a bundle that holds a symbolic link, FIFO, device or socket (one line naming it, exit 2): the
  manifest records content, never a link or its target path, so a sealed bundle is a closed world;
- ``settings``, ``sovaudit_version``, ``created_at`` and the signer's public key.

``manifest.sig`` is the base64 Ed25519 signature of the exact bytes of ``manifest.json``.
Verification (who signed, whether that key is trusted, every file, inputs only on request) is in
:mod:`sovaudit.bundle.verify`; its names are re-exported here.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .. import __version__
from ..errors import SovauditError
from ..portable import portable_path
from ..results import write_files_atomic
from ..safeio import hash_regular, kind_of
from . import keys as _keys
from .hashing import HashCache
from .verify import MANIFEST, SIGNATURE, VerifyReport, read_manifest, verify_bundle

__all__ = ["MANIFEST", "SIGNATURE", "VerifyReport", "bundle_files", "read_manifest", "verify_bundle"]

FORMAT = "sovaudit-bundle/1"
EXCLUDED = frozenset({MANIFEST, SIGNATURE})  # top level only

InputSpec = tuple[str | Path, str]  # (path, kind)
MAX_BUNDLE_FILE = 1 << 40  # 1 TiB: a bound on any one file's read, far above any real bundle file


def _entry(path: Path, digest: str) -> dict[str, Any]:
    return {"sha256": digest, "size": path.stat().st_size}


def _refuse(path: Path, what: str) -> SovauditError:
    return SovauditError(
        f"cannot seal: {path} is a {what}; a bundle holds only regular files (its manifest records "
        "content, never a link)",
        "replace it by a copy of the file it stands for (cp --dereference), or remove it",
    )


def bundle_files(bundle_dir: Path, hash_files: bool = True) -> dict[str, dict[str, Any]]:
    """``relative path -> {sha256, size}`` for every file under ``bundle_dir``; a symbolic link (to a file
    or a folder), FIFO, device or socket is refused with :class:`SovauditError` (nothing is followed)."""
    out: dict[str, dict[str, Any]] = {}
    for root, dirs, files in os.walk(bundle_dir, followlinks=False):
        base = Path(root)
        for name in [*dirs, *files]:
            p = base / name
            rel = p.relative_to(bundle_dir).as_posix()
            mode = os.lstat(p).st_mode
            if stat.S_ISDIR(mode) or rel in EXCLUDED:
                continue
            if not stat.S_ISREG(mode):
                raise _refuse(p, kind_of(mode))
            if hash_files:
                try:
                    digest, size = hash_regular(p, MAX_BUNDLE_FILE)
                except OSError as exc:
                    raise SovauditError(
                        f"cannot seal: {p} cannot be read ({exc.strerror or exc})", "make it readable"
                    ) from exc
                out[rel] = {"sha256": digest, "size": size}
            else:
                out[rel] = {"size": p.lstat().st_size}
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
    from .run_inputs import check_and_list

    named = {str(Path(p).resolve()) for p, _ in inputs}
    recorded = [(p, k) for p, k in check_and_list(bundle, cache) if str(Path(p).resolve()) not in named]
    records = hash_inputs([*inputs, *recorded], cache)
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
