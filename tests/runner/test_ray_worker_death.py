"""A Ray worker that dies mid-unit: the unit is retried in another worker and the run completes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flaky_audit import FlakyAudit

from sovaudit.runner import RunOptions, run_audit

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_a_dead_worker_s_unit_is_retried_and_numbers_are_identical(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])
    )
    marker = tmp_path / "died"
    doc, stats = run_audit(FlakyAudit(), {"marker": str(marker)}, RunOptions(tmp_path / "out", "ray", 2))
    assert marker.exists()  # a worker did die
    assert int(marker.read_text()) != os.getpid()  # ... in another process than this driver
    assert [r["square"] for r in doc.rows] == [0, 1, 4, 9]
    assert stats.computed == 4
