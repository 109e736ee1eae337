"""The ``openai`` backend: any OpenAI-compatible server (vLLM, llama.cpp's server, llama-cpp-python, Ollama).

Scoring uses ``POST /v1/completions`` with ``echo=true``, ``logprobs=1`` and ``max_tokens=1``: the server
tokenises the prompt and returns a log-probability for each prompt token. ``max_tokens=1`` rather than 0
because several servers refuse 0 and llama-cpp-python's server reads 0 as "until the context is full".
Prompt tokens are told from the generated one by text: where the token strings spell the prompt (after
an optional leading special-token text such as ``<s>``), the prompt tokens are those that start before
its end; where they do not (byte-level tokens of non-Latin text decoded lossily), by
``usage.completion_tokens``. Servers that cannot echo prompt logprobs (Ollama, OpenAI's own API, the C++
llama.cpp server at the time of writing) get a one-line error naming the problem.

llama-cpp-python's server (0.3.x) pairs each echoed prompt token with the logits of the *next* position
when the model adds no BOS (SmolLM2, many base GGUFs): its prompt logprobs are then wrong. The symptom
is visible (the generated token is missing from the echo) and this backend refuses such answers, once
per model on a probe and again on every request where it shows; ``bos_text`` set to the model's BOS
token text (``"<|im_start|>"`` for SmolLM2) makes that server score correctly.

- ``loglikelihood(context, continuation)``: the continuation's tokens are the prompt tokens that end
  after the context's last character (a token straddling the boundary counts as continuation). Where the
  token strings do not reproduce the prompt (byte-level tokens of non-Latin text decoded lossily by some
  servers) the continuation is located by token counts instead: the context is sent alone and its token
  count splits the joint tokenisation (lm-evaluation-harness's convention). ``is_greedy`` compares each
  continuation token's logprob with the best entry in ``top_logprobs`` (False where the server gives none).
- ``loglikelihood_rolling(text)``: the sum of the prompt logprobs of every token after the first. Servers
  give no logprob for the first prompt token, so the first token is *given*, not predicted:
  ``n_tokens`` is one less than the engine's count, which scores every token conditioned on ``<bos>``.
  With ``bos_text`` (e.g. ``"<bos>"``), the text is sent after it, and where the server tokenises it as one
  special token and echoes it (vLLM does), every text token is scored, as the engine does. llama-cpp-python's
  server removes a leading BOS from the echo, so there the first text token stays unscored.
- ``generate``: ``/v1/chat/completions`` (one user message, temperature 0) by default, for instruction
  models; ``generation="completions"`` sends the raw prompt to ``/v1/completions``, for base models.
  Servers may add their own sampling defaults (llama-cpp-python's server applies ``repeat_penalty=1.1``):
  ``extra_body`` is merged into every request body, e.g. ``{"repeat_penalty": 1.0}`` for plain greedy.

A logprob the server leaves null where one is needed, a missing ``logprobs`` object, or offsets that do
not fit the prompt raise a one-line :class:`~sovaudit.errors.SovauditError`: never a wrong number.
Answers with fields missing (no choices, no or inconsistent logprob lists, a null logprob after the first
prompt token, a generation without text) are retried like a 5xx first (see ``openai_http``): a flaky
server's odd answer costs a retry, a server that never gives logprobs an error after the last attempt.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

from ..errors import SovauditError
from .base import (
    GenerateRequest,
    LoglikelihoodRequest,
    LoglikelihoodResult,
    ModelInfo,
    RollingRequest,
    RollingResult,
)
from .openai_echo import NO_LOGPROBS_FIX, Echo, is_top, read_echo
from .openai_http import OpenAIClient, OpenAIMalformedAnswer, OpenAIRequestError, OpenAIServerError

T = TypeVar("T")
R = TypeVar("R")

# Stable fields of a /v1/models entry (vLLM's ``created`` and permission ids change on every call).
DIGEST_FIELDS = ("id", "root", "parent", "owned_by", "max_model_len")


class OpenAIModel:
    """A model served by an OpenAI-compatible server at ``base_url`` (``http://HOST:PORT`` or ``.../v1``).

    Constructing it contacts the server once (``GET /v1/models``) to check that ``model`` is served and
    to compute ``digest`` = SHA-256 of ``"openai:<api root>#<model>"`` plus the stable fields of the
    model's ``/v1/models`` entry. Requests run ``concurrency`` at a time; each HTTP call has ``timeout``
    seconds and is retried up to ``max_retries`` times with exponential backoff (``backoff`` doubled each
    time, at most ``max_backoff``; ``Retry-After`` honoured up to the same cap) on 429/5xx, timeouts,
    connection errors and malformed answers. On the first request that fails for good, the requests of
    the batch not yet started are cancelled and the error is raised.
    """

    backend = "openai"  # the name in results signatures and cache keys

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        concurrency: int = 4,
        timeout: float = 120.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        bos_text: str | None = None,
        generation: Literal["chat", "completions"] = "chat",
        extra_body: dict[str, Any] | None = None,
    ) -> None:
        if generation not in ("chat", "completions"):
            raise SovauditError(f"unknown generation mode '{generation}'", "use 'chat' or 'completions'")
        self.model = model
        self.name = model
        self.bos_text = bos_text or ""
        self.generation = generation
        self.extra_body = dict(extra_body or {})
        self.concurrency = max(1, concurrency)
        self.client = OpenAIClient(
            base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            backoff=backoff,
            max_backoff=max_backoff,
            concurrency=self.concurrency,
        )
        self.base_url = self.client.root
        self._probe_lock = threading.Lock()
        self._aligned = False
        self.model_info = self._model_info()
        ident = f"openai:{self.base_url}#{model}\n" + json.dumps(self.model_info, sort_keys=True)
        self.digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()
        # whether rolling scores include each text's first token: servers give the first prompt token no
        # logprob; with bos_text it is scored only where the server echoes the BOS (vLLM, not
        # llama-cpp-python): None = it depends on the server. Audits that divide by bytes note it.
        self.rolling_first_token_scored: bool | None = None if self.bos_text else False
        # what changes the answers: the answer cache keys on it (bos_text moves prompt logprobs)
        self.cache_settings = f"bos_text={self.bos_text!r}|generation={generation}|" + json.dumps(
            self.extra_body, sort_keys=True
        )

    @property
    def info(self) -> ModelInfo:
        """Backend ``openai``: the server, the served model's identity and what a rolling score covers."""
        first = self.rolling_first_token_scored
        caveat = (
            "The openai backend "
            + ("does not score" if first is False else "may not score")
            + " the first token of each segment (an OpenAI-compatible server gives the first prompt token"
            " no logprob; vLLM scores it after bos_text, llama-cpp-python's server does not): bits per"
            " byte then leave out that token's bits while counting its bytes, and read lower than a local"
            " backend's. Compare runs of the same backend only."
        )
        return ModelInfo(
            self.name,
            self.backend,
            self.digest,
            self.cache_settings,
            None,
            first,
            f"{self.base_url}#{self.model}",
            () if first is True else (caveat,),
        )

    def __repr__(self) -> str:
        return f"OpenAIModel({self.base_url!r}, {self.model!r})"

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.client.close()

    # -- protocol ---------------------------------------------------------------------------------

    def loglikelihood(
        self, requests: Sequence[LoglikelihoodRequest | tuple[str, str]]
    ) -> list[LoglikelihoodResult]:
        """log p(continuation | context) for each request, and whether the continuation is greedy."""
        reqs = [r if isinstance(r, LoglikelihoodRequest) else LoglikelihoodRequest(*r) for r in requests]
        for r in reqs:
            if not r.continuation:
                raise SovauditError("a loglikelihood request has an empty continuation", "drop it")
        if reqs:
            self._check_alignment()
        return self._map(self._score_one, reqs)

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest | str]) -> list[RollingResult]:
        """Sum of log p over each text's tokens after the first (see the module notes), and the count."""
        texts = [r.text if isinstance(r, RollingRequest) else r for r in requests]
        if any(texts):
            self._check_alignment()
        return self._map(self._rolling_one, texts)

    def generate(self, requests: Sequence[GenerateRequest]) -> list[str]:
        """Greedy generation, cut at the first stop string in ``until``."""
        return self._map(self._generate_one, list(requests))

    # -- internals --------------------------------------------------------------------------------

    def _map(self, fn: Callable[[T], R], items: list[T]) -> list[R]:
        if self.concurrency == 1 or len(items) <= 1:
            return [fn(x) for x in items]
        # on the first failure the requests not yet started are cancelled: a server that is down fails
        # the run after one request's retries, not after every queued request's
        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        try:
            return list(pool.map(fn, items))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _model_info(self) -> dict[str, Any]:
        try:
            body = self.client.get("/models")
        except OpenAIRequestError as exc:
            if exc.status in (404, 405):  # a server without the listing: the digest names URL and model only
                return {}
            raise
        data = body.get("data")
        if not isinstance(data, list):
            raise OpenAIServerError(
                f"{self.base_url}/models answered without a 'data' list", "check the URL of the server"
            )
        ids = [str(m.get("id")) for m in data if isinstance(m, dict)]
        for m in data:
            if isinstance(m, dict) and (
                m.get("id") == self.model or str(m.get("id")).startswith(self.model + ":")
            ):
                return {k: m[k] for k in DIGEST_FIELDS if k in m}
        raise SovauditError(
            f"model '{self.model}' is not served at {self.base_url}",
            f"served models: {', '.join(ids) or 'none'}",
        )

    def _echo(self, core: str) -> Echo:
        """The prompt tokens of ``bos_text + core`` with their logprobs, as the server scores them."""
        prompt = self.bos_text + core
        payload = {
            **self.extra_body,
            "model": self.model,
            "prompt": prompt,
            "echo": True,
            "logprobs": 1,
            "max_tokens": 1,
            "temperature": 0.0,
        }
        return self.client.post_parsed(
            "/completions", payload, lambda body: read_echo(body, prompt, core, self.base_url, self.model)
        )

    def _check_alignment(self) -> None:
        """Once per model: refuse a server whose echoed logprobs are shifted (see :meth:`_echo`)."""
        with self._probe_lock:
            if not self._aligned:
                self._echo("The capital of France is")
                self._aligned = True

    def _score_one(self, req: LoglikelihoodRequest) -> LoglikelihoodResult:
        whole = self._echo(req.context + req.continuation)
        if whole.core_start is not None:
            boundary = whole.core_start + len(req.context)
            cont = [t for t in whole.tokens if t.start + len(t.text) > boundary]
        else:
            if not (self.bos_text + req.context):
                raise SovauditError(
                    "cannot locate the continuation: the server's token text does not spell the prompt",
                    "give a non-empty context",
                )
            cont = whole.tokens[len(self._echo(req.context).tokens) :]
        if not cont:
            raise SovauditError(
                f"the continuation {req.continuation[:40]!r} has no tokens of its own on the server",
                "check the request",
            )
        if any(t.logprob is None for t in cont):
            raise OpenAIServerError(
                "the server gave no logprob for a continuation token (servers never score the first token)",
                "give a non-empty context, or set bos_text",
            )
        total = math.fsum(t.logprob for t in cont if t.logprob is not None)
        greedy = all(t.top is not None and t.logprob is not None and is_top(t.logprob, t.top) for t in cont)
        return LoglikelihoodResult(total, greedy)

    def _rolling_one(self, text: str) -> RollingResult:
        if not text:
            return RollingResult(0.0, 0)
        echo = self._echo(text)
        toks = echo.tokens
        if self.bos_text and toks and toks[0].text != self.bos_text:
            joined = "".join(t.text for t in toks)
            if joined.startswith(self.bos_text) and len(toks[0].text) < len(self.bos_text):
                raise SovauditError(
                    f"the server tokenises bos_text {self.bos_text!r} as ordinary text",
                    "drop bos_text or give the model's BOS token text",
                )
        start = echo.core_start or 0
        scored = [t for t in toks[1:] if t.start >= start]  # the first token is given, not predicted
        if any(t.logprob is None for t in scored):
            raise OpenAIServerError("the server left a prompt token's logprob null", NO_LOGPROBS_FIX)
        return RollingResult(math.fsum(t.logprob for t in scored if t.logprob is not None), len(scored))

    def _generate_one(self, req: GenerateRequest) -> str:
        stop = list(req.until)[:4]  # the OpenAI API takes at most 4; the rest are applied here
        payload: dict[str, Any] = {
            **self.extra_body,
            "model": self.model,
            "max_tokens": req.max_tokens,
            "temperature": 0.0,
        }
        if stop:
            payload["stop"] = stop
        if self.generation == "chat":
            payload["messages"] = [{"role": "user", "content": req.prompt}]
        else:
            payload["prompt"] = req.prompt
        path = "/chat/completions" if self.generation == "chat" else "/completions"
        text = self.client.post_parsed(path, payload, self._read_generation)
        cut = [text.find(s) for s in req.until if s and s in text]
        return text[: min(cut)] if cut else text

    def _read_generation(self, body: dict[str, Any]) -> str:
        try:
            choice = body["choices"][0]
            text = choice["message"]["content"] if self.generation == "chat" else choice["text"]
        except (KeyError, IndexError, TypeError):
            raise OpenAIMalformedAnswer(f"{self.base_url} answered a generation without text", None) from None
        return "" if text is None else str(text)
