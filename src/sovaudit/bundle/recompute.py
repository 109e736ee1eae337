"""``sovaudit verify BUNDLE --recompute N``: re-run N randomly chosen work units and compare their numbers.

Every run folder in a bundle holds ``spec.json`` (audit name, audit version and spec, written by the runner),
``results.json`` and ``shards/<shard>.json`` (``{audit, subject, shard, result}``). From the spec the audit's
``plan`` gives back every unit's payload; N units with a stored result are drawn with a seeded generator
(the seed is printed, so anyone can draw the same units), scored again on this machine by the same unit
function every executor runs (:func:`sovaudit.runner.score_payload`) -- with a fresh, empty answer cache,
so the model really answers again in the same request chunks -- and compared with the stored result.

Exact comparison applies when this machine is of the same hardware class as the one that made the run:
the same ``provenance.cpu`` (the CPU capability, when recorded; else the same ``provenance.platform``) and
the same versions of the numeric backends (torch, transformers, llama-cpp-python, tokenizers, numpy).
Otherwise floats may differ by ``rel_tol`` (relative, default 1e-4) or ``abs_tol`` (absolute, default 1e-6),
the size of float32 reduction-order differences between CPUs; integers, strings and booleans must still
match exactly.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..audits.base import AuditSpec, ModelRef, Unit, spec_json
from ..errors import SovauditError
from ..executors.base import META_KEY, SHARDS_DIR
from ..results import RESULTS_FILE

CACHE_ENV = "SOVAUDIT_ANSWER_CACHE"  # the answer cache's location (sovaudit.models.cache)

SPEC_FILE = "spec.json"  # as sovaudit.runner.SPEC_FILE (not imported: the runner pulls in every executor)
BACKEND_PACKAGES = ("torch", "transformers", "llama-cpp-python", "tokenizers", "numpy")
MAX_DIFFS = 8  # differences listed per unit


@dataclass(frozen=True)
class Tolerance:
    """How far a recomputed float may be from the stored one on another hardware class."""

    rel_tol: float = 1e-4
    abs_tol: float = 1e-6


@dataclass
class UnitCheck:
    """One recomputed unit: where, how it was compared, and what differed."""

    run: str
    shard: str
    mode: str  # "exact" or "tolerance"
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the recomputed result matches the stored one."""
        return not self.differences


@dataclass
class RecomputeReport:
    """The units recomputed, out of how many, with which seed."""

    seed: int
    total_units: int
    checks: list[UnitCheck] = field(default_factory=list)
    tolerance: Tolerance = field(default_factory=Tolerance)
    redacted: list[str] = field(default_factory=list)  # secret runs of a public copy (no items to re-run)

    @property
    def ok(self) -> bool:
        """Every recomputed unit matched."""
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        """One line per unit (and its first differences), then a summary line."""
        out = []
        for c in self.checks:
            how = (
                "exactly"
                if c.mode == "exact"
                else (
                    f"within rel {self.tolerance.rel_tol:g} / abs {self.tolerance.abs_tol:g} "
                    "(other hardware class)"
                )
            )
            if c.ok:
                out.append(f"recomputed {c.run}/{SHARDS_DIR}/{c.shard}.json: same numbers ({how})")
            else:
                out.append(f"changed: {c.run}/{SHARDS_DIR}/{c.shard}.json: recomputed result differs ({how})")
                out += [f"  {d}" for d in c.differences]
        out += [
            f"not recomputed: {r} (a public copy holds no secret items; the full bundle's holder can)"
            for r in self.redacted
        ]
        bad = sum(not c.ok for c in self.checks)
        out.append(
            f"recompute: {len(self.checks)} of {self.total_units} units (seed {self.seed}), {bad} differ"
        )
        return out


def find_runs(bundle: Path) -> list[Path]:
    """Every run folder (one holding ``spec.json``) in the bundle, the bundle itself included, sorted."""
    return sorted(p.parent for p in bundle.rglob(SPEC_FILE) if SHARDS_DIR not in p.relative_to(bundle).parts)


