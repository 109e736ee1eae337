"""One runner for every audit: plan -> executor -> shard store (markers, resume) -> reduce -> atomic write.

Python::

    import sovaudit
    doc = sovaudit.run("competence", model="gemma3-270m", languages=["swh"], out="runs/swh")

Workers keep one :class:`~sovaudit.audits.base.Resources` for their life (module global below): in this
process, in each process-pool worker, and in each Ray worker process (Ray reuses a worker process for the
tasks of one function), so a model is loaded once per worker, not once per unit. Every unit's result is
saved by the driver as soon as it finishes, so a run killed half-way resumes with the finished units
skipped, and the model's answer cache (SQLite, shared by workers) holds the answers of the unit in flight.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .audits.base import Audit, AuditSpec, ModelRef, Resources, Unit, as_plan, call_reduce, spec_json
from .errors import SovauditError
from .executors.base import META_KEY, RunStats, ShardStore, WorkUnit, run_units
from .executors.choose import get_executor
from .inputs import combined_digest, unit_input_key
from .outdir import check_file_target, locked_out
from .registry import audits as audit_registry
from .results import RESULTS_FILE, ROWS_CSV, InputRecord, ResultsDocument, write_files_atomic, write_results
from .signature import with_inputs_part

_RESOURCES: Resources | None = None
_AUDITS: dict[str, Audit[Any]] = {}
SPEC_FILE = (
    "spec.json"  # beside results.json: audit, version and spec, to re-plan (sovaudit verify --recompute)
)


def _resources() -> Resources:
    global _RESOURCES
    if _RESOURCES is None:
        _RESOURCES = Resources()
    return _RESOURCES


def _audit(name: str, ref: str | None = None) -> Audit[Any]:
    """The audit called ``name``: from this process's registry, else (a worker that never saw an audit
    registered at run time in the driver) by importing its class ``module:qualname``."""
    if name not in _AUDITS:
        if name in audit_registry or ref is None:
            _AUDITS[name] = audit_registry.get(name)()
        else:
            from .registry import _resolve

            _AUDITS[name] = _resolve(ref)()
    return _AUDITS[name]


def score_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The unit function every executor runs: rebuild audit, spec and unit from JSON, then score."""
    audit = _audit(payload["audit"], payload.get("ref"))
    spec = audit.Spec.model_validate_json(payload["spec"])
    unit = Unit(payload["shard"], payload["unit"])
    res = _resources()
    res.input_key = str(payload.get("inputs", ""))  # worker-side caches key on content, never on names
    res.model_digest = str(payload.get("model_digest", ""))
    computed0, asked0 = res.answer_counts()
    result = audit.score(unit, spec, res)
    computed1, asked1 = res.answer_counts()
    result[META_KEY] = {
        "answers_computed": computed1 - computed0,
        "answers_cached": (asked1 - asked0) - (computed1 - computed0),
    }
    return result


@dataclass(frozen=True)
class RunOptions:
    """Where and how to run: output folder, executor, workers, Ray address, resume."""

    out: Path | None = None
    executor: str = "local"
    workers: int | None = None
    address: str | None = None
    resume: bool = True


def make_spec(audit: Audit[Any] | str, values: Mapping[str, Any] | AuditSpec) -> AuditSpec:
    """Validate ``values`` into the audit's ``Spec``; a wrong key or type is one line naming it."""
    a = _audit(audit) if isinstance(audit, str) else audit
    if isinstance(values, AuditSpec):
        return values
    data = dict(values)
    if "model" in data and isinstance(data["model"], str):
        data["model"] = ModelRef(spec=data["model"])
    try:
        return a.Spec.model_validate(data)
    except ValidationError as exc:
        raise SovauditError(*_spec_error(a, exc)) from exc


