"""The n-gram floor of the competence audit: a character n-gram model with interpolated Witten-Bell smoothing.

Smoothing (Witten & Bell 1991, "The zero-frequency problem", IEEE Trans. Inf. Theory 37(4); in the
interpolated form of Chen & Goodman 1999, "An empirical study of smoothing techniques for language
modeling", section 2.4)::

    P(c | h) = (count(h, c) + T(h) * P(c | h')) / (count(h) + T(h))

where ``h'`` is ``h`` without its oldest character and ``T(h)`` the number of distinct characters seen
after ``h``; a history never seen falls back to ``P(c | h')``. The order-0 base is a *spelling* model:
``P0(c) = 256 ** -len(utf8(c))`` (every byte uniform). It gives every character, seen or not, a non-zero
probability; summed over all Unicode characters it is below 1, so the model is deficient and its bits are an
honest upper bound. Each segment is scored on its own, from a history of ``order - 1`` start markers (as the
language model scores each segment from ``<bos>``). Bits per byte = total bits / UTF-8 bytes.

Goldfish (Chang et al. 2024) compared large multilingual models with small n-gram baselines in this spirit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

START = "\x02"  # start-of-segment marker in histories (never predicted)


class WittenBellCharLM:
    """An interpolated Witten-Bell character n-gram model of order ``order`` (see the module docstring)."""

    def __init__(self, order: int = 5) -> None:
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order = order
        # counts[k][history of length k][char]
        self.counts: list[dict[str, dict[str, int]]] = [defaultdict(dict) for _ in range(order)]
        self.totals: list[dict[str, int]] = [defaultdict(int) for _ in range(order)]

    def fit(self, segments: Sequence[str]) -> WittenBellCharLM:
        """Count every character of every segment in all its histories (up to ``order - 1`` long)."""
        for seg in segments:
            padded = START * (self.order - 1) + seg
            for i in range(self.order - 1, len(padded)):
                c = padded[i]
                for k in range(self.order):
                    h = padded[i - k : i]
                    row = self.counts[k][h]
                    row[c] = row.get(c, 0) + 1
                    self.totals[k][h] += 1
        return self

    def logprob(self, char: str, history: str) -> float:
        """Natural log of P(char | history); ``history`` holds the last ``order - 1`` characters."""
        p = 256.0 ** -len(char.encode("utf-8"))
        for k in range(self.order):
            h = history[len(history) - k :] if k else ""
            total = self.totals[k].get(h, 0)
            if not total:
                continue
            row = self.counts[k][h]
            types = len(row)
            p = (row.get(char, 0) + types * p) / (total + types)
        return math.log(p)

    def segment_nats(self, segment: str) -> float:
        """-log P(segment) in nats, scored from ``order - 1`` start markers."""
        padded = START * (self.order - 1) + segment
        nats = 0.0
        for i in range(self.order - 1, len(padded)):
            nats -= self.logprob(padded[i], padded[i - self.order + 1 : i])
        return nats


def split_halves(n: int) -> tuple[list[int], list[int]]:
    """Indices of the training half (even positions) and the test half (odd positions) of ``n`` segments."""
    return list(range(0, n, 2)), list(range(1, n, 2))
