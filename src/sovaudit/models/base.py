"""The LanguageModel protocol with typed requests (the contract of lm-evaluation-harness's api/model.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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


def cut_at_until(text: str, until: Sequence[str]) -> str:
    """``text`` up to (not including) the earliest occurrence of any non-empty ``until`` string."""
    cut = min((text.find(u) for u in until if u and u in text), default=-1)
    return text[:cut] if cut >= 0 else text


class LoglikelihoodResult(NamedTuple):
    """log p(continuation | context) in nats, and whether the continuation is the greedy one."""

    logprob: float
    is_greedy: bool


class RollingResult(NamedTuple):
    """Sum of log p (nats) over the text's tokens, and how many tokens were scored."""

    logprob: float
    n_tokens: int


@dataclass(frozen=True)
class ModelInfo:
    """What audits may know about a model, stated by its backend (never probed with ``getattr``).

    ``settings`` are the settings that change numbers (the answer cache keys on them);
    ``first_token_scored`` says whether a rolling score includes each text's first token (``None``: it
    depends on the server); ``caveats`` are backend-specific warnings audits copy into their notes.
    """

    name: str
    backend: str
    digest: str
    settings: str = ""
    context_length: int | None = None
    first_token_scored: bool | None = True
    origin: str = ""
    caveats: tuple[str, ...] = field(default=())

    @property
    def cache_key(self) -> str:
        """What identifies the model's answers: backend, weights digest and number-changing settings."""
        return f"{self.backend}|{self.digest}|{self.settings}"

    def scored_tokens(self) -> str:
        """In words: which tokens of a text a rolling score covers."""
        if self.first_token_scored is True:
            return "all tokens, the first predicted from <bos>"
        if self.first_token_scored is False:
            return "every token after the first: the server gives the first prompt token no logprob"
        return "every token after bos_text (the first token is scored only where the server echoes it)"


@runtime_checkable
class CountsTokens(Protocol):
    """A backend that can say how many tokens a text takes (its own tokenizer, specials included); ``None``
    where it cannot (a remote server). Audits use it to refuse items longer than the context window."""

    def count_tokens(self, text: str) -> int | None:
        """Tokens of ``text`` as the model would read it as a prompt, or ``None``."""
        ...


class LanguageModel(Protocol):
    """A model backend. ``name`` is the short name; ``digest`` is the SHA-256 of its weights file(s)."""

    name: str
    digest: str

    @property
    def info(self) -> ModelInfo:
        """What the model is and which settings change its numbers."""
        ...

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
