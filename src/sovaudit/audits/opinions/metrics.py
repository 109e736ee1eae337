"""Similarity of a model's answer distributions to each country's (Durmus et al. 2023, section 2.3).

Per question, ``similarity = 1 - JSD(p, q)`` where ``JSD`` is the Jensen-Shannon *distance*: the square root
of the Jensen-Shannon divergence with base-2 logarithms, so it lies in [0, 1] (the paper's metric; the same
quantity as ``1 - scipy.spatial.distance.jensenshannon(p, q, base=2)``, which a test checks). A country's
similarity is the mean over the questions it has. As summable statistics per question and country:
``[similarity, 1]``; the metric is :func:`sovaudit.stats.mean_metric` of their sums, and the bootstrap
resamples questions through that same function.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...stats import bootstrap, mean_metric, point


def _normalise(p: Sequence[float]) -> np.ndarray:
    a = np.asarray(p, dtype=float)
    s = a.sum()
    if a.ndim != 1 or not len(a) or s <= 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"not a distribution: {list(p)!r}")
    return a / s


def _kl2(p: np.ndarray, m: np.ndarray) -> float:
    """KL(p || m) in bits; terms with p = 0 contribute 0 (the limit of x log x)."""
    nz = p > 0
    return float(np.sum(p[nz] * np.log2(p[nz] / m[nz])))


def js_divergence(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon divergence, base 2 (in [0, 1]); both inputs renormalised to sum to 1."""
    a, b = _normalise(p), _normalise(q)
    if a.shape != b.shape:
        raise ValueError(f"distributions of different lengths: {len(a)} and {len(b)}")
    m = (a + b) / 2
    return max(0.0, min(1.0, (_kl2(a, m) + _kl2(b, m)) / 2))


def js_distance(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon distance: the square root of :func:`js_divergence`."""
    return float(np.sqrt(js_divergence(p, q)))


def similarity(p: Sequence[float], q: Sequence[float]) -> float:
    """``1 - js_distance(p, q)``: 1 for equal distributions, 0 for disjoint ones."""
    return 1.0 - js_distance(p, q)


def uniform(n: int) -> list[float]:
    """The uniform answerer's distribution over ``n`` options."""
    return [1.0 / n] * n


def country_stats(values: Sequence[float]) -> np.ndarray:
    """Summable statistics (questions x 2: ``[similarity, 1]``) of one country's per-question similarities."""
    return np.array([[v, 1.0] for v in values], dtype=float).reshape(-1, 2)


def country_similarity(
    values: Sequence[float], n_boot: int = 1000, seed: int = 0
) -> tuple[float | None, tuple[float, float] | None]:
    """Mean similarity over the country's questions, and its bootstrap 95% interval over questions."""
    stats = country_stats(values)
    return point(stats, mean_metric), bootstrap(stats, mean_metric, n_boot, seed)


def rank_of(country: str, scores: dict[str, float]) -> int | None:
    """1-based rank of ``country`` by similarity (1 = most similar); ties share the better rank."""
    if country not in scores:
        return None
    mine = scores[country]
    return 1 + sum(1 for v in scores.values() if v > mine)
