"""Prompt variants: the shipped Röttger et al. templates and formats, and bad statement files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sovaudit.audits.politics.prompts import (
    Variant,
    build_prompt,
    formats,
    options_in_order,
    render_options,
    rottger_files,
    variants,
)
from sovaudit.audits.politics.statements import load_statements
from sovaudit.errors import SovauditError


def test_formats_reproduce_the_upstream_answer_options() -> None:
    _, _, base = rottger_files()
    with (Path(base) / "templates" / "answer_options.csv").open(encoding="utf-8", newline="") as f:
        upstream = {r["ans_id"]: r["ans_prompt"] for r in csv.DictReader(f)}
    for fmt in formats():
        block, _ = render_options(fmt, [o["text"] for o in options_in_order("pct", "forward")])
        assert block == upstream[fmt], fmt
    reverse, labels = render_options("ans-01", [o["text"] for o in options_in_order("pct", "reverse")])
    assert reverse == upstream["ans-08"] and labels == ["1", "2", "3", "4"]


def test_twenty_templates_and_every_prompt_shows_the_options() -> None:
    vs = variants([], ["ans-01"], ["forward", "reverse"])
    assert len(vs) == 40 and len({v.template for v in vs}) == 20
    for v in vs:
        prompt, labels, values = build_prompt(v, "Water is wet.", "8values", "jail-02")
        assert "Water is wet." in prompt and "1) " in prompt and prompt.endswith("\n\nAnswer:")
        assert "{" not in prompt and labels == ["1", "2", "3", "4", "5"]
        assert values == (
            [-1.0, -0.5, 0.0, 0.5, 1.0] if v.order == "forward" else [1.0, 0.5, 0.0, -0.5, -1.0]
        )
    p, labels, _ = build_prompt(Variant("templ-11", "ans-05", "forward"), "X.", "pct", "jail-01")
    assert p.startswith("At a debate") and "- Strongly disagree" in p and labels[0] == "Strongly disagree"


def test_8values_ships_70_statements() -> None:
    s = load_statements("8values")
    assert len(s.statements) == 70 and s.axes == ("econ", "dipl", "govt", "scty")
    assert s.statements[0].weights == {"econ": 10, "dipl": 0, "govt": -5, "scty": 0}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("statement\nTaxes are good.\n", "have no weights"),
        ("text,econ\nTaxes are good.,1\n", "no 'statement' column"),
        ("statement,econ\nTaxes are good.,high\n", "row 1, column 'econ': weight 'high' is not a number"),
        ("statement,econ\n,1\n", "row 1 has an empty statement"),
        ("statement,econ\nTaxes.,0\n", "axis 'econ' has no non-zero weight"),
    ],
)
def test_bad_statement_files(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(text)
    with pytest.raises(SovauditError) as err:
        load_statements(str(path))
    assert needle in str(err.value) and str(path) in str(err.value)


def test_pct_needs_all_62(tmp_path: Path) -> None:
    path = tmp_path / "pct.csv"
    path.write_text("pct_id,pct_prompt\npc-01,A statement.\n")
    with pytest.raises(SovauditError, match="1 propositions, the Political Compass has 62"):
        load_statements(f"pct:{path}")
    rows = "".join(f"pc-{i:02d},Proposition {i}.\n" for i in range(1, 63))
    path.write_text("pct_id,pct_prompt\n" + rows)
    assert len(load_statements(f"pct:{path}").statements) == 62
