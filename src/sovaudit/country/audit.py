"""``sovaudit audit --country XX --model A --model B --out DIR``: every audit that applies, one signed bundle.

Each planned audit runs through the one runner into ``DIR/<audit>/<model>/`` (resumable: a rerun reuses
every finished unit, and the answer cache every model answer). An audit that cannot run (data missing, a
backend that cannot score, a language not covered) becomes a "not measured" entry with the reason and the
command that would make it run; it never stops the others. Then the scorecard document
(``DIR/country/results.json``), the report (``DIR/report.html``) and the signed manifest
(``DIR/manifest.json`` + ``manifest.sig``) are written, in that order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SovauditError
from ..results import ResultsDocument
from .plan import CountryOptions, NotMeasured, Planned, plan_country


@dataclass
class CountryRun:
    """What a country audit produced: documents per planned audit, what was not measured, timings."""

    out: Path
    docs: list[tuple[Planned, ResultsDocument]] = field(default_factory=list)
    not_measured: list[NotMeasured] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def run_country_audit(
    opts: CountryOptions,
    out: Path,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    log: Callable[[str], None] = print,
) -> CountryRun:
    """Run every planned audit into ``out``; return the documents and what was not measured."""
    from ..registry import audits
    from ..runner import RunOptions, run_audit

    plan = plan_country(opts)
    run = CountryRun(out)
    # an audit that needs what others make (a model's converted folder) says so: it runs last
    last = {n for n in audits.names() if audits.get(n).country_runs_last}
    ordered = sorted(plan, key=lambda p: isinstance(p, Planned) and p.audit in last)
    for p in ordered:
        if isinstance(p, NotMeasured):
            run.not_measured.append(p)
            continue
        label = f"{p.audit} {p.model}".strip()
        t0 = time.perf_counter()
        try:
            todo = audits.get(p.audit)().country_prepare(p)
            doc, stats = run_audit(
                todo.audit, todo.spec, RunOptions(out / todo.folder, executor, workers, address)
            )
        except SovauditError as err:
            run.not_measured.append(NotMeasured(p.audit, p.model, str(err), _command(p, opts)))
            log(f"  {label}: not measured — {err}")
            continue
        run.seconds[f"{p.audit}/{p.folder}"] = time.perf_counter() - t0
        run.docs.append((p, doc))
        log(
            f"  {label}: {stats.computed} units computed, {stats.skipped} reused "
            f"({run.seconds[f'{p.audit}/{p.folder}']:.0f} s)"
        )
    return run


def _command(p: Planned, opts: CountryOptions) -> str:
    models = " ".join(f"--model {m}" for m in opts.models if m == p.model) or ""
    return (
        f"sovaudit run {p.audit} --out DIR "
        + " ".join(f"-A {k}={v}" for k, v in p.spec.items() if k != "model")
        + (f" -A model={p.model}" if p.model else "")
        + (f"   # or: sovaudit audit --country {opts.country} {models}")
    )
