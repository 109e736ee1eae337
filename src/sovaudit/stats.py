"""Bootstrap intervals that go through the same metric function as the point estimate.

A metric is a function of *summed* statistics (counts, sums of log-probabilities ...), vectorised over a
leading axis: ``metric(sums) -> values`` with ``sums`` of shape ``(..., k)``. The point estimate is
``metric(stats.sum(axis=0))``; each bootstrap resample draws items with replacement, sums their statistics
and calls the **same** function, so no second copy of a formula exists (sacrebleu
``metrics/base.py::_compute_score_from_stats`` and ``significance.py`` do the same).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Metric = Callable[[np.ndarray], Any]


def point(stats: np.ndarray, metric: Metric) -> float | None:
    """``metric`` of the items' summed statistics (``stats``: items x k); ``None`` when not finite."""
    stats = np.asarray(stats, dtype=float)
    if stats.ndim != 2 or stats.shape[0] == 0:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(np.asarray(metric(stats.sum(axis=0))))
    return value if np.isfinite(value) else None


def bootstrap(
    stats: np.ndarray, metric: Metric, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile interval of ``metric`` over ``n_boot`` resamples of the items (rows of ``stats``).

    ``None`` with fewer than two items, no resamples, or no finite resampled value. Resamples whose metric
    is undefined (e.g. a denominator of zero) are left out, as sacrebleu's paired bootstrap leaves out none
    because its statistics never vanish; here they can, and counting them would bias the interval.
    """
    stats = np.asarray(stats, dtype=float)
    if n_boot <= 0 or stats.ndim != 2 or stats.shape[0] < 2:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, stats.shape[0], size=(n_boot, stats.shape[0]))
    sums = stats[idx].sum(axis=1)  # (n_boot, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.asarray(metric(sums), dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return float(np.percentile(values, lo)), float(np.percentile(values, hi))


def mean_metric(sums: np.ndarray) -> Any:
    """The mean of per-item values, from summed stats ``[sum of values, number of items]``."""
    return sums[..., 0] / sums[..., 1]