def _spec_error(audit: Audit[Any], exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    key = ".".join(str(x) for x in first["loc"]) or "(spec)"
    allowed = ", ".join(sorted(audit.Spec.model_fields))
    if first["type"] == "extra_forbidden":
        return f"audit '{audit.name}' has no setting '{key}'", f"use one of: {allowed}"
    return f"audit '{audit.name}' setting '{key}': {first['msg']}", f"settings are: {allowed}"


def run_audit(
    audit: Audit[Any] | str,
    spec: AuditSpec | Mapping[str, Any],
    options: RunOptions | None = None,
    on_unit: Callable[[str], None] | None = None,
) -> tuple[ResultsDocument, RunStats]:
    """Plan, score every unfinished unit on the chosen executor, reduce, and write (when ``out`` is set)."""
    opts = options or RunOptions()
    a = _audit(audit) if isinstance(audit, str) else audit
    if a.name not in _AUDITS:
        _AUDITS[a.name] = a
    the_spec = make_spec(a, spec)
    if opts.address and opts.executor != "ray":
        raise SovauditError(
            "--address only applies to --executor ray", "add --executor ray or drop --address"
        )
    if opts.out is None:
        return _run_checked(a, the_spec, opts, on_unit)
    with locked_out(opts.out):  # one run per folder; fails at once, naming the other run's pid
        for name in (RESULTS_FILE, ROWS_CSV, SPEC_FILE):
            check_file_target(opts.out / name)  # refuse a device/FIFO/symlink there before any work
        _remove_stale_temporaries(opts.out)
        return _run_checked(a, the_spec, opts, on_unit)


def _remove_stale_temporaries(out: Path) -> None:
    """Delete the ``.NAME.tmp-PID`` files a killed run left in ``out`` and ``out/shards`` (half-written
    copies that :func:`~sovaudit.results.write_files_atomic` had not yet moved into place). Called under
    the folder's lock: no other process writes there now, so every such file is a dead writer's."""
    import os
    import re

    from .executors.base import SHARDS_DIR

    stale = re.compile(r"^\..+\.tmp-(\d+)$")
    for folder in (out, out / SHARDS_DIR):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            m = stale.match(entry.name)
            if m and int(m.group(1)) != os.getpid() and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)


def _run_checked(
    a: Audit[Any], the_spec: AuditSpec, opts: RunOptions, on_unit: Callable[[str], None] | None
) -> tuple[ResultsDocument, RunStats]:
    plan = as_plan(a.plan(the_spec))
    units = plan.units
    _check_unique(units)
    if a.needs_model(the_spec):  # e.g. not bias with given --predictions (no model, nothing to install)
        _check_model(the_spec)  # after the data's own checks, before anything is written or scored
    records = a.inputs(the_spec)  # content digests of every input, before any work
    executor = get_executor(opts.executor, opts.workers, opts.address)
    _share_cores(opts)
    subject = a.subject(the_spec)
    sj = spec_json(the_spec)
    ref = f"{type(a).__module__}:{type(a).__qualname__}"
    # a worker keeps a loaded model across units and runs: it is keyed by the content of the model's files
    model_digest = next((r.sha256 or r.value for r in records if r.field == "model.spec"), "")
    work = [
        WorkUnit(
            a.name,
            subject,
            u.shard,
            {
                "audit": a.name,
                "ref": ref,
                "spec": sj,
                "shard": u.shard,
                "unit": u.payload,
                "inputs": key,
                "model_digest": model_digest,
            },
            key,
        )
        for u, key in ((u, unit_input_key(records, u.reads)) for u in units)
    ]
    if opts.out is not None:
        store: ShardStore | _MemoryStore = ShardStore(opts.out)
        spec_doc = {"audit": a.name, "audit_version": a.version, "spec": json.loads(sj)}
        write_files_atomic({opts.out / SPEC_FILE: json.dumps(spec_doc, sort_keys=True, indent=1) + "\n"})
        if not opts.resume:
            for w in work:
                store.forget(w)
    else:
        store = _MemoryStore()

    def done(w: WorkUnit) -> None:
        if on_unit:
            on_unit(w.shard)

    results, stats = run_units(work, score_payload, store, executor, done)  # type: ignore[arg-type]
    doc = call_reduce(a, list(results), the_spec, plan.context)
    finish_document(doc, a, the_spec, records)
    doc.summary["executor"] = {"name": opts.executor, "workers": opts.workers, "address": opts.address}
    doc.summary["shards"] = {
        "total": stats.total,
        "computed": stats.computed,
        "skipped_finished": stats.skipped,
    }
    if opts.out is not None:
        write_results(doc, opts.out, csv_columns=list(a.row_columns) or None)
    return doc, stats


