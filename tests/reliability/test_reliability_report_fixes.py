"""Two report bugs that test_reliability_report_attack.py found, checked here without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovaudit.cli import main
from sovaudit.report.render import render_report
from sovaudit.results import ResultsDocument


def test_lone_surrogates_in_a_results_file_are_shown_as_markers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A results.json may hold ``\\udcff`` escapes (a file name read with surrogateescape by another tool);
    the report was an internal error (exit 1: UTF-8 cannot encode a lone surrogate). Now each is a marker."""
    doc = {
        "format_version": 2,
        "audit": "tokenizers",
        "signature": "a\\udcffb",
        "notes": ["\\ud83d x \\ude00"],
    }
    (tmp_path / "results.json").write_text(json.dumps(doc).replace("\\\\u", "\\u"))
    assert json.loads((tmp_path / "results.json").read_text())["signature"] == "a\udcffb"
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path), "--out", str(out)]) == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    assert "a⟨U+DCFF⟩b" in html and "⟨U+D83D⟩ x ⟨U+DE00⟩" in html


def test_bias_items_behind_each_cell_are_listed() -> None:
    """The template read ``c.items`` (a dict's items method, not the table), so every cell's item table was
    empty: no columns, no rows."""
    item = {"benchmark": "bbq", "category": "Age", "example_id": "item-7", "condition": "ambig"}
    doc = ResultsDocument(
        audit="bias",
        signature="s",
        rows=[{"benchmark": "bbq", "category": "Age", "s_amb": 10.0}],
        items=[item, {**item, "example_id": "item-8"}],
    )
    html = render_report([doc])
    table = html.split('id="bias-0-items-0"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 3 and "item-7" in table and "item-8" in table
    assert 'id=""' not in html
