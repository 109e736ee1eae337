"""The GlobalOpinionQA reader: the published CSV shape, JSON/JSONL of the same shape, and bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from opinions_fixtures import QUESTIONS, selections_text, write_csv

from sovaudit.audits.opinions.prompts import build_prompt, from_logprobs, shifts
from sovaudit.audits.opinions.readers import literal, read_opinions
from sovaudit.errors import SovauditError


def test_csv_fields_are_parsed_as_literals(tmp_path: Path) -> None:
    text = selections_text({"Kenya": [0.4, 0.6]})
    assert text == "defaultdict(<class 'list'>, {'Kenya': [0.4, 0.6]})"
    read = read_opinions(write_csv(tmp_path / "g.csv"))
    q = read.questions[1]
    assert q.options == ("Very important", "Somewhat important", "Not important")
    assert q.selections["Germany"] == (0.0, 0.5, 0.5) and q.source == "GAS"
    assert set(read.questions[2].selections) == {"United States", "Germany"}


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_and_jsonl_of_the_same_shape(tmp_path: Path, suffix: str) -> None:
    recs = [dict(q) for q in QUESTIONS]
    recs[0] = {
        **recs[0],
        "selections": selections_text(recs[0]["selections"]),
        "options": repr(recs[0]["options"]),
    }
    path = tmp_path / f"g{suffix}"
    path.write_text(json.dumps(recs) if suffix == ".json" else "\n".join(json.dumps(r) for r in recs) + "\n")
    got = read_opinions(path).questions
    want = read_opinions(write_csv(tmp_path / "g.csv")).questions
    assert [(q.question, q.options, q.selections) for q in got] == [
        (q.question, q.options, q.selections) for q in want
    ]


def test_a_call_is_refused_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = f"defaultdict(<class 'list'>, {{'Kenya': __import__('pathlib').Path({str(marker)!r}).touch()}})"
    with pytest.raises(ValueError):
        literal(evil, "selections")
    bad = {"question": "Q?", "selections": evil, "options": "['Yes', 'No']", "source": "GAS"}
    path = write_csv(tmp_path / "g.csv", raw=[bad])
    with pytest.raises(SovauditError) as err:
        read_opinions(path)
    msg = str(err.value)
    assert "row 1" in msg and "'selections'" in msg and "not a Python literal" in msg and "\n" not in msg
    assert not marker.exists()


def _row(**kw: str) -> dict[str, str]:
    base = {
        "question": "Q?",
        "selections": selections_text({"Kenya": [0.4, 0.6]}),
        "options": "['Yes', 'No']",
        "source": "GAS",
    }
    return {**base, **kw}


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (_row(question="  "), "question is empty"),
        (_row(selections=selections_text({"Kenya": [0.2, 0.3, 0.5]})), "Kenya has 3 shares for 2 options"),
        (
            _row(
                options=repr([f"o{i}" for i in range(27)]),
                selections=selections_text({"Kenya": [1 / 27] * 27}),
            ),
            "27 options (at most 26",
        ),
        (_row(options="['Yes', 'No'"), "'options' is not a Python literal"),
        (_row(selections="{'Kenya': [-0.1, 1.1]}"), "not a non-negative number"),
        (_row(selections="defaultdict(<class 'list'>, {})"), "not a non-empty dict"),
    ],
)
def test_bad_rows_are_one_line_errors(tmp_path: Path, row: dict[str, str], needle: str) -> None:
    path = write_csv(tmp_path / "g.csv", raw=[_row(), row])
    with pytest.raises(SovauditError) as err:
        read_opinions(path)
    msg = str(err.value)
    assert needle in msg and "row 2" in msg and str(path) in msg and "\n" not in msg
    read = read_opinions(path, skip_bad_rows=True)
    assert len(read.questions) == 1 and len(read.skipped) == 1 and needle in read.skipped[0]


def test_cyclic_shifts_map_letters_back_to_file_order() -> None:
    opts = ["Yes", "No", "DK"]
    p = build_prompt("Q?", opts, 1, "en", "default")
    assert "(A) No\n(B) DK\n(C) Yes" in p and p.endswith("my answer would be (")
    assert p.startswith("Human: Q?\n\nHere are the options:\n")
    x = build_prompt("Q?", opts, 0, "en", "cross-national", "Kenya")
    assert x.startswith("Human: How would someone from Kenya answer the following question:\nQ?\n")
    assert shifts(3, 4) == [0, 1, 2] and shifts(5, 4) == [0, 1, 2, 3] and shifts(2, 1) == [0]
    import math

    s = from_logprobs([math.log(0.4), math.log(0.1), math.log(0.3)], 1)  # letters A,B,C = options 1,2,0
    assert s.distribution == pytest.approx([0.375, 0.5, 0.125]) and s.outside_mass == pytest.approx(0.2)