def same_hardware_class(stored: Mapping[str, Any], here: Mapping[str, Any]) -> bool:
    """Whether two provenances name the same hardware class: the same ``cpu`` when both record it (else the
    same ``platform``), and the same version of each numeric backend package that both record."""
    if stored.get("cpu") and here.get("cpu"):
        if stored["cpu"] != here["cpu"]:
            return False
    elif stored.get("platform") != here.get("platform"):
        return False
    a, b = stored.get("packages") or {}, here.get("packages") or {}
    return all(a[name] == b[name] for name in BACKEND_PACKAGES if name in a and name in b)


def current_provenance() -> dict[str, Any]:
    """The provenance a run on this machine would record (plain JSON)."""
    from ..results import make_provenance

    return make_provenance().model_dump(mode="json")


@contextlib.contextmanager
def fresh_answer_cache() -> Iterator[None]:
    """An empty answer cache for the recomputed units: the model really answers again, and requests reach it
    in the same chunks as in the original run (the cache cuts them), so batch composition -- which moves
    float sums in their last bits -- is the same too. Turning the cache off would change it."""
    old = os.environ.get(CACHE_ENV)
    with tempfile.TemporaryDirectory(prefix="sovaudit-recompute-") as tmp:
        os.environ[CACHE_ENV] = str(Path(tmp) / "answers.sqlite")
        try:
            yield
        finally:
            if old is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = old


def without_cache(spec: AuditSpec) -> AuditSpec:
    """The spec with every model's answer cache off (the model must really answer again)."""
    updates = {
        name: value.model_copy(update={"cache": False})
        for name, value in spec
        if isinstance(value, ModelRef) and value.cache
    }
    return spec.model_copy(update=updates) if updates else spec


def differences(stored: Any, new: Any, tol: Tolerance | None, where: str = "result") -> list[str]:
    """Where ``new`` differs from ``stored``: floats within ``tol`` (``None``: exactly), all else exactly."""
    num = (int, float)
    if (
        isinstance(stored, num)
        and isinstance(new, num)
        and not isinstance(stored, bool)
        and not isinstance(new, bool)
    ):
        if isinstance(stored, int) and isinstance(new, int):
            return [] if stored == new else [f"{where}: {stored} stored, {new} recomputed"]
        a, b = float(stored), float(new)
        same = (math.isnan(a) and math.isnan(b)) or a == b
        if not same and tol is not None:
            same = math.isclose(a, b, rel_tol=tol.rel_tol, abs_tol=tol.abs_tol)
        return [] if same else [f"{where}: {stored!r} stored, {new!r} recomputed"]
    if isinstance(stored, dict) and isinstance(new, dict):
        out = [f"{where}.{k}: only in the stored result" for k in sorted(set(stored) - set(new))]
        out += [f"{where}.{k}: only in the recomputed result" for k in sorted(set(new) - set(stored))]
        for k in sorted(set(stored) & set(new)):
            out += differences(stored[k], new[k], tol, f"{where}.{k}")
        return out
    if isinstance(stored, list) and isinstance(new, list):
        if len(stored) != len(new):
            return [f"{where}: {len(stored)} entries stored, {len(new)} recomputed"]
        out = []
        for i, (s, n) in enumerate(zip(stored, new, strict=True)):
            out += differences(s, n, tol, f"{where}[{i}]")
        return out
    return [] if stored == new else [f"{where}: {stored!r} stored, {new!r} recomputed"]


@dataclass
class _Candidate:
    run: Path
    audit: Any
    spec: AuditSpec
    unit: Unit
    exact: bool