def _check_model(spec: AuditSpec) -> None:
    """Resolve a model audit's model before any scoring: a missing or unreadable file, or an asset whose
    files no longer match its manifest (re-hashed once per file identity), is a one-line error now."""
    ref = getattr(spec, "model", None)
    if isinstance(ref, ModelRef):
        from .models.loading import parse_spec

        parse_spec(ref.spec)


def _share_cores(opts: RunOptions) -> None:
    """Tell pool workers (spawned after this) how many CPU threads each may use: cores / workers."""
    import os

    from .audits.base import WORKER_THREADS_ENV

    workers = opts.workers or 0
    if opts.executor == "process" or (opts.executor == "local" and workers > 1):
        cores = os.cpu_count() or 1
        os.environ[WORKER_THREADS_ENV] = str(max(1, cores // max(1, workers or cores)))
    else:
        os.environ.pop(WORKER_THREADS_ENV, None)


def finish_document(
    doc: ResultsDocument, audit: Audit[Any], spec: AuditSpec, inputs: Sequence[InputRecord] | None = None
) -> None:
    """Fill what the runner knows: audit name and version, signature, settings (when the audit left them),
    and the content digest of every input (listed in ``inputs``; their combined digest is the signature's
    ``in:`` part)."""
    doc.audit = doc.audit or audit.name
    doc.audit_version = audit.version
    if not doc.signature:
        doc.signature = audit.signature(spec)
    if not doc.settings:
        doc.settings = json.loads(spec_json(spec))
    if not doc.row_columns:
        doc.row_columns = list(audit.row_columns)
    if not doc.metrics:
        doc.metrics = {k: dataclasses.asdict(m) for k, m in audit.metrics.items()}
    records = list(audit.inputs(spec) if inputs is None else inputs)
    doc.inputs = records
    doc.signature = with_inputs_part(doc.signature, combined_digest(records))
    remote = [r.value for r in records if r.kind == "remote"]
    if remote:
        note = f"inputs without a content digest (served remotely): {', '.join(remote)}"
        if note not in doc.notes:
            doc.notes.append(note)


def _check_unique(units: Sequence[Unit]) -> None:
    seen: set[str] = set()
    for u in units:
        if u.shard in seen:
            raise ValueError(f"two units of one plan share the shard name {u.shard!r}")
        seen.add(u.shard)


class _MemoryStore:
    """A shard store in memory, for runs without ``out`` (Python API)."""

    def __init__(self) -> None:
        self._results: dict[str, dict[str, Any]] = {}

    def is_done(self, unit: WorkUnit) -> bool:
        return False

    def forget(self, unit: WorkUnit) -> None:
        self._results.pop(unit.shard, None)

    def save(self, unit: WorkUnit, result: dict[str, Any]) -> None:
        self._results[unit.shard] = result

    def load(self, unit: WorkUnit) -> dict[str, Any]:
        return self._results[unit.shard]


def run(
    audit: str,
    *,
    out: str | Path | None = None,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    **settings: Any,
) -> ResultsDocument:
    """Run a registered audit from Python: ``run("competence", model="gemma3-270m", languages=["swh"])``."""
    opts = RunOptions(Path(out) if out is not None else None, executor, workers, address)
    doc, _ = run_audit(audit, settings, opts)
    return doc
