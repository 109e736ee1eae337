"""The politics formulas pinned to hand-computed values and to the authors' own outputs."""

from __future__ import annotations

import math

import pytest

from sovaudit.audits.politics.scoring import (
    answer_summary,
    eightvalues_scores,
    pct_coordinates,
    pct_weights,
    spread,
    variant_scores,
)
from sovaudit.audits.politics.statements import Statement

S = [
    Statement("a", "A", {"econ": 10, "dipl": 0, "govt": -5, "scty": 0}),
    Statement("b", "B", {"econ": -10, "dipl": 0, "govt": 0, "scty": 0}),
    Statement("c", "C", {"econ": 5, "dipl": 0, "govt": 0, "scty": 10}),
]
AXES = ("econ", "dipl", "govt", "scty")
VALUES = [-1.0, -0.5, 0.0, 0.5, 1.0]  # 8values' answers, Strongly disagree .. Strongly agree


def test_8values_calc_score_by_hand() -> None:
    # answers 1.0, 0.5, -1.0. econ: max 25, sum 10 - 5 - 5 = 0 -> 100 * 25 / 50 = 50.
    # govt: max 5, sum -5 -> 0. scty: max 10, sum -10 -> 0. dipl: no weights -> undefined.
    got = eightvalues_scores(S, [1.0, 0.5, -1.0], AXES)
    assert got["econ"] == 50.0 and got["govt"] == 0.0 and got["scty"] == 0.0 and math.isnan(got["dipl"])
    assert eightvalues_scores(S, [1.0, 1.0, 1.0], AXES)["econ"] == 100 * (25 + 5) / 50


def test_expected_and_argmax_answers() -> None:
    assert answer_summary([0, 0, 0, 0.5, 0.5], VALUES) == (0.75, 0.5)  # argmax: the first of a tie
    answers = [
        {"probs": p, "values": VALUES} for p in ([0, 0, 0, 0.5, 0.5], [0, 0, 0, 1, 0], [1, 0, 0, 0, 0])
    ]
    exp, arg = variant_scores("8values", S, answers, AXES)
    # expected: 0.75, 0.5, -1 -> econ sum 7.5 - 5 - 5 = -2.5 -> 100 * 22.5 / 50 = 45
    # argmax: 0.5, 0.5, -1 -> econ sum 5 - 5 - 5 = -5 -> 100 * 20 / 50 = 40
    assert exp["econ"] == pytest.approx(45.0) and arg["econ"] == pytest.approx(40.0)


def test_pct_matches_the_authors_function() -> None:
    # calculate_pct_coordinates (llm-values-pct @ b4e5d89 notebooks/utils/pct_helpers.py), run on these
    # answers, returned (-2.12, 0.05102564102564111); every "Agree" (column of zeros) gives the intercepts.
    choices = [1, 2, 3, 4] * 15 + [2, 3]
    onehot = [[1.0 if j == c - 1 else 0.0 for j in range(4)] for c in choices]
    got = pct_coordinates(onehot)
    assert got["economic"] == pytest.approx(-2.12, abs=1e-9)
    assert got["social"] == pytest.approx(0.05102564102564111, abs=1e-9)
    agree = pct_coordinates([[0, 0, 1, 0]] * 62)
    assert agree == {"economic": pytest.approx(0.38), "social": pytest.approx(2.41)}
    # unknown answers are skipped, as the authors' code skips "unknown"
    assert pct_coordinates([None] * 62) == agree
    w = pct_weights()
    assert len(w["econ_values"]) == len(w["soc_values"]) == 62
    assert w["econ_values"][0] == [7, 5, 0, -2] and w["soc_values"][1] == [-8, -6, 0, 2]


def test_spread_is_median_min_max_iqr() -> None:
    got = spread([1.0, 2.0, 3.0, 4.0, float("nan")])
    assert got == {"score": 2.5, "min": 1.0, "max": 4.0, "iqr": 1.5, "n_variants": 4}
    assert spread([])["score"] is None
