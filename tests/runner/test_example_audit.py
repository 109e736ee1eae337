"""The guide's example audit runs through the registry, the runner and `sovaudit run`."""

from __future__ import annotations

import json

import pytest
from example_audit import BytesPerCharAudit

from sovaudit import registry
from sovaudit.cli import main
from sovaudit.runner import RunOptions, run_audit

TEXTS = {"eng": ["abc", "hello world"], "ell": ["αβγ", "γειά σου"], "amh": ["ሰላም"]}


@pytest.fixture(autouse=True)
def _registered() -> None:
    if "bytes-per-char" not in registry.audits:
        registry.audits.register("bytes-per-char", BytesPerCharAudit)


def test_example_audit_numbers_and_resume(tmp_path) -> None:
    doc, stats = run_audit("bytes-per-char", {"texts": TEXTS}, RunOptions(out=tmp_path))
    rows = {r["language"]: r for r in doc.rows}
    assert rows["eng"]["bytes_per_char"] == 1.0
    assert rows["ell"]["bytes_per_char"] == pytest.approx((6 + 15) / (3 + 8))
    assert rows["amh"]["bytes_per_char"] == 3.0 and rows["amh"]["ci_low"] is None  # one item: no interval
    assert rows["ell"]["ci_low"] <= rows["ell"]["bytes_per_char"] <= rows["ell"]["ci_high"]
    assert (stats.total, stats.computed) == (3, 3)
    assert doc.audit_version == "1" and doc.signature.startswith("audit:bytes-per-char.1|spec:")
    assert len(doc.items) == 5
    _, again = run_audit("bytes-per-char", {"texts": TEXTS}, RunOptions(out=tmp_path))
    assert (again.computed, again.skipped) == (0, 3)


def test_run_command_gives_the_same_rows(tmp_path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("audit: bytes-per-char\ntexts:\n  eng: [abc, hello world]\n", encoding="utf-8")
    assert main(["run", "--spec", str(spec), "-A", "bootstrap=50", "--out", str(tmp_path / "o")]) == 0
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    direct, _ = run_audit(BytesPerCharAudit(), {"texts": {"eng": ["abc", "hello world"]}, "bootstrap": 50})
    assert doc["rows"] == direct.rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no-such-audit"], "unknown audit 'no-such-audit'"),
        (["run", "bytes-per-char", "-A", "texts={}", "-A", "colour=red"], "has no setting 'colour'"),
        (["run", "bytes-per-char", "-A", "texts={}", "-A", "bootstrap=many"], "setting 'bootstrap'"),
        (["run", "bytes-per-char", "-A", "texts"], "is not KEY=VALUE"),
    ],
)
def test_bad_run_arguments_are_one_line_and_exit_2(tmp_path, capsys, args, message) -> None:
    out = tmp_path / "o"
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not out.exists()
