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


def _resolve_tokenizer(p: Planned) -> Planned:
    """``model:SPEC`` -> the model's own tokenizer.json (a GGUF's converted folder, a model folder)."""
    tok = p.spec["tokenizers"][0]
    if not tok.startswith("model:"):
        return p
    spec = tok.split(":", 1)[1]
    candidates: list[Path] = []
    folder = Path(spec).expanduser()
    if folder.is_dir():
        candidates.append(folder)
    else:
        from ..models.hf import converted_dir
        from ..models.loading import asset_gguf, parse_spec

        parsed = parse_spec(spec)
        digest = parsed.digest
        if parsed.asset:
            _, digest = asset_gguf(parsed.asset)
        if digest:
            candidates.append(converted_dir(digest))
    for c in candidates:
        if (c / "tokenizer.json").is_file():
            return Planned(p.audit, p.model, {**p.spec, "tokenizers": (str(c),)}, p.folder)
    raise SovauditError(
        f"no tokenizer.json found for model {spec}",
        f"run sovaudit tokenizers --tokenizer PATH/TO/tokenizer.json --country {p.spec.get('country', 'XX')}",
    )


def run_country_audit(
    opts: CountryOptions,
    out: Path,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    log: Callable[[str], None] = print,
) -> CountryRun:
    """Run every planned audit into ``out``; return the documents and what was not measured."""
    from ..runner import RunOptions, run_audit

    plan = plan_country(opts)
    run = CountryRun(out)
    # tokenizers of models without a bundled tokenizer need the model's converted folder: run them last
    ordered = sorted(plan, key=lambda p: isinstance(p, Planned) and p.audit == "tokenizers")
    for p in ordered:
        if isinstance(p, NotMeasured):
            run.not_measured.append(p)
            continue
        label = f"{p.audit} {p.model}".strip()
        t0 = time.perf_counter()
        try:
            todo = _resolve_tokenizer(p) if p.audit == "tokenizers" else p
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
