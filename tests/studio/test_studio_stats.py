"""The studio's numbers: Krippendorff's alpha on his published examples, Bradley-Terry as FastChat, means."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sovaudit.studio.stats import bradley_terry, bt_bootstrap, fit_bt, krippendorff_alpha, rubric_means

# K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers x 12 units,
# values 1-5, missing data (None). Published: nominal .743, ordinal .815, interval .849.
C_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# Section A: two observers, binary data, 10 units. Published: nominal .095.
A_DATA = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def _units(rows: list[list[int | None]]) -> list[list[int | None]]:
    return [list(u) for u in zip(*rows, strict=True)]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_alpha_krippendorff_2011_section_c(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(_units(C_DATA), level), 3) == expected  # type: ignore[arg-type]


def test_alpha_krippendorff_2011_section_a_binary() -> None:
    assert round(krippendorff_alpha(_units(A_DATA), "nominal"), 3) == 0.095  # type: ignore[arg-type]


def test_alpha_degenerate_cases() -> None:
    assert krippendorff_alpha([[1, 1], [2, 2], [3, 3]], "interval") == pytest.approx(1.0)
    assert krippendorff_alpha([[1, 1], [1, 1]]) is None  # no variation: undefined
    assert krippendorff_alpha([[1], [2, None]]) is None  # nothing pairable
    assert krippendorff_alpha([]) is None
    # systematic disagreement is below zero
    assert krippendorff_alpha([[0, 1], [1, 0], [0, 1], [1, 0]]) < 0  # type: ignore[operator]


def test_bt_equal_models_rate_1000() -> None:
    r = bradley_terry([("a", "b", "a"), ("a", "b", "b"), ("b", "a", "tie")])
    assert r["a"] == pytest.approx(1000, abs=1e-6) and r["b"] == pytest.approx(1000, abs=1e-6)


def test_bt_closed_form_two_models_and_ties_as_half() -> None:
    # 3 wins to 1: p = 3/4, so r_a - r_b = 400 log10(3)
    r = bradley_terry([("a", "b", "a")] * 3 + [("a", "b", "b")])
    assert r["a"] - r["b"] == pytest.approx(400 * math.log10(3), abs=0.05)
    assert (r["a"] + r["b"]) / 2 == pytest.approx(1000)
    # one win and two ties: a scores 2 of 3, p = 2/3, difference 400 log10(2)
    r = bradley_terry([("a", "b", "a"), ("b", "a", "tie"), ("a", "b", "tie")])
    assert r["a"] - r["b"] == pytest.approx(400 * math.log10(2), abs=0.05)


def test_bt_matches_fastchat_loss_minimised_by_scipy() -> None:
    """The fit minimises FastChat's bt_loss_and_grad (elo_analysis.py): same optimum as scipy's L-BFGS."""
    optimize = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(3)
    strength = {"m0": 0.0, "m1": 0.3, "m2": -0.2, "m3": 0.6}
    names = list(strength)
    battles = []
    for _ in range(400):
        a, b = rng.choice(4, size=2, replace=False)
        p = 1 / (1 + 10 ** (strength[names[b]] - strength[names[a]]))
        u = rng.random()
        battles.append((names[a], names[b], "tie" if abs(u - p) < 0.05 else ("a" if u < p else "b")))
    ours = bradley_terry(battles, ridge=0.0)
    models = sorted(strength)
    idx = {m: i for i, m in enumerate(models)}
    pairs = np.array([[idx[a], idx[b]] for a, b, _ in battles])
    y = np.array([{"a": 1.0, "tie": 0.5, "b": 0.0}[w] for _, _, w in battles])

    def loss(r: np.ndarray) -> tuple[float, np.ndarray]:  # FastChat's bt_loss_and_grad, weights 1
        logits = math.log(10) * (r[pairs[:, 0]] - r[pairs[:, 1]])
        p = 1 / (1 + np.exp(-logits))
        value = -(np.log(p) * y + np.log(1 - p) * (1 - y)).sum()
        g = np.zeros_like(r)
        np.add.at(g, pairs[:, 0], -math.log(10) * (y - p))
        np.add.at(g, pairs[:, 1], math.log(10) * (y - p))
        return float(value), g

    res = optimize.minimize(loss, np.zeros(4), jac=True, method="L-BFGS-B", options={"gtol": 1e-10})
    ref = {m: 400 * v + 1000 for m, v in zip(models, res.x - res.x.mean(), strict=True)}
    for m in models:
        assert ours[m] == pytest.approx(ref[m], abs=0.01)


def test_bt_separation_stays_finite_and_bootstrap_brackets() -> None:
    r = bradley_terry([("a", "b", "a")] * 5)
    assert all(math.isfinite(v) for v in r.values()) and r["a"] > r["b"]
    battles = [("a", "b", "a")] * 6 + [("a", "b", "b")] * 3 + [("b", "c", "a")] * 5 + [("b", "c", "tie")] * 2
    out = bt_bootstrap(battles, n_boot=100, seed=1)
    again = bt_bootstrap(battles, n_boot=100, seed=1)
    assert out == again
    for m, row in out.items():
        assert row["ci_low"] <= row["rating"] <= row["ci_high"], m
    assert out["a"]["n_battles"] == 9 and out["b"]["n_battles"] == 16
    assert fit_bt(np.zeros((0, 2), dtype=int), np.zeros(0), np.zeros(0), 2).tolist() == [0.0, 0.0]


def test_rubric_means_average_each_item_first() -> None:
    grades = [
        {"model": "x", "language": "sw", "item": "q1", "correct": 3},
        {"model": "x", "language": "sw", "item": "q1", "correct": 1},
        {"model": "x", "language": "sw", "item": "q2", "correct": 0},
        {"model": "x", "language": "en", "item": "q1", "correct": None},
    ]
    rows = rubric_means(grades, ["correct"], n_boot=200)
    assert len(rows) == 1
    row = rows[0]
    assert row["mean"] == pytest.approx(1.0) and row["n_items"] == 2 and row["n_grades"] == 3
    assert row["ci_low"] <= 1.0 <= row["ci_high"]
