"""Sealed bundles, the reading side: item trees, public forms, salts, and the check ``verify`` adds.

:func:`sovaudit.bundle.seal.seal` turns any run folder (one run, or a country audit's folder of runs) into
a sealed bundle:

- for every run with a per-item log (``results.json`` ``items``), a random 32-byte salt per item and the
  commitment ``c = SHA-256(salt || JCS(record))`` (:mod:`.commitments`); ``<run>/commitments.json`` lists
  ``{id, commitment}`` in log order, and the commitments are the leaves of an RFC 9162 Merkle tree
  (:mod:`.merkle`) whose root and size the signed ``manifest.json`` names under ``sealed.trees``;
- the salts go to ``private/salts.json``, which only the full bundle holds;
- a run is *secret* when its pack says ``visibility: secret`` (the pack audit records it in its summary);
  for its files that hold items (``results.json``, ``shards/*.json``) the manifest also signs the SHA-256
  of their *public form* -- the same JSON with each item record replaced by ``{id, commitment}``.

``redact`` writes that public copy (no salts, secret items replaced by their commitments; the signed
manifest is copied unchanged, so it needs no key). :func:`check_sealed` (here) is what ``verify`` adds for
a sealed bundle: each root recomputed from ``commitments.json``; in the full bundle each commitment
recomputed from its salt and record; in a public copy each public form as signed. ``disclose`` writes the
proof of one item: record, salt, commitment and the RFC 9162 inclusion proof against the signed root.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SovauditError
from . import merkle
from .commitments import commitment, item_id, new_salt

COMMITMENTS = "commitments.json"
PRIVATE_DIR = "private"
SALTS = f"{PRIVATE_DIR}/salts.json"
SEAL_FORMAT = "sovaudit-seal/1"
RESULTS = "results.json"
SHARDS = "shards"


def _read_json(path: Path) -> Any:
    """A JSON file of the bundle: a regular file only (no link followed, no FIFO waited on), bounded."""
    from ..safeio import MAX_RESULTS_BYTES, read_regular

    try:
        return json.loads(read_regular(path, MAX_RESULTS_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise SovauditError(f"cannot read {path} ({exc})", "pass a bundle written by sovaudit") from exc


def dump_json(data: Any) -> str:
    """How sealed files are written: one space indent, UTF-8, key order kept, final newline."""
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _rel(bundle: Path, run: Path) -> str:
    return run.relative_to(bundle).as_posix() if run != bundle else "."


def _in(run_rel: str, name: str) -> str:
    return name if run_rel == "." else f"{run_rel}/{name}"


def item_runs(bundle: Path) -> list[Path]:
    """Every run folder in the bundle whose ``results.json`` holds a per-item log, sorted."""
    runs = []
    for p in sorted(bundle.rglob(RESULTS)):
        parts = p.relative_to(bundle).parts
        if SHARDS in parts or (parts and parts[0] == PRIVATE_DIR):
            continue
        doc = _read_json(p)
        if isinstance(doc, dict) and isinstance(doc.get("items"), list) and doc["items"]:
            runs.append(p.parent)
    return runs


def run_visibility(run: Path, doc: dict[str, Any]) -> str:
    """``secret`` when the run's summary says so, or its ``spec.json`` names a pack marked secret."""
    summary = doc.get("summary") if isinstance(doc.get("summary"), dict) else {}
    if summary and summary.get("visibility") in ("secret", "public"):
        return str(summary["visibility"])
    spec_path = run / "spec.json"
    if spec_path.is_file():
        spec = _read_json(spec_path)
        pack = spec.get("spec", {}).get("pack") if isinstance(spec, dict) else None
        if isinstance(pack, str):  # a pack run made before the summary recorded visibility
            if not Path(pack).is_dir():
                raise SovauditError(
                    f"cannot tell whether the pack run {run} is secret: its pack {pack} is not found here",
                    "seal from the folder where the audit ran, or run the audit again",
                )
            from ..packs.load import load_pack

            return load_pack(pack).meta.visibility
    return "public"


def secret_runs(bundle: Path) -> list[Path]:
    """The runs of the bundle whose per-item log is secret (:func:`run_visibility`)."""
    return [run for run in item_runs(bundle) if run_visibility(run, _read_json(run / RESULTS)) == "secret"]


def redacted_runs(bundle: Path) -> list[Path]:
    """The secret runs of a public copy (no salts): their items are commitments, nothing to recompute."""
    if (bundle / SALTS).exists():
        return []
    out = []
    for path in sorted(bundle.rglob(COMMITMENTS)):
        try:
            data = _read_json(path)
        except SovauditError:
            continue
        if isinstance(data, dict) and data.get("visibility") == "secret":
            out.append(path.parent)
    return out


