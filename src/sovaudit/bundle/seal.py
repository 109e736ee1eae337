"""``seal``, ``redact`` and ``disclose``: the writer side of sealed bundles (see :mod:`.sealed`).

- :func:`seal` commits to every per-item record of every run in a folder, writes the salts into
  ``private/salts.json`` and signs a manifest whose ``sealed`` block names each tree's root and size (and,
  with ``fmt="in-toto"``, also writes the statement as a DSSE envelope, :mod:`.intoto`);
- :func:`redact` writes the public copy: no private folder, secret items replaced by their commitments,
  the same signed manifest -- ``sovaudit verify PUBLIC --key PUB`` checks it without any secret;
- :func:`disclose` gives one item's record, salt, commitment and RFC 9162 inclusion proof;
  :func:`check_disclosure` checks such a proof (against a bundle's signed root, when given).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .. import __version__
from ..errors import SovauditError
from ..results import write_files_atomic
from . import keys as _keys
from . import merkle
from .commitments import commitment
from .sealed import (
    COMMITMENTS,
    PRIVATE_DIR,
    RESULTS,
    SALTS,
    SEAL_FORMAT,
    Tree,
    _in,
    _read_json,
    dump_json,
    item_runs,
    load_salts,
    make_tree,
    public_forms,
    salts_file,
)

FORMATS = ("in-toto",)


def _private_key(key: Ed25519PrivateKey | str | Path | None) -> Ed25519PrivateKey:
    if key is None:
        return _keys.default_key()
    return key if isinstance(key, Ed25519PrivateKey) else _keys.load_private_key(key)


def _write_private(bundle: Path, text: str) -> None:
    folder = bundle / PRIVATE_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    path = bundle / SALTS
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


def _sha(text: str) -> dict[str, Any]:
    data = text.encode("utf-8")
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def seal(
    bundle_dir: str | Path,
    key: Ed25519PrivateKey | str | Path | None = None,
    fmt: str | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Seal a run folder (or a folder of runs): commitments, salts, signed roots. Returns the manifest path.

    Salts already in ``private/salts.json`` are kept for runs whose per-item log has as many items, so
    sealing again (e.g. to add ``--format in-toto``) keeps the roots and earlier disclosures valid. The
    inputs and settings of an earlier manifest are kept as they were recorded.
    """
    from .manifest import FORMAT, MANIFEST, SIGNATURE, bundle_files, canonical

    bundle = Path(bundle_dir)
    if not bundle.is_dir():
        raise SovauditError(f"bundle folder {bundle} does not exist", "pass the output folder of a run")
    if fmt is not None and fmt not in FORMATS:
        raise SovauditError(f"unknown format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    private = _private_key(key)
    old_salts = load_salts(bundle)
    runs = item_runs(bundle)
    if not runs:
        raise SovauditError(
            f"no run with a per-item log in {bundle}", "seal the output folder of an audit run"
        )
    trees: list[Tree] = []
    salts: dict[str, list[bytes]] = {}
    forms: dict[str, str] = {}
    for run in runs:
        rel = run.relative_to(bundle).as_posix() if run != bundle else "."
        tree, salts[rel] = make_tree(bundle, run, old_salts.get(rel))
        trees.append(tree)
        if tree.visibility == "secret":
            forms.update(public_forms(bundle, tree))
        if log:
            what = f"{tree.audit}, {tree.visibility}, {len(tree.ids)} items"
            log(f"sealed: {rel} ({what}, root {tree.root.hex()})")
    write_files_atomic({bundle / _in(t.run, COMMITMENTS): dump_json(t.file()) for t in trees})
    _write_private(bundle, salts_file(salts))
    old = _read_json(bundle / MANIFEST) if (bundle / MANIFEST).is_file() else {}
    old = old if isinstance(old, dict) else {}
    sealed = {
        "format": SEAL_FORMAT,
        "trees": {t.run: t.manifest_entry() for t in trees},
        "public_forms": {rel: _sha(text) for rel, text in sorted(forms.items())},
        "private": [SALTS],
    }
    pub = private.public_key()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "sovaudit_version": __version__,
        "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "settings": old.get("settings") if isinstance(old.get("settings"), dict) else {},
        "inputs": old.get("inputs") if isinstance(old.get("inputs"), list) else [],
        "signer": {
            "algorithm": "ed25519",
            "public_key": _keys.public_b64(pub),
            "fingerprint": _keys.fingerprint(pub),
        },
        "sealed": sealed,
    }
    if fmt == "in-toto":
        _write_envelope(bundle, manifest, forms, private)
    else:
        from .intoto import ENVELOPE

        (bundle / ENVELOPE).unlink(missing_ok=True)  # an earlier seal's statement would no longer hold
    manifest["files"] = bundle_files(bundle)
    data = canonical(manifest)
    write_files_atomic(
        {bundle / MANIFEST: data.decode("utf-8"), bundle / SIGNATURE: _keys.sign(private, data) + "\n"}
    )
    return bundle / MANIFEST


