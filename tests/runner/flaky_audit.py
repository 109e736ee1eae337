"""An audit whose worker process dies (os._exit) the first time it scores unit 2: for the Ray retry test."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sovaudit.audits.base import Audit, AuditSpec, Resources, Unit
from sovaudit.results import ResultsDocument


class FlakySpec(AuditSpec):
    """``marker``: a file that exists once the worker has died once."""

    marker: str
    units: int = 4


class FlakyAudit(Audit[FlakySpec]):
    """Squares of 0..units-1; the first attempt at unit 2 kills its worker process."""

    name = "flaky"
    version = "1"
    Spec = FlakySpec

    def plan(self, spec: FlakySpec) -> Sequence[Unit]:
        return [Unit(f"u{i}", {"i": i}) for i in range(spec.units)]

    def score(self, unit: Unit, spec: FlakySpec, resources: Resources) -> dict[str, Any]:
        marker = Path(spec.marker)
        if unit.payload["i"] == 2 and not marker.exists():
            marker.write_text(str(os.getpid()))
            os._exit(1)  # the worker dies mid-unit, as a killed or out-of-memory process would
        return {"i": unit.payload["i"], "square": unit.payload["i"] ** 2}

    def reduce(self, partials: Sequence[dict[str, Any]], spec: FlakySpec) -> ResultsDocument:
        return ResultsDocument(audit=self.name, signature="", rows=list(partials))
