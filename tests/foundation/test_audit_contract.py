"""Every registered audit keeps the contract's declarations (generated from the registry: a new audit gets
these checks without writing them): rows.csv columns, metrics with their direction, inputs by content."""

from __future__ import annotations

import pytest

from sovaudit.audits.base import Audit, Metric
from sovaudit.registry import audits


@pytest.mark.parametrize("name", audits.names())
def test_audit_declares_columns_and_metrics(name: str) -> None:
    cls = audits.get(name)
    assert issubclass(cls, Audit) and cls.name == name
    assert cls.row_columns, f"{name}: row_columns must name the rows.csv columns"
    assert len(set(cls.row_columns)) == len(cls.row_columns)
    assert cls.metrics, f"{name}: declare its metric columns and how to read them"
    for metric, info in cls.metrics.items():
        assert isinstance(info, Metric) and info.higher_is_better in (True, False, None) and info.description
        assert metric in cls.row_columns, f"{name}: metric {metric} is not a row column"