def _load_run(run: Path, here: Mapping[str, Any]) -> list[_Candidate]:
    from ..registry import audits as audit_registry
    from ..runner import make_spec

    where = run / SPEC_FILE
    try:
        saved = json.loads(where.read_text(encoding="utf-8"))
        name, version, values = saved["audit"], str(saved["audit_version"]), saved["spec"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SovauditError(
            f"{where} is not a sovaudit spec file ({exc})", "verify the bundle first"
        ) from exc
    audit = audit_registry.get(name)()
    if str(audit.version) != version:
        raise SovauditError(
            f"{run} was made by audit '{name}' version {version}; this sovaudit has version {audit.version}",
            "recompute with the sovaudit version named in the bundle's manifest",
        )
    spec = make_spec(audit, values)
    try:
        provenance = json.loads((run / RESULTS_FILE).read_text(encoding="utf-8")).get("provenance", {})
    except (OSError, ValueError):
        provenance = {}
    exact = same_hardware_class(provenance if isinstance(provenance, dict) else {}, here)
    shards = run / SHARDS_DIR
    from ..audits.base import as_plan

    return [
        _Candidate(run, audit, spec, u, exact)
        for u in as_plan(audit.plan(spec)).units
        if (shards / f"{u.shard}.json").is_file()
    ]


def _check(c: _Candidate, bundle: Path, tol: Tolerance) -> UnitCheck:
    from ..runner import score_payload

    rel = c.run.relative_to(bundle).as_posix() if c.run != bundle else "."
    check = UnitCheck(rel, c.unit.shard, "exact" if c.exact else "tolerance")
    try:
        stored = json.loads((c.run / SHARDS_DIR / f"{c.unit.shard}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        check.differences.append(f"the stored result cannot be read ({exc})")
        return check
    if not isinstance(stored, dict):
        check.differences.append("the stored result is not a shard result")
        return check
    subject = c.audit.subject(c.spec)
    if stored.get("audit") != c.audit.name or stored.get("shard") != c.unit.shard:
        check.differences.append(f"stored as {stored.get('audit')!r}/{stored.get('shard')!r}")
    if stored.get("subject") != subject:
        check.differences.append(f"stored with subject {stored.get('subject')!r}, the spec gives {subject!r}")
    payload = {
        "audit": c.audit.name,
        "spec": spec_json(c.spec),
        "shard": c.unit.shard,
        "unit": c.unit.payload,
    }
    result = score_payload(payload)
    result.pop(META_KEY, None)  # facts about this run only; the shard store drops them too
    new = json.loads(json.dumps(result))  # the JSON round trip the shard store made
    check.differences += differences(stored.get("result"), new, None if c.exact else tol)
    if len(check.differences) > MAX_DIFFS:
        more = len(check.differences) - MAX_DIFFS
        check.differences = [*check.differences[:MAX_DIFFS], f"... and {more} more"]
    return check


def recompute(
    bundle_dir: str | Path, n: int, seed: int | None = None, tolerance: Tolerance | None = None
) -> RecomputeReport:
    """Re-run ``n`` units drawn with ``seed`` (random and reported when ``None``) and compare results."""
    bundle = Path(bundle_dir)
    if n < 1:
        raise SovauditError(f"--recompute must be at least 1, not {n}", "pass e.g. --recompute 5")
    runs = find_runs(bundle)
    if not runs:
        raise SovauditError(
            f"no run folder with {SPEC_FILE} in {bundle}", "recompute needs a bundle written by the runner"
        )
    from .sealed import redacted_runs

    hidden = set(redacted_runs(bundle))
    here = current_provenance()
    candidates = [c for run in runs if run not in hidden for c in _load_run(run, here)]
    tol = tolerance or Tolerance()
    the_seed = secrets.randbelow(2**31) if seed is None else seed
    chosen = random.Random(the_seed).sample(candidates, min(n, len(candidates)))
    report = RecomputeReport(the_seed, len(candidates), tolerance=tol)
    report.redacted = [run.relative_to(bundle).as_posix() if run != bundle else "." for run in sorted(hidden)]
    with fresh_answer_cache():
        report.checks = [_check(c, bundle, tol) for c in chosen]
    return report
