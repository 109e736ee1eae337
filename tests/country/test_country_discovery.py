"""A country audit discovers its audits from the registry: a newly registered audit with a scorecard column
is planned and gets its own headline, with no edit to sovaudit.country."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from sovaudit.audits.base import Audit, AuditSpec, Unit
from sovaudit.audits.country import CountryOptions, Planned, slug
from sovaudit.country.plan import dimensions, plan_country
from sovaudit.country.scorecard import headline, scorecard_document
from sovaudit.registry import audits
from sovaudit.results import ResultsDocument


class _Spec(AuditSpec):
    model: str = ""


class _LeafAudit(Audit[_Spec]):
    name = "leaf-count"
    Spec = _Spec
    row_columns: ClassVar[tuple[str, ...]] = ("leaves",)
    dimension = "Leaves"
    dimension_order = 85

    def plan(self, spec: _Spec) -> list[Unit]:
        return [Unit("one")]

    def country_plan(self, opts: CountryOptions, model: str | None) -> list[Planned]:
        return [] if model is None else [Planned(self.name, model, {"model": model}, f"leaves/{slug(model)}")]

    def headline(self, doc: ResultsDocument) -> tuple[str, float | None]:
        return f"{doc.rows[0]['leaves']} leaves", float(doc.rows[0]["leaves"])


@pytest.fixture
def registered() -> Iterator[None]:
    audits.register(_LeafAudit.name, _LeafAudit)
    try:
        yield
    finally:  # leave the process's registry as it was for every other test
        audits._targets.pop(_LeafAudit.name, None)
        audits._loaded.pop(_LeafAudit.name, None)


def test_a_registered_audit_joins_the_plan_and_the_scorecard(registered: Any) -> None:
    assert ("leaf-count", "Leaves") in dimensions()
    opts = CountryOptions("KE", ("m1",))
    plan = plan_country(opts)
    mine = [p for p in plan if p.audit == "leaf-count"]
    assert mine == [Planned("leaf-count", "m1", {"model": "m1"}, "leaves/m1")]
    doc = ResultsDocument(audit="leaf-count", signature="s", rows=[{"leaves": 7}])
    assert headline("leaf-count", doc) == ("7 leaves", 7.0)
    card = scorecard_document(opts, [(mine[0], doc)], [], ["eng"], {})
    row = next(r for r in card.rows if r.get("audit") == "leaf-count")
    assert row["dimension"] == "Leaves" and row["headline"] == "7 leaves"


def test_the_builtin_columns_keep_their_order() -> None:
    assert [d for d, _ in dimensions()] == [
        "tokenizers", "competence", "bias", "opinions", "politics", "culture", "pack", "openness", "corpus",
    ]  # fmt: skip
