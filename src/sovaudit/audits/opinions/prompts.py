"""Prompts of the opinions audit: lettered options under a per-language template (``data/templates.yaml``).

Letter-position bias is removed by asking every question under cyclic shifts of its options: shift ``k``
shows option ``(j + k) mod n`` under letter ``j``. Every letter of one shift is a continuation of the same
context, so the engine scores them in one forward pass; the letter probabilities are mapped back to the
file's option order, renormalised over the letters, and the mass outside the letters is recorded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ...errors import SovauditError

LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
PROMPTINGS = ("default", "cross-national")


@cache
def templates() -> dict[str, dict[str, str]]:
    """Language -> {option, default, cross-national} templates, from the package's data file."""
    text = resources.files(__package__).joinpath("data/templates.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


@cache
def country_aliases() -> dict[str, list[str]]:
    """ISO 3166 code -> other spellings a survey file may use."""
    text = resources.files(__package__).joinpath("data/country_aliases.yaml").read_text(encoding="utf-8")
    return {str(k): [str(x) for x in v] for k, v in yaml.safe_load(text).items()}


def template(language: str, prompting: str) -> tuple[str, str]:
    """(option line template, prompt template) for a language and a prompting mode."""
    table = templates()
    if language not in table:
        raise SovauditError(
            f"no opinions prompt template for language '{language}'",
            f"use one of: {', '.join(sorted(table))}",
        )
    if prompting not in PROMPTINGS:
        raise SovauditError(f"unknown prompting '{prompting}'", f"use one of: {', '.join(PROMPTINGS)}")
    return table[language]["option"], table[language][prompting]


def shifts(n_options: int, permutations: int) -> list[int]:
    """The cyclic shifts asked for a question of ``n_options``: ``0 .. min(n, permutations) - 1``."""
    return list(range(min(n_options, permutations)))


def build_prompt(
    question: str, options: Sequence[str], shift: int, language: str, prompting: str, country: str = ""
) -> str:
    """The prompt of one question under one cyclic shift of its options."""
    option_t, prompt_t = template(language, prompting)
    n = len(options)
    lines = [option_t.format(letter=LETTERS[j], text=options[(j + shift) % n]) for j in range(n)]
    return prompt_t.format(question=question, options="\n".join(lines), country=country)


@dataclass(frozen=True)
class LetterScores:
    """One shift's scored letters, mapped back to the file's option order."""

    shift: int
    distribution: list[float]  # renormalised over the letters, file order
    outside_mass: float  # 1 - total probability of the letters

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"shift": self.shift, "distribution": self.distribution, "outside_mass": self.outside_mass}


def from_logprobs(logprobs: Sequence[float], shift: int) -> LetterScores:
    """Letter log-probabilities (letter order) -> distribution in the file's order and the outside mass."""
    n = len(logprobs)
    probs = [math.exp(lp) for lp in logprobs]
    inside = sum(probs)
    by_option = [0.0] * n
    for j, p in enumerate(probs):
        by_option[(j + shift) % n] = p
    dist = [p / inside for p in by_option] if inside > 0 else [1.0 / n] * n
    return LetterScores(shift, dist, max(0.0, 1.0 - inside))


def average(scores: Sequence[LetterScores]) -> tuple[list[float], float]:
    """Mean distribution and mean outside mass over the shifts."""
    n = len(scores[0].distribution)
    dist = [sum(s.distribution[i] for s in scores) / len(scores) for i in range(n)]
    total = sum(dist)
    return [d / total for d in dist], sum(s.outside_mass for s in scores) / len(scores)
