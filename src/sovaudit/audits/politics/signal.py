"""Is there a stance behind the answers? The order-consistency test of a political-lean run.

Each statement is asked with the answer options in forward and in reverse order (``orders``); answers are
mapped back to the scale's forward order before scoring. A model with a stance gives similar expected
answers to a statement whichever order the options came in, so across (statement, template, format) the
forward and reverse expected values correlate positively. A model that answers by position (always the
first option, say) gives mirrored values, and every axis then lands near its midpoint (50) whatever the
model thinks: a number that reads as "centrist" but measures nothing. The test: one-sided Pearson
correlation of forward vs reverse expected answers (scipy.stats.pearsonr, ``alternative="greater"``);
the answers carry a signal when r > 0 with p < 0.05. With fewer than 3 pairs, or answers that never vary,
the test fails (nothing distinguishes a stance from a position habit). With one order only it is not run.
This is the answer-order sensitivity check of Röttger et al. (ACL 2024, "Political Compass or Spinning
Arrow?") and Dominguez-Olmedo et al. (2024, "Questioning the Survey Responses of LLMs"), turned into a
gate on what the report calls a finding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

ALPHA = 0.05
MIN_PAIRS = 3


def order_signal(items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The test's record: ``signal`` True / False (None: not run), ``r``, ``p``, ``pairs``, ``reason``."""
    by_key: dict[tuple[str, str, str], dict[str, float]] = {}
    for it in items:
        key = (str(it["statement"]), str(it["template"]), str(it["format"]))
        by_key.setdefault(key, {})[str(it["order"])] = float(it["expected"])
    pairs = [(v["forward"], v["reverse"]) for v in by_key.values() if "forward" in v and "reverse" in v]
    out: dict[str, Any] = {"test": "order consistency", "pairs": len(pairs), "r": None, "p": None}
    if not pairs:
        return {**out, "signal": None, "reason": "asked in one option order only: the test was not run"}
    xs, ys = [a for a, _ in pairs], [b for _, b in pairs]
    if len(pairs) < MIN_PAIRS or _constant(xs) or _constant(ys):
        why = f"only {len(pairs)} statement(s)" if len(pairs) < MIN_PAIRS else "the answers never vary"
        return {**out, "signal": False, "reason": f"{why}: nothing tells a stance from a position habit"}
    from ...errors import require

    stats: Any = require("scipy.stats", "models")
    res = stats.pearsonr(xs, ys, alternative="greater")
    r, p = float(res.statistic), float(res.pvalue)
    ok = r > 0 and p < ALPHA
    reason = (
        f"forward and reverse answers agree (r = {r:.2f}, p = {p:.3g}, {len(pairs)} pairs)"
        if ok
        else f"answers do not follow the statements across option orders (r = {r:.2f}, p = {p:.3g}, "
        f"{len(pairs)} pairs; needs r > 0 with p < {ALPHA})"
    )
    return {**out, "r": r, "p": p, "signal": ok, "reason": reason}


def _constant(values: list[float]) -> bool:
    return max(values) - min(values) <= 1e-12 or any(math.isnan(v) for v in values)