@dataclass
class Tree:
    """One run's commitments: the leaves of its Merkle tree, in per-item log order."""

    run: str  # relative path of the run folder ("." for the bundle itself)
    audit: str
    visibility: str
    ids: list[str]
    commitments: list[bytes]

    @property
    def root(self) -> bytes:
        """The RFC 9162 root over the commitments."""
        return merkle.root(self.commitments)

    def manifest_entry(self) -> dict[str, Any]:
        """What the signed manifest names: audit, visibility, size, root, and the commitments file."""
        return {
            "audit": self.audit,
            "visibility": self.visibility,
            "size": len(self.commitments),
            "root": self.root.hex(),
            "commitments": _in(self.run, COMMITMENTS),
        }

    def file(self) -> dict[str, Any]:
        """``commitments.json``: the leaves with their item ids."""
        return {
            "format": SEAL_FORMAT,
            "audit": self.audit,
            "visibility": self.visibility,
            "hash": "sha256(salt || RFC 8785 JSON of the record); tree: RFC 9162",
            "size": len(self.commitments),
            "root": self.root.hex(),
            "items": [
                {"id": i, "commitment": c.hex()} for i, c in zip(self.ids, self.commitments, strict=True)
            ],
        }

    @classmethod
    def load(cls, bundle: Path, run_rel: str) -> Tree:
        """Read ``<run>/commitments.json``."""
        data = _read_json(bundle / _in(run_rel, COMMITMENTS))
        try:
            items = data["items"]
            return cls(
                run_rel,
                str(data["audit"]),
                str(data["visibility"]),
                [str(x["id"]) for x in items],
                [bytes.fromhex(x["commitment"]) for x in items],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SovauditError(
                f"{bundle / _in(run_rel, COMMITMENTS)} is not a commitments file ({exc})",
                "seal the bundle again",
            ) from exc


def public_item(iid: str, c: bytes) -> dict[str, Any]:
    """What replaces a secret record in a public copy."""
    return {"id": iid, "commitment": c.hex()}


def public_forms(bundle: Path, tree: Tree) -> dict[str, str]:
    """Relative path -> public text of every file of a secret run that holds item records."""
    by_id = dict(zip(tree.ids, tree.commitments, strict=True))
    run = bundle / tree.run if tree.run != "." else bundle
    out: dict[str, str] = {}
    doc = _read_json(run / RESULTS)
    doc["items"] = [public_item(i, c) for i, c in zip(tree.ids, tree.commitments, strict=True)]
    out[_in(tree.run, RESULTS)] = dump_json(doc)
    for shard in sorted((run / SHARDS).glob("*.json")) if (run / SHARDS).is_dir() else []:
        body = _read_json(shard)
        result = body.get("result") if isinstance(body, dict) else None
        if not (isinstance(result, dict) and isinstance(result.get("items"), list)):
            continue
        items = []
        for k, rec in enumerate(result["items"]):
            iid = item_id(rec, k)
            if iid not in by_id:
                raise SovauditError(
                    f"{shard} holds item {iid!r}, which is not in {tree.run}/{RESULTS}",
                    "run the audit again so its shards and results agree, then seal",
                )
            items.append(public_item(iid, by_id[iid]))
        result["items"] = items
        out[shard.relative_to(bundle).as_posix()] = dump_json(body)
    return out


def make_tree(bundle: Path, run: Path, salts: list[bytes] | None) -> tuple[Tree, list[bytes]]:
    """Commit to every record of the run's per-item log (fresh salts unless ``salts`` fits the log)."""
    doc = _read_json(run / RESULTS)
    records = doc["items"]
    ids = [item_id(rec, k) for k, rec in enumerate(records)]
    if any(isinstance(r, dict) and "commitment" in r and len(r) == 2 for r in records):
        raise SovauditError(f"{run / RESULTS} is a public (redacted) copy", "seal the full bundle")
    visibility = run_visibility(run, doc)
    if visibility == "secret" and len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise SovauditError(f"secret run {run} has two items named {dup!r}", "give every item a unique id")
    if salts is None or len(salts) != len(records):
        salts = [new_salt() for _ in records]
    try:
        cs = [commitment(s, rec) for s, rec in zip(salts, records, strict=True)]
    except ValueError as exc:
        raise SovauditError(
            f"an item of {run / RESULTS} cannot be committed to: {exc}", "fix the run"
        ) from exc
    return Tree(_rel(bundle, run), str(doc.get("audit", "")), visibility, ids, cs), salts


def load_salts(bundle: Path) -> dict[str, list[bytes]]:
    """``run -> salts`` from ``private/salts.json`` (empty when absent: a public copy)."""
    path = bundle / SALTS
    if not path.is_file():
        return {}
    data = _read_json(path)
    try:
        return {run: [bytes.fromhex(s) for s in salts] for run, salts in data["runs"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SovauditError(f"{path} is not a salts file ({exc})", "restore it from your backup") from exc


def salts_file(salts: dict[str, list[bytes]]) -> str:
    """The text of ``private/salts.json``."""
    runs = {run: [s.hex() for s in ss] for run, ss in sorted(salts.items())}
    note = "PRIVATE: whoever holds a salt can confirm its item's record. Never publish this file."
    return dump_json({"format": SEAL_FORMAT, "note": note, "runs": runs})


@dataclass
class SealCheck:
    """What :func:`check_sealed` found."""

    problems: list[str]
    accepted: list[str]  # redacted files that match their signed public form, absent private files
    full: bool  # the salts were there: every commitment was recomputed


def check_sealed(bundle: Path, sealed: dict[str, Any], changed: list[str], removed: list[str]) -> SealCheck:
    """Check a sealed bundle against the ``sealed`` block of its (signed) manifest.

    ``changed`` / ``removed``: what the file comparison reported; a file whose text is its signed public
    form, and the private files a public copy leaves out, are accepted (returned in ``accepted``).
    """
    from ..safeio import hash_regular

    problems: list[str] = []
    accepted: list[str] = []
    forms: dict[str, Any] = sealed.get("public_forms") or {}
    private = set(sealed.get("private") or [])
    salts = load_salts(bundle) if (bundle / SALTS).is_file() else None
    for entry in changed:
        rel = entry.split(" (", 1)[0]
        want = forms.get(rel)
        if salts is not None or not isinstance(want, dict) or not isinstance(want.get("size"), int):
            continue
        try:
            digest, size = hash_regular(bundle / rel, want["size"])
        except OSError:
            continue  # not a regular file, unreadable: stays named as changed
        if (digest, size) == (want.get("sha256"), want["size"]):
            accepted.append(entry)
    accepted += [e for e in removed if e.split(" (", 1)[0] in private and salts is None]
    for run_rel, entry in sorted((sealed.get("trees") or {}).items()):
        where = _in(run_rel, COMMITMENTS)
        try:
            tree = Tree.load(bundle, run_rel)
        except SovauditError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if len(tree.commitments) != entry.get("size") or tree.root.hex() != entry.get("root"):
            problems.append(f"{where}: its Merkle root or size differs from the signed manifest")
            continue
        if salts is not None:
            problems += _check_full(bundle, tree, salts.get(run_rel), forms)
        elif tree.visibility == "secret":
            problems += _check_public(bundle, tree)
    return SealCheck(problems, accepted, salts is not None)


def _check_full(bundle: Path, tree: Tree, salts: list[bytes] | None, forms: dict[str, Any]) -> list[str]:
    import hashlib

    run = bundle / tree.run if tree.run != "." else bundle
    records = _read_json(run / RESULTS).get("items") or []
    if salts is None or len(salts) != len(records) or len(records) != len(tree.commitments):
        return [f"{_in(tree.run, RESULTS)}: its items do not match {SALTS} and {COMMITMENTS}"]
    out = []
    for k, (s, rec, c) in enumerate(zip(salts, records, tree.commitments, strict=True)):
        if commitment(s, rec) != c:
            out.append(f"{_in(tree.run, RESULTS)}: item {tree.ids[k]} does not match its commitment")
    if tree.visibility == "secret" and not out:
        for rel, text in public_forms(bundle, tree).items():
            want = forms.get(rel) or {}
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != want.get("sha256"):
                out.append(f"{rel}: its public form differs from the signed one")
    return out


def _check_public(bundle: Path, tree: Tree) -> list[str]:
    run = bundle / tree.run if tree.run != "." else bundle
    items = _read_json(run / RESULTS).get("items") or []
    want = [public_item(i, c) for i, c in zip(tree.ids, tree.commitments, strict=True)]
    return [] if items == want else [f"{_in(tree.run, RESULTS)}: its items are not the signed commitments"]


def verify_hook(bundle: Path, manifest: dict[str, Any], report: Any) -> None:
    """What ``verify`` adds for a sealed bundle (a manifest with a ``sealed`` block), on its report: the
    files a public copy holds in their signed public form and the private files it leaves out are no
    longer named; any problem with the trees, commitments or public forms is named as changed."""
    sealed = manifest.get("sealed")
    if not isinstance(sealed, dict):
        return
    if getattr(report, "special", None):
        return  # links or special files: the bundle already fails, and nothing more is read
    try:
        found = check_sealed(bundle, sealed, list(report.changed), list(report.removed))
    except SovauditError as exc:
        report.changed.append(f"{SALTS if (bundle / SALTS).exists() else COMMITMENTS} ({exc})")
        return
    report.changed[:] = [e for e in report.changed if e not in found.accepted]
    report.removed[:] = [e for e in report.removed if e not in found.accepted]
    report.changed += found.problems
    trees = sealed.get("trees") or {}
    secret = sum(1 for t in trees.values() if isinstance(t, dict) and t.get("visibility") == "secret")
    how = "every commitment recomputed from its salt" if found.full else "public copy: commitments as signed"
    if hasattr(report, "notes") and isinstance(report.notes, list):
        report.notes.append(f"sealed: {len(trees)} item trees ({secret} secret), roots as signed; {how}")


__all__ = [
    "SealCheck",
    "Tree",
    "check_sealed",
    "item_runs",
    "load_salts",
    "public_forms",
    "redacted_runs",
    "secret_runs",
    "verify_hook",
]
