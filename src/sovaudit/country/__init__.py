"""The country audit: every audit that applies to a country's languages, for several models, one bundle.

:func:`audit_country` runs the plan (:mod:`.plan`) through the runner (:mod:`.audit`), writes the scorecard
document (:mod:`.scorecard`), one self-contained report and a signed manifest (:mod:`sovaudit.bundle`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .audit import CountryRun, run_country_audit
from .plan import CountryOptions, NotMeasured, Planned, plan_country
from .scorecard import scorecard_document

__all__ = [
    "CountryOptions",
    "CountryRun",
    "NotMeasured",
    "Planned",
    "audit_country",
    "plan_country",
    "run_country_audit",
    "scorecard_document",
]


def _inputs(run: CountryRun, opts: CountryOptions) -> list[tuple[str, str]]:
    """What the bundle's numbers were computed from: model and data assets, packs, user files."""
    from ..assets.catalogue import catalogue
    from ..assets.store import AssetStore

    store = AssetStore()
    inputs: list[tuple[str, str]] = []
    names = {str(a.name) for a in catalogue().values()}
    used: set[str] = set()
    for _, doc in run.docs:
        for rec in doc.provenance.assets:
            if rec.name in names and store.is_installed(rec.name):
                used.add(rec.name)
    for m in opts.models:
        if m in names and store.is_installed(m):
            used.add(m)
    inputs += [(str(store.asset_dir(n)), f"asset:{n}") for n in sorted(used)]
    for p, _ in run.docs:
        if p.audit == "pack":
            inputs.append((str(p.spec["pack"]), "pack"))
        if p.audit == "opinions":
            inputs.append((str(p.spec["data"]), "data"))
        for text in str(p.spec.get("corpus") or "").split("+text:")[1:]:  # the user's own parallel text
            inputs.append((text, "text"))
        if p.audit == "corpus":
            inputs += [(str(x), "corpus") for x in p.spec["paths"] if Path(x).exists()]
    if opts.studio_export:
        inputs.append((str(opts.studio_export), "studio"))
    return list(dict.fromkeys(inputs))


def audit_country(
    opts: CountryOptions,
    out: str | Path,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    key: str | Path | None = None,
    log: Any = print,
) -> CountryRun:
    """Run the country audit into ``out``: audits, scorecard, ``report.html``, signed ``manifest.json``."""
    from ..bundle import write_manifest
    from ..languages import country_languages
    from ..report import render_report
    from ..results import write_files_atomic, write_results

    out = Path(out)
    studio = None
    if opts.studio_export:  # read (and refused if it is not the studio's) before any audit runs
        from ..studio.export import load_studio_export

        studio = load_studio_export(opts.studio_export)
    langs = [lang.iso639_3 or str(lang) for lang, _ in country_languages(opts.country)]  # unknown: one line
    run = run_country_audit(opts, out, executor, workers, address, log)
    card = scorecard_document(opts, run.docs, run.not_measured, langs, run.seconds)
    from ..names import endonym, label

    card.summary["language_labels"] = [
        label(lang.name, endonym(lang.tag)) for lang, _ in country_languages(opts.country)
    ]
    write_results(card, out / "country")
    extra = []
    if studio is not None:  # the experts' grades, copied into the bundle and shown in the report
        write_results(studio, out / "studio")
        extra.append(studio)
    html = render_report([card, *(d for _, d in run.docs), *extra], title=f"sovaudit: {opts.country.upper()}")
    write_files_atomic({out / "report.html": html})
    settings = {"country": opts.country.upper(), "models": list(opts.models), **card.settings}
    write_manifest(out, _inputs(run, opts), settings, key=key)
    from ..bundle.sealed import secret_runs

    if secret_runs(out):  # a secret pack ran: seal, so that `bundle redact` can publish without its items
        from ..bundle.seal import seal

        seal(out, key)
    return run
