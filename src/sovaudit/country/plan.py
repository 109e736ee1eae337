"""Which audits a country audit runs for each model, with which settings — or why one cannot run.

Pure planning: :func:`plan_country` asks every registered audit that has a scorecard column
(``Audit.dimension``) for its runs (``Audit.country_plan``), model by model and then once, and returns
:class:`Planned` audits (name, model, spec, output folder) and :class:`NotMeasured` entries (the reason
and the exact command that would make it run). Nothing here names an audit: each declares its own part in
its own module (see ``sovaudit.audits.country``). Nothing here loads a model or reads a benchmark; an
audit that fails when run is turned into a :class:`NotMeasured` by the runner of the country audit, so a
missing piece never fails the report.
"""

from __future__ import annotations

from typing import Any

from ..audits.country import (
    COMPETENCE_CORPUS,
    TAX_CORPUS,
    CountryOptions,
    NotMeasured,
    Planned,
    slug,
)

__all__ = [
    "COMPETENCE_CORPUS",
    "TAX_CORPUS",
    "CountryOptions",
    "NotMeasured",
    "Planned",
    "country_audits",
    "dimensions",
    "plan_country",
    "slug",
]


def country_audits() -> list[Any]:
    """Every registered audit that takes part in country audits (has a ``dimension``), in column order."""
    from ..registry import audits

    found = [audits.get(name)() for name in audits.names()]
    return sorted((a for a in found if a.dimension), key=lambda a: (a.dimension_order, a.name))


def dimensions() -> tuple[tuple[str, str], ...]:
    """The scorecard's columns, in order: ``(audit name, title)``."""
    return tuple((a.name, a.dimension) for a in country_audits())


def plan_country(opts: CountryOptions) -> list[Planned | NotMeasured]:
    """Every (dimension, model) of the scorecard: planned, or not measured with the reason and command."""
    members = country_audits()
    out: list[Planned | NotMeasured] = []
    for m in opts.models:
        for a in members:
            out.extend(a.country_plan(opts, m))
    for a in members:
        out.extend(a.country_plan(opts, None))
    return out