def _write_envelope(
    bundle: Path, manifest: dict[str, Any], forms: dict[str, str], key: Ed25519PrivateKey
) -> None:
    from . import intoto
    from .manifest import bundle_files

    (bundle / intoto.ENVELOPE).unlink(missing_ok=True)
    subjects = {
        rel: (_sha(forms[rel])["sha256"] if rel in forms else rec["sha256"])
        for rel, rec in bundle_files(bundle).items()
        if not rel.startswith(PRIVATE_DIR + "/") and "sha256" in rec
    }
    predicate = {
        k: manifest[k] for k in ("format", "sovaudit_version", "created_at", "settings", "inputs", "signer")
    }
    predicate["sealed"] = manifest["sealed"]
    env = intoto.envelope(intoto.statement(subjects, predicate), key)
    write_files_atomic({bundle / intoto.ENVELOPE: json.dumps(env, indent=1) + "\n"})


def _sealed_block(bundle: Path) -> dict[str, Any]:
    from .manifest import MANIFEST

    manifest = _read_json(bundle / MANIFEST) if (bundle / MANIFEST).is_file() else None
    sealed = manifest.get("sealed") if isinstance(manifest, dict) else None
    if not isinstance(sealed, dict):
        raise SovauditError(
            f"{bundle} is not a sealed bundle", f"seal it first: sovaudit bundle seal {bundle}"
        )
    return sealed


def redact(bundle_dir: str | Path, out: str | Path, log: Callable[[str], None] | None = None) -> Path:
    """Write the public copy of a sealed bundle into ``out`` (which must not exist): the private folder
    left out, every file of a secret run that holds items replaced by its signed public form."""
    bundle, dest = Path(bundle_dir), Path(out)
    sealed = _sealed_block(bundle)
    if not (bundle / SALTS).is_file():
        raise SovauditError(f"{bundle} has no {SALTS}: it is already a public copy", "redact the full bundle")
    if dest.exists():
        raise SovauditError(f"{dest} already exists", "pass a new folder to --out")
    if dest.resolve().is_relative_to(bundle.resolve()):
        raise SovauditError(f"{dest} is inside the bundle", "pass a folder outside the bundle")
    forms: dict[str, str] = {}
    for run_rel, entry in (sealed.get("trees") or {}).items():
        if entry.get("visibility") == "secret":
            forms.update(public_forms(bundle, Tree.load(bundle, run_rel)))
    shutil.copytree(
        bundle, dest, symlinks=True, ignore=lambda d, names: [PRIVATE_DIR] if Path(d) == bundle else []
    )
    for rel, text in forms.items():
        (dest / rel).write_text(text, encoding="utf-8")
        if log:
            log(f"redacted: {rel}")
    return dest


