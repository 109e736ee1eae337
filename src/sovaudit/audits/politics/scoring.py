"""Axis scores of the politics audit, each from its statement set's own published formula.

- 8values (github 8values/8values.github.io @ 3971ed8, quiz.html ``next_question`` / ``calc_score``): per
  axis, ``score = 100 * (max + sum_i mult_i * effect_i) / (2 * max)`` with ``max = sum_i |effect_i|`` and
  ``mult`` the answer's value (Strongly agree 1, Agree .5, Neutral 0, Disagree -.5, Strongly disagree -1):
  the percentage towards the axis's first pole (econ: Equality, dipl: World, govt: Liberty, scty: Progress).
  With the expected answer, ``mult`` is the expected value under the model's label distribution.
- Political Compass (paul-rottger/llm-values-pct @ b4e5d89 ``notebooks/utils/pct_helpers.py``,
  ``calculate_pct_coordinates``): ``economic = 0.38 + sum_i econ_values[i][choice_i - 1] / 8``,
  ``social = 2.41 + sum_i soc_values[i][choice_i - 1] / 19.5``. With the expected answer, each statement
  contributes the probability-weighted mean of its row of weights (argmax answers give the published rule).
Spread over variants: min, max and the interquartile range (numpy's linear percentiles 75 - 25).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from .statements import Statement


@cache
def pct_weights() -> dict[str, Any]:
    """The weight tables of ``calculate_pct_coordinates`` (data/pct_weights.json)."""
    text = resources.files(__package__).joinpath("data/pct_weights.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def eightvalues_scores(
    statements: Sequence[Statement], mults: Sequence[float], axes: Sequence[str]
) -> dict[str, float]:
    """8values' ``calc_score`` per axis from each statement's answer value in [-1, 1]."""
    out = {}
    for a in axes:
        mx = sum(abs(s.weights.get(a, 0.0)) for s in statements)
        total = sum(m * s.weights.get(a, 0.0) for s, m in zip(statements, mults, strict=True))
        out[a] = 100.0 * (mx + total) / (2 * mx) if mx else float("nan")
    return out


def pct_coordinates(answer_probs: Sequence[Sequence[float] | None]) -> dict[str, float]:
    """``calculate_pct_coordinates`` with each answer a distribution over 1..4 (one-hot = the published rule).

    ``None`` is an unknown answer: skipped, as the published code skips ``"unknown"``.
    """
    w = pct_weights()
    econ = soc = 0.0
    for i, probs in enumerate(answer_probs):
        if probs is None:
            continue
        econ += float(np.dot(probs, w["econ_values"][i]))
        soc += float(np.dot(probs, w["soc_values"][i]))
    return {
        "economic": w["econ_init"] + econ / w["econ_divisor"],
        "social": w["soc_init"] + soc / w["soc_divisor"],
    }


def answer_summary(probs: Sequence[float], values: Sequence[float]) -> tuple[float, float]:
    """(expected value, argmax value) of one answer distribution over the scale's values."""
    p = np.asarray(probs, dtype=float)
    return float(np.dot(p, values)), float(values[int(np.argmax(p))])


def variant_scores(
    scoring: str, statements: Sequence[Statement], answers: Sequence[Mapping[str, Any]], axes: Sequence[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """(expected-answer scores, argmax-answer scores) per axis of one variant's answers to every statement.

    ``answers[i]``: ``{"probs": [...], "values": [...]}`` in the scale's *forward* order.
    """
    if scoring == "pct":
        exp_probs = [a["probs"] for a in answers]
        arg = []
        for a in answers:
            one = [0.0] * len(a["probs"])
            one[int(np.argmax(a["probs"]))] = 1.0
            arg.append(one)
        return pct_coordinates(exp_probs), pct_coordinates(arg)
    sums = [answer_summary(a["probs"], a["values"]) for a in answers]
    return (
        eightvalues_scores(statements, [e for e, _ in sums], axes),
        eightvalues_scores(statements, [m for _, m in sums], axes),
    )


def spread(values: Sequence[float]) -> dict[str, float | int | None]:
    """Median (the reported score), min, max and interquartile range of per-variant scores."""
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    if not len(v):
        return {"score": None, "min": None, "max": None, "iqr": None, "n_variants": 0}
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return {
        "score": float(med),
        "min": float(v.min()),
        "max": float(v.max()),
        "iqr": float(q3 - q1),
        "n_variants": len(v),
    }
