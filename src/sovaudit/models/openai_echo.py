"""Reading an OpenAI-compatible server's echo answer (``/v1/completions`` with ``echo=true``,
``logprobs=1``): which tokens are the prompt's, their logprobs and top alternatives, and the checks that
turn an odd answer into a retry or a one-line error (see :mod:`sovaudit.models.openai_backend`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .openai_http import OpenAIMalformedAnswer, OpenAIServerError

GREEDY_EPS = 1e-5
NO_LOGPROBS_FIX = "use a server that returns prompt logprobs (vLLM, llama.cpp server) or a local backend"


@dataclass(frozen=True)
class Token:
    """One echoed prompt token: its text, logprob, top alternatives and offset."""

    text: str
    logprob: float | None
    top: dict[str, float] | None
    start: int  # offset of the token's text in the concatenated token texts


@dataclass(frozen=True)
class Echo:
    """The prompt tokens of one echo answer."""

    tokens: list[Token]  # the prompt's tokens (generated ones dropped), lead specials such as <s> included
    # where the text after bos_text starts in the token texts; None: they do not spell it
    core_start: int | None


def read_echo(body: dict[str, Any], prompt: str, core: str, base_url: str, model: str) -> Echo:
    """Parse a ``/v1/completions`` echo answer to ``prompt`` (``core`` after ``bos_text``).

    Fields missing or null raise :class:`OpenAIMalformedAnswer` (retried)."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise OpenAIMalformedAnswer(f"{base_url}/completions answered without choices", NO_LOGPROBS_FIX)
    lp = choices[0].get("logprobs")
    if not isinstance(lp, dict) or not isinstance(lp.get("tokens"), list):
        raise OpenAIMalformedAnswer(
            f"{base_url} returned no prompt logprobs for model '{model}'", NO_LOGPROBS_FIX
        )
    tokens, logprobs = [str(t) for t in lp["tokens"]], lp.get("token_logprobs")
    tops = lp.get("top_logprobs") or [None] * len(tokens)
    if not isinstance(logprobs, list) or len(logprobs) != len(tokens) or len(tops) != len(tokens):
        raise OpenAIMalformedAnswer(f"{base_url} returned inconsistent logprob lists", NO_LOGPROBS_FIX)
    entries, pos = [], 0
    for t, x, top in zip(tokens, logprobs, tops, strict=True):
        entries.append(Token(t, _num(x), _top(top), pos))
        pos += len(t)
    joined = "".join(tokens)
    text = choices[0].get("text")
    generated = text[len(prompt) :] if isinstance(text, str) and text.startswith(prompt) else None
    at = joined.find(core) if core else -1
    if at >= 0:  # the token text spells the prompt: positions are exact
        end = at + len(core)
        if generated and end == len(joined):
            raise OpenAIServerError(
                f"{base_url} echoed the prompt without the generated token, so its prompt logprobs "
                "are shifted by one position (llama-cpp-python's server does this for models that add "
                "no BOS)",
                "pass bos_text=<the model's BOS token text>, e.g. '<|im_start|>' for SmolLM2",
            )
        return check_nulls(base_url, Echo([e for e in entries if e.start < end], at))
    usage = body.get("usage")
    n_gen = usage.get("completion_tokens") if isinstance(usage, dict) else None
    if not isinstance(n_gen, int) or not 0 <= n_gen <= len(entries):
        raise OpenAIMalformedAnswer(
            f"{base_url}: cannot tell prompt tokens from generated ones (token text does not spell "
            "the prompt and usage.completion_tokens is missing)",
            NO_LOGPROBS_FIX,
        )
    return check_nulls(base_url, Echo(entries[: len(entries) - n_gen], None))


def check_nulls(base_url: str, echo: Echo) -> Echo:
    """A null logprob after the first prompt token is a broken answer (the first is never scored)."""
    if any(t.logprob is None for t in echo.tokens[1:]):
        raise OpenAIMalformedAnswer(f"{base_url} left a prompt token's logprob null", NO_LOGPROBS_FIX)
    return echo


def _num(x: object) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    v = float(x)
    return v if math.isfinite(v) or v == -math.inf else None


def _top(x: object) -> dict[str, float] | None:
    if isinstance(x, dict):
        vals = {str(k): float(v) for k, v in x.items() if isinstance(v, int | float)}
        return vals or None
    if isinstance(x, list):  # some servers answer a list of {"token", "logprob"} objects
        vals = {
            str(e.get("token")): float(e["logprob"])
            for e in x
            if isinstance(e, dict) and isinstance(e.get("logprob"), int | float)
        }
        return vals or None
    return None


def is_top(logprob: float, top: dict[str, float]) -> bool:
    """Whether ``logprob`` is the best of ``top`` (within ``GREEDY_EPS``)."""
    return max(top.values()) <= logprob + GREEDY_EPS
