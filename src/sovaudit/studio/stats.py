"""The studio's numbers, as pure functions of the stored grades (no database, no web).

- :func:`rubric_means`: per model and language, the mean of each rubric dimension with a bootstrap
  interval (items resampled, through the same mean function: :mod:`sovaudit.stats`).
- :func:`bradley_terry` / :func:`bt_bootstrap`: pairwise ratings as Chatbot Arena computes them.
  FastChat ``fastchat/serve/monitor/elo_analysis.py`` (Apache-2.0), ``compute_elo_mle_with_tie`` and
  ``fit_bt``: a logistic (Bradley-Terry) fit of the battles where a tie counts as half a win and half a
  loss (outcome 0.5), logit ``ln(BASE) * (r_a - r_b)``, then ``SCALE * r + INIT_RATING`` with SCALE 400,
  BASE 10, INIT_RATING 1000; intervals from battles resampled with replacement
  (``get_bootstrap_result_elo_mle_with_tie``) and the 2.5 / 97.5 percentiles. FastChat minimises with
  scipy's L-BFGS from zero; here Newton's method (exact for this convex loss) with a tiny ridge so that a
  model that won every battle keeps a finite rating; ratings are centred (mean 1000), as L-BFGS from zero
  leaves them (the gradient sums to zero).
- :func:`krippendorff_alpha`: Krippendorff's alpha for nominal, ordinal and interval data, by the
  coincidence matrix of K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011, Annenberg
  School for Communication, University of Pennsylvania, departmental paper 43). Written here (the common
  Python packages for it are GPL-3; sovaudit is Apache-2.0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from ..stats import bootstrap, mean_metric, point

SCALE, BASE, INIT_RATING = 400.0, 10.0, 1000.0
RIDGE = 1e-6
OUTCOME = {"a": 1.0, "tie": 0.5, "b": 0.0}
Level = Literal["nominal", "ordinal", "interval"]


def rubric_means(
    grades: Sequence[Mapping[str, Any]], dimensions: Sequence[str], n_boot: int = 1000, seed: int = 0
) -> list[dict[str, Any]]:
    """Rows per (model, language, dimension): ``mean``, ``ci_low``, ``ci_high``, ``n_items``, ``n_grades``.

    Each grade is a mapping with ``model``, ``language``, ``item`` and one numeric value per dimension
    (``None`` skips it). Grades of one item are first averaged (an item graded by three people weighs as
    much as one graded by two); the bootstrap resamples items.
    """
    per_item: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    for g in grades:
        for dim in dimensions:
            v = g.get(dim)
            if v is None:
                continue
            per_item.setdefault((g["model"], g["language"], dim), {}).setdefault(str(g["item"]), []).append(
                float(v)
            )
    rows = []
    for (model, lang, dim), items in sorted(per_item.items()):
        stats = np.array([[sum(vs) / len(vs), 1.0] for vs in items.values()], dtype=float)
        ci = bootstrap(stats, mean_metric, n_boot, seed)
        rows.append(
            {
                "model": model,
                "language": lang,
                "dimension": dim,
                "mean": point(stats, mean_metric),
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "n_items": len(items),
                "n_grades": sum(len(vs) for vs in items.values()),
            }
        )
    return rows


def _battle_arrays(
    battles: Sequence[tuple[str, str, str]],
) -> tuple[list[str], np.ndarray, np.ndarray]:
    models = sorted({m for a, b, _ in battles for m in (a, b)})
    index = {m: i for i, m in enumerate(models)}
    pairs = np.array([[index[a], index[b]] for a, b, _ in battles], dtype=np.int64).reshape(-1, 2)
    outcomes = np.array([OUTCOME[w] for _, _, w in battles], dtype=float)
    return models, pairs, outcomes


def fit_bt(
    pairs: np.ndarray, outcomes: np.ndarray, weights: np.ndarray, n_models: int, ridge: float = RIDGE
) -> np.ndarray:
    """Natural-scale Bradley-Terry ratings (mean 0) minimising FastChat's ``bt_loss_and_grad`` loss
    ``-sum w [y log p + (1-y) log(1-p)]``, ``p = sigmoid(ln(BASE) (r_a - r_b))``, plus ``ridge/2 |r|^2``.

    Newton's method on the convex loss; stops when the step is below 1e-10.
    """
    alpha = math.log(BASE)
    r = np.zeros(n_models)
    if not len(pairs):
        return r
    x = np.zeros((len(pairs), n_models))
    x[np.arange(len(pairs)), pairs[:, 0]] += alpha
    x[np.arange(len(pairs)), pairs[:, 1]] -= alpha
    total = float(weights.sum()) or 1.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ r)))
        grad = x.T @ (weights * (p - outcomes)) + ridge * total * r
        hess = (x.T * (weights * p * (1 - p))) @ x + ridge * total * np.eye(n_models)
        step = np.linalg.solve(hess, grad)
        r -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return r - r.mean()


def bradley_terry(battles: Sequence[tuple[str, str, str]], ridge: float = RIDGE) -> dict[str, float]:
    """Ratings on the Elo scale (``SCALE * r + INIT_RATING``) from battles ``(model_a, model_b, winner)``
    with ``winner`` one of ``a``, ``b``, ``tie``."""
    models, pairs, outcomes = _battle_arrays(battles)
    r = fit_bt(pairs, outcomes, np.ones(len(outcomes)), len(models), ridge)
    return {m: float(SCALE * v + INIT_RATING) for m, v in zip(models, r, strict=True)}


def bt_bootstrap(
    battles: Sequence[tuple[str, str, str]], n_boot: int = 200, seed: int = 0, level: float = 0.95
) -> dict[str, dict[str, Any]]:
    """Per model: ``rating`` (fit on all battles), ``ci_low`` / ``ci_high`` (percentiles over ``n_boot``
    resamples of the battles, drawn as multinomial counts as FastChat does) and ``n_battles``."""
    models, pairs, outcomes = _battle_arrays(battles)
    point_r = bradley_terry(battles)
    counts = {m: 0 for m in models}
    for a, b, _ in battles:
        counts[a] += 1
        counts[b] += 1
    out: dict[str, dict[str, Any]] = {
        m: {"rating": point_r[m], "ci_low": None, "ci_high": None, "n_battles": counts[m]} for m in models
    }
    if n_boot <= 0 or len(battles) < 2:
        return out
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(battles), np.full(len(battles), 1.0 / len(battles)), size=n_boot)
    samples = np.array(
        [fit_bt(pairs, outcomes, w.astype(float), len(models)) * SCALE + INIT_RATING for w in draws]
    )
    lo, hi = np.percentile(samples, [(1 - level) / 2 * 100, (1 + level) / 2 * 100], axis=0)
    for i, m in enumerate(models):
        out[m]["ci_low"], out[m]["ci_high"] = float(lo[i]), float(hi[i])
    return out


def _delta2(level: Level, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared difference function of Krippendorff (2011) between every two values (sorted)."""
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    # ordinal: (sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2 over ranks
    cum = np.concatenate([[0.0], np.cumsum(n_c)])
    d = np.zeros((k, k))
    for c in range(k):
        for e in range(c, k):
            v = (cum[e + 1] - cum[c] - (n_c[c] + n_c[e]) / 2) ** 2
            d[c, e] = d[e, c] = v
    return d


def krippendorff_alpha(units: Sequence[Sequence[Any]], level: Level = "nominal") -> float | None:
    """Alpha over ``units``: each a list of the values the coders gave it (``None`` = not coded).

    Units with fewer than two values are not pairable and are left out, as in Krippendorff (2011).
    ``None`` when there are no pairable values or no variation at all (expected disagreement 0).
    """
    coded = [[v for v in u if v is not None] for u in units]
    coded = [u for u in coded if len(u) >= 2]
    if not coded:
        return None
    values = sorted({v for u in coded for v in u})
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    o = np.zeros((k, k))  # coincidence matrix
    for u in coded:
        m = len(u)
        cnt = np.zeros(k)
        for v in u:
            cnt[index[v]] += 1
        o += (np.outer(cnt, cnt) - np.diag(cnt)) / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    vals = np.array(values, dtype=float) if level != "nominal" else np.arange(k, dtype=float)
    d2 = _delta2(level, vals, n_c)
    observed = float((o * d2).sum())
    expected = float((np.outer(n_c, n_c) * d2).sum()) / (n - 1)
    if expected == 0:
        return None
    return 1.0 - observed / expected
