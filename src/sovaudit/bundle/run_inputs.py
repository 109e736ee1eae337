"""The inputs the runs of a bundle recorded (``results.json`` ``inputs``), checked and added when sealing.

Every results document lists the inputs its audit read with the SHA-256 of their content
(:mod:`sovaudit.inputs`). Sealing a bundle re-hashes each of them that is on this machine: one whose
content changed since the run is refused (the numbers no longer follow from it: rerun, then seal), and
the others join the signed manifest's ``inputs``, which ``sovaudit verify BUNDLE --inputs DIR`` checks
file by file. Inputs not on this machine (a run made elsewhere) are left out of the manifest; the
results documents still name their digests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import SovauditError
from ..results import RESULTS_FILE

InputSpec = tuple[str | Path, str]


def recorded_inputs(bundle: Path) -> list[dict[str, Any]]:
    """Every input record of every ``results.json`` in the bundle (regular files only), with its run."""
    out: list[dict[str, Any]] = []
    for doc_path in sorted(bundle.rglob(RESULTS_FILE)):
        if doc_path.is_symlink() or not doc_path.is_file():
            continue
        try:
            doc = json.loads(doc_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for rec in doc.get("inputs") or [] if isinstance(doc, dict) else []:
            if isinstance(rec, dict) and rec.get("kind") in ("file", "folder") and rec.get("path"):
                out.append({**rec, "run": doc_path.parent.relative_to(bundle).as_posix()})
    return out


def check_and_list(bundle: Path, cache: Any) -> list[InputSpec]:
    """The recorded inputs present here as ``(path, kind)``, after checking each still has the content
    its run recorded; a changed one is a one-line error naming it."""
    from ..inputs import folder_digest
    from ..portable import local_path

    specs: list[InputSpec] = []
    seen: set[str] = set()
    for rec in recorded_inputs(bundle):
        path = local_path(str(rec["path"]))
        if not path.exists() or str(path) in seen:
            continue
        now = cache.sha256(path) if rec["kind"] == "file" else folder_digest(path, cache)[0]
        if now != rec.get("sha256"):
            raise SovauditError(
                f"input {rec.get('value') or path} of the run in {rec['run']} changed since that run "
                f"(recorded {str(rec.get('sha256'))[:12]}, now {now[:12]})",
                "rerun that audit on the input as it is now, then seal the bundle",
            )
        seen.add(str(path))
        specs.append((path, f"{rec['kind']}:{rec.get('field', '')}"))
    return specs
