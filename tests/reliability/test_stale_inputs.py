"""No stale numbers, every audit: edit an input in place, rerun into the same folder, get a fresh run's rows.

Generated from the registry: for every registered audit (``BUILTIN`` audits; a new one must add its tiny
spec to ``kill_specs`` and an edit below, else ``test_every_audit_has_a_stale_input_case`` fails), the
audit runs on its tiny spec, then one input it reads is edited in place — same path, same size, mtime
restored, the way a careless copy or a tampering would leave it — and the run is repeated into the same
``--out`` with the same answer cache. Its rows, per-item log and signature must equal those of a fresh run
on the edited input (in a new folder, with a new answer cache), the signature and the recorded input
digest must change, and the units that read the input must be recomputed. Model audits also get the model
weights edited (a float in the safetensors file), which every model audit reads.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path
from typing import Any

import pytest
from kill_specs import build_specs

from sovaudit.registry import BUILTIN, audits
from sovaudit.runner import RunOptions, run_audit

# audit -> (file under the specs' root, old bytes, new bytes of the same length, replaced everywhere)
DATA_EDITS: dict[str, tuple[str, bytes, bytes]] = {
    "tokenizers": ("flores/devtest/fra_Latn.devtest", b"Tous les", b"Tous the"),
    "competence": ("c.tsv", b"haki", b"hxki"),
    "corpus": ("corpus/f0.txt", b"All", "Вl".encode()),
    "openness": ("open/model0/LICENSE", b"Apache License 2.0", b"MIT License       "),
    "bias": ("pred.jsonl", b'"prediction": 0', b'"prediction": 2'),
    "opinions": ("go.csv", b"'Germany': [0.5, 0.5]", b"'Germany': [0.9, 0.1]"),
    "politics": ("", b"", b""),  # reads only a shipped asset and the model: the model edit covers it
    "culture": ("blend/data/annotations/Algeria_data.json", b'["bread"]', b'["brxad"]'),
    "pack": ("pack/items.csv", b"mulching | mulch", b"mulchinx | mulcx"),
}
MODEL_AUDITS = ("competence", "opinions", "politics", "culture", "pack")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("stale")
    return root, build_specs(root)


def _edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (same length) everywhere in ``path``; keep its size and mtime."""
    assert len(old) == len(new)
    st = path.stat()
    data = path.read_bytes()
    assert old in data, f"{old!r} not in {path}"
    with path.open("r+b") as f:  # same inode, same size
        f.write(data.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def _edit_model(folder: Path) -> None:
    """Overwrite the first 16 floats of the first tensor in ``model.safetensors`` (size and mtime kept)."""
    path = folder / "model.safetensors"
    st = path.stat()
    with path.open("r+b") as f:
        (header,) = struct.unpack("<Q", f.read(8))
        f.seek(8 + header)
        f.write(struct.pack("<16f", *([0.75] * 16)))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _run(audit: str, spec: dict[str, Any], out: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(db))
    return run_audit(audit, spec, RunOptions(out))


def test_every_audit_has_a_stale_input_case(specs) -> None:
    _, built = specs
    assert sorted(BUILTIN["audits"]) == sorted(DATA_EDITS) == sorted(built)
    for name in BUILTIN["audits"]:
        assert name in audits


def _check(audit: str, spec: dict[str, Any], tmp: Path, edit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    out, db = tmp / "out", tmp / "answers.sqlite"
    before, _ = _run(audit, spec, out, db, monkeypatch)
    edit()
    again, stats = _run(audit, spec, out, db, monkeypatch)  # same folder, same answer cache
    fresh, _ = _run(audit, spec, tmp / "fresh", tmp / "fresh.sqlite", monkeypatch)
    assert stats.computed > 0, "no unit was recomputed after its input changed"
    assert again.rows == fresh.rows and again.items == fresh.items
    assert again.signature == fresh.signature != before.signature
    assert [r.model_dump() for r in again.inputs] == [r.model_dump() for r in fresh.inputs]


@pytest.mark.parametrize("audit", sorted(DATA_EDITS))
def test_edited_data_gives_fresh_numbers(audit, specs, tmp_path, monkeypatch) -> None:
    root, built = specs
    rel, old, new = DATA_EDITS[audit]
    if not rel:
        pytest.skip(f"{audit} reads no data file of its own (shipped asset); the model edit covers it")
    spec = built[audit]
    # each audit edits a copy of its own data: the fixture's files are shared by the module's tests
    local = tmp_path / "data"
    shutil.copytree(root, local, ignore=shutil.ignore_patterns("tiny"))
    spec = _rebase(spec, root, local)
    if "model" in spec:
        spec["model"] = built[audit]["model"]  # the shared tiny model: not edited here
    if audit == "competence":
        # the edited texts are scored beside cached ones: score each window alone, so that batch
        # composition (documented in docs/reliability.md, row 16) cannot move a last bit
        spec["model"] = {"spec": spec["model"], "options": {"batch_invariant": "true"}}
    _check(audit, spec, tmp_path, lambda: _edit_in_place(local / rel, old, new), monkeypatch)


@pytest.mark.parametrize("audit", MODEL_AUDITS)
def test_edited_model_gives_fresh_numbers(audit, specs, tmp_path, monkeypatch) -> None:
    root, built = specs
    model = tmp_path / "tiny"
    shutil.copytree(root / "tiny", model)
    spec = {**built[audit], "model": str(model)}
    _check(audit, spec, tmp_path, lambda: _edit_model(model), monkeypatch)


def _rebase(value: Any, old: Path, new: Path) -> Any:
    """``value`` with every string path under ``old`` moved under ``new``."""
    if isinstance(value, dict):
        return {k: _rebase(v, old, new) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rebase(v, old, new) for v in value]
    if isinstance(value, str) and str(old) in value:
        return value.replace(str(old), str(new))
    return value
