"""The LanguageModel protocol with typed requests (the contract of lm-evaluation-harness's api/model.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, runtime_checkable


@dataclass(frozen=True)
class LoglikelihoodRequest:
    """Score ``continuation`` given ``context``: log p(continuation | context)."""

    context: str
    continuation: str


@dataclass(frozen=True)
class RollingRequest:
    """Score a whole text: the sum of log p over all its tokens (windowed with full context)."""

    text: str


@dataclass(frozen=True)
class GenerateRequest:
    """Generate from ``prompt`` until one of ``until`` or ``max_tokens`` tokens (greedy)."""

    prompt: str
    until: tuple[str, ...] = ()
    max_tokens: int = 256


class LoglikelihoodResult(NamedTuple):
    """log p(continuation | context) in nats, and whether the continuation is the greedy one."""

    logprob: float
    is_greedy: bool


class RollingResult(NamedTuple):
    """Sum of log p (nats) over the text's tokens, and how many tokens were scored."""

    logprob: float
    n_tokens: int


@runtime_checkable
class LanguageModel(Protocol):
    """A model backend. ``name`` is the short name; ``digest`` is the SHA-256 of its weights file(s)."""

    name: str
    digest: str

    def loglikelihood(
        self, requests: Sequence[LoglikelihoodRequest | tuple[str, str]]
    ) -> list[LoglikelihoodResult]:
        """Score each continuation given its context."""
        ...

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest | str]) -> list[RollingResult]:
        """Score whole texts."""
        ...

    def generate(self, requests: Sequence[GenerateRequest]) -> list[str]:
        """Greedy generation."""
        ...