PROOF_KEYS = (
    "audit",
    "item_id",
    "record",
    "salt",
    "commitment",
    "leaf_index",
    "tree_size",
    "audit_path",
    "root",
)


def disclose(bundle_dir: str | Path, item: str, run: str | None = None) -> dict[str, Any]:
    """The proof of one item of a full sealed bundle: ``item`` is its id (``id:language`` for a pack item)
    or ``#N``, its place in the per-item log; ``run`` (a run folder's relative path) picks among runs."""
    from .manifest import MANIFEST

    bundle = Path(bundle_dir)
    sealed = _sealed_block(bundle)
    salts = load_salts(bundle)
    if not salts:
        raise SovauditError(f"{bundle} has no {SALTS}: a public copy cannot disclose", "use the full bundle")
    hits: list[tuple[Tree, int]] = []
    for run_rel in sorted(sealed.get("trees") or {}):
        if run is not None and run_rel != run:
            continue
        tree = Tree.load(bundle, run_rel)
        for k, iid in enumerate(tree.ids):
            if iid == item or item == f"#{k}":
                hits.append((tree, k))
    if not hits:
        raise SovauditError(
            f"no item {item!r} in {bundle}", "name an item as id:language (see commitments.json) or #N"
        )
    if len(hits) > 1:
        where = ", ".join(f"{t.run} #{k}" for t, k in hits[:5])
        raise SovauditError(f"item {item!r} is in several runs ({where})", "pick one with --run")
    tree, k = hits[0]
    entry = sealed["trees"][tree.run]
    run_dir = bundle / tree.run if tree.run != "." else bundle
    record = _read_json(run_dir / RESULTS)["items"][k]
    salt = salts[tree.run][k]
    if commitment(salt, record) != tree.commitments[k] or tree.root.hex() != entry["root"]:
        raise SovauditError(
            f"{bundle} does not match its seal", "run sovaudit verify on it, and seal it again"
        )
    hashes = [merkle.leaf_hash(c) for c in tree.commitments]
    return {
        "audit": tree.audit,
        "run": tree.run,
        "item_id": tree.ids[k],
        "record": record,
        "salt": salt.hex(),
        "commitment": tree.commitments[k].hex(),
        "leaf_index": k,
        "tree_size": len(hashes),
        "audit_path": [h.hex() for h in merkle.inclusion_proof(hashes, k)],
        "root": entry["root"],
        "manifest_sha256": hashlib.sha256((bundle / MANIFEST).read_bytes()).hexdigest(),
    }


def check_disclosure(proof: dict[str, Any], bundle_dir: str | Path | None = None) -> list[str]:
    """What is wrong with a disclosure proof (empty: it holds). With ``bundle_dir``, its root and size must
    also be the ones the bundle's manifest names for that run (verify the bundle's signature separately)."""
    missing = [k for k in PROOF_KEYS if k not in proof]
    if missing:
        return [f"the proof lacks {', '.join(missing)}"]
    try:
        c = commitment(bytes.fromhex(proof["salt"]), proof["record"])
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        root = bytes.fromhex(proof["root"])
        index, size = int(proof["leaf_index"]), int(proof["tree_size"])
    except (TypeError, ValueError) as exc:
        return [f"the proof is malformed ({exc})"]
    problems = []
    if c.hex() != proof["commitment"]:
        problems.append("the record and salt do not give the commitment")
    if not merkle.verify_inclusion(index, size, merkle.leaf_hash(c), path, root):
        problems.append("the audit path does not lead from the commitment to the root")
    if bundle_dir is not None:
        entry = (_sealed_block(Path(bundle_dir)).get("trees") or {}).get(proof.get("run", "."))
        if not isinstance(entry, dict) or entry.get("root") != proof["root"] or entry.get("size") != size:
            problems.append("the root and size are not the ones the bundle's manifest signs")
    return problems


__all__ = ["check_disclosure", "disclose", "redact", "seal"]
