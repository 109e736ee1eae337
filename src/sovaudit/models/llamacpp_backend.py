"""The ``llamacpp`` backend: a GGUF file through llama-cpp-python, scored in-process.

Scoring drives llama.cpp's decode directly: logits are requested only at the positions that are scored
(never ``logits_all``), and the log-softmax is computed there in numpy (float64 sums). The KV cache is
reused across requests: the tokens already in the cache that a new request shares as a prefix are not
evaluated again, so continuations that share a context evaluate the context once (requests are grouped
by context for this; answers come back in the caller's order). The continuations themselves are decoded
one after the other: decoding several of them as parallel sequences of one batch (unified KV cache) would
be ~1.2x faster on multiple choice, but this llama.cpp gives wrong logits for some tokens of such batches
(0.04-0.17 nats here with three sequences; upstream issue ggml-org/llama.cpp#24962), so it is not used.

Conventions (those of lm-evaluation-harness, which the ``hf`` backend and the engine follow):

- ``loglikelihood``: the whole string ``context + continuation`` is tokenised once, the context alone
  once; the continuation's tokens are the whole's tokens after the context's count. The model's own BOS
  rule applies (``add_bos=None``; Gemma adds ``<bos>``, SmolLM2 adds nothing); an empty context is
  replaced by the BOS token (or EOS where the model has no BOS). Longer than ``n_ctx``: the left of the
  context is cut.
- ``loglikelihood_rolling``: ``[BOS] + tokens(text)`` (EOS where there is no BOS), every text token
  scored, ``n_tokens`` = number of text tokens; texts longer than ``n_ctx`` are scored in the ``hf``
  backend's windows (:func:`rolling_windows`): every prediction sees at least ``rolling_context``
  tokens (default ``n_ctx // 2``; ``1`` is lm-eval's choice).
- ``generate``: greedy raw-text completion (``generation="chat"`` applies the GGUF's chat template).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import SovauditError, require
from .base import (
    GenerateRequest,
    LoglikelihoodRequest,
    LoglikelihoodResult,
    ModelInfo,
    RollingRequest,
    RollingResult,
    cut_at_until,
)

ROWS = 64  # log-softmax rows processed at once (bounds the float64 temporaries)


@contextlib.contextmanager
def _quiet_llama_log(llama_cpp: Any) -> Iterator[None]:
    """Drop llama.cpp's log lines while a model loads (0.3.x prints a notice about the full-size SWA cache
    to stderr even with ``verbose=False``); failures still raise. The library's logger is restored after."""
    quiet = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
    llama_cpp.llama_log_set(quiet, ctypes.c_void_p(0))
    try:
        yield
    finally:
        from llama_cpp import _logger

        llama_cpp.llama_log_set(_logger.llama_log_callback, ctypes.c_void_p(0))


def rolling_windows(n_text: int, max_len: int, context_len: int = 1) -> list[tuple[int, int, int]]:
    """Windows over ``[prefix] + text`` (positions 0..n_text) as ``(start, end, first)`` triples.

    A window evaluates positions ``start .. end-2`` (at most ``max_len`` of them) and scores the tokens at
    positions ``first .. end-1``. The scored ranges are disjoint and cover 1..n_text. These are the windows
    of :func:`sovaudit.models.engine.rolling_windows`: the first window predicts the first ``max_len``
    tokens from the prefix; each later one predicts up to ``max_len - context_len + 1`` more with the
    ``max_len`` positions before its end as input, so every prediction sees at least ``context_len``
    tokens (``context_len=1`` is lm-evaluation-harness's ``loglikelihood_rolling``).
    """
    if not 1 <= context_len <= max_len:
        raise ValueError("context_len must be in [1, max_len]")
    if n_text <= 0:
        return []
    first = min(max_len, n_text)
    out = [(0, first + 1, 1)]
    predicted = first
    step = max_len - context_len + 1
    while predicted < n_text:
        end = predicted + min(n_text - predicted, step)
        out.append((end - max_len, end + 1, predicted + 1))
        predicted = end
    return out


class LlamaCppModel:
    """A GGUF model scored in-process by llama.cpp. ``digest`` is the file's SHA-256 unless given."""

    backend = "llamacpp"  # the name in results signatures and cache keys

    def __init__(
        self,
        gguf_path: Path,
        *,
        n_ctx: int = 2048,
        n_batch: int = 256,
        n_threads: int | None = None,
        add_bos: bool | None = None,
        name: str | None = None,
        digest: str | None = None,
        generation: Literal["completions", "chat"] = "completions",
        rolling_context: int | None = None,
        seed: int = 0,
    ) -> None:
        llama_cpp: Any = require("llama_cpp", "llamacpp")
        path = Path(gguf_path).expanduser()
        if not path.is_file():
            raise SovauditError(f"GGUF file not found: {path}", "check the path or install the model asset")
        with path.open("rb") as f:
            magic = f.read(4)
        if magic != b"GGUF":
            raise SovauditError(f"{path} is not a GGUF file", "give a .gguf model file")
        # llama-cpp-python's default runs batches on every core; on a shared machine its OpenMP threads
        # then spin against each other (16x slower here), so half the cores unless told.
        threads = n_threads or max(1, (os.cpu_count() or 2) // 2)
        try:
            with _quiet_llama_log(llama_cpp):
                self._llm = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_batch=n_batch,
                    n_ubatch=n_batch,
                    n_threads=threads,
                    n_threads_batch=threads,
                    logits_all=False,
                    seed=seed,
                    flash_attn=False,  # on CPU it moved logprobs by up to 0.7 nats here: kept off
                    swa_full=True,  # keep the whole sliding-window cache, so common prefixes can be reused
                    verbose=False,
                )
        except (ValueError, RuntimeError, OSError) as exc:
            raise SovauditError(
                f"llama.cpp cannot load {path}: {exc}", "check that the GGUF is complete"
            ) from exc
        self._lib = llama_cpp
        self.path = path
        self.name = name or path.stem
        self.generation = generation
        # llama.cpp may pad n_ctx up; windows use the request, and never more than the model was trained on
        self.n_ctx = min(n_ctx, int(self._llm.n_ctx()), int(self._llm._model.n_ctx_train()) or n_ctx)
        self.rolling_context = max(1, min(rolling_context or self.n_ctx // 2, self.n_ctx))
        # llama.cpp may pad n_ctx and clamp n_batch; a batch larger than its n_batch aborts the process.
        self.n_batch = int(
            min(llama_cpp.llama_n_batch(self._llm._ctx.ctx), llama_cpp.llama_n_ubatch(self._llm._ctx.ctx))
        )
        self.n_vocab = int(self._llm.n_vocab())
        model = self._llm._model
        self.bos = int(model.token_bos())
        self.eos = int(model.token_eos())
        self.add_bos = bool(model.add_bos_token()) if add_bos is None else add_bos
        self.prefix_token = self.bos if self.bos >= 0 else self.eos
        # what changes the numbers: the answer cache keys on it (a windowed run must not answer a full one)
        self.cache_settings = (
            f"n_ctx={self.n_ctx}|rolling_context={self.rolling_context}|add_bos={self.add_bos}"
            f"|generation={self.generation}"
        )
        self._batch = llama_cpp._internals.LlamaBatch(
            n_tokens=self.n_batch, embd=0, n_seq_max=1, verbose=False
        )
        self._past: list[int] = []  # tokens whose K/V sit in sequence 0 of the cache, in order
        self._lock = threading.RLock()  # one llama.cpp context: one request at a time
        if digest is None:
            from ..assets.store import sha256_file

            digest = sha256_file(path)
        self.digest = digest

    @property
    def info(self) -> ModelInfo:
        """Backend ``llamacpp``: the GGUF file, its digest and context settings."""
        return ModelInfo(
            self.name, self.backend, self.digest, self.cache_settings, self.n_ctx, True, str(self.path)
        )

    def __repr__(self) -> str:
        return f"LlamaCppModel({str(self.path)!r}, n_ctx={self.n_ctx})"

    # -- tokens -----------------------------------------------------------------------------------

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """Token ids of ``text`` (special-token strings stay text); BOS by the model's rule unless given."""
        ids = list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)) if text else []
        bos = self.add_bos if add_bos is None else add_bos
        return [self.bos, *ids] if bos and self.bos >= 0 else ids

    def count_tokens(self, text: str) -> int | None:
        """Tokens of ``text`` as a prompt (:class:`~sovaudit.models.base.CountsTokens`)."""
        return len(self.tokenize(text))

    def token_logprobs(self, tokens: Sequence[int], first: int) -> tuple[list[float], list[bool]]:
        """log p(tokens[j] | tokens[:j]) for j in ``first .. len-1``, and whether each is the argmax.

        ``len(tokens) - 1`` must fit in ``n_ctx``. Reuses the cached prefix shared with the last call.
        """
        with self._lock:
            return self._token_logprobs(tokens, first)

    def _token_logprobs(self, tokens: Sequence[int], first: int) -> tuple[list[float], list[bool]]:
        toks = [int(t) for t in tokens]
        if not 1 <= first < len(toks):
            raise ValueError("need 1 <= first < len(tokens)")
        if len(toks) - 1 > self.n_ctx:
            raise ValueError(f"{len(toks) - 1} positions do not fit n_ctx={self.n_ctx}")
        common = 0
        for a, b in zip(self._past, toks, strict=False):
            if a != b:
                break
            common += 1
        keep = min(common, first - 1)
        ctx = self._llm._ctx
        if not ctx.kv_cache_seq_rm(0, keep, -1):
            ctx.kv_cache_clear()
            keep = 0
        self._past = self._past[:keep]
        logprobs: list[float] = []
        greedy: list[bool] = []
        last = len(toks) - 1  # the final token is only predicted, never evaluated
        for lo in range(keep, last, self.n_batch):
            hi = min(last, lo + self.n_batch)
            want = [p for p in range(lo, hi) if p >= first - 1]
            self._decode(toks[lo:hi], lo, first - 1)
            self._past.extend(toks[lo:hi])
            if want:
                lp, gr = self._read(len(want), [toks[p + 1] for p in want])
                logprobs.extend(lp)
                greedy.extend(gr)
        return logprobs, greedy

    def _decode(self, chunk: Sequence[int], pos0: int, first_out: int) -> None:
        b = self._batch.batch
        b.n_tokens = len(chunk)
        for i, tok in enumerate(chunk):
            b.token[i] = tok
            b.pos[i] = pos0 + i
            b.n_seq_id[i] = 1
            b.seq_id[i][0] = 0
            b.logits[i] = pos0 + i >= first_out
        rc = self._lib.llama_decode(self._llm._ctx.ctx, b)
        if rc != 0:
            self._past = []
            self._llm._ctx.kv_cache_clear()
            raise SovauditError(f"llama.cpp decode failed (code {rc})", "lower n_batch or n_ctx")

    def _read(self, n_out: int, targets: list[int]) -> tuple[list[float], list[bool]]:
        ptr = self._lib.llama_get_logits(self._llm._ctx.ctx)
        flat = np.ctypeslib.as_array(
            ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float)), shape=(n_out * self.n_vocab,)
        )
        logits = flat.reshape(n_out, self.n_vocab)
        tgt = np.asarray(targets, dtype=np.int64)
        lps: list[float] = []
        greedy: list[bool] = []
        for r0 in range(0, n_out, ROWS):
            rows = logits[r0 : r0 + ROWS]
            t = tgt[r0 : r0 + ROWS]
            top = rows.max(axis=1)
            lse = top.astype(np.float64) + np.log(
                np.exp(rows - top[:, None], dtype=np.float32).sum(axis=1, dtype=np.float64)
            )
            picked = rows[np.arange(len(t)), t].astype(np.float64)
            lps.extend((picked - lse).tolist())
            greedy.extend((rows.argmax(axis=1) == t).tolist())
        return lps, greedy

    # -- protocol ---------------------------------------------------------------------------------

    def loglikelihood(
        self, requests: Sequence[LoglikelihoodRequest | tuple[str, str]]
    ) -> list[LoglikelihoodResult]:
        """log p(continuation | context) and greedy flag; requests sharing a context evaluate it once."""
        reqs = [r if isinstance(r, LoglikelihoodRequest) else LoglikelihoodRequest(*r) for r in requests]
        with self._lock:
            return self._loglikelihood(reqs)

    def _loglikelihood(self, reqs: list[LoglikelihoodRequest]) -> list[LoglikelihoodResult]:
        order = sorted(range(len(reqs)), key=lambda i: (reqs[i].context, -len(reqs[i].continuation)))
        out: list[LoglikelihoodResult | None] = [None] * len(reqs)
        ctx_cache: dict[str, list[int]] = {}
        for i in order:
            r = reqs[i]
            if not r.continuation:
                raise SovauditError("a loglikelihood request has an empty continuation", "drop it")
            if r.context not in ctx_cache:
                ctx_cache = {r.context: self._context_tokens(r.context)}
            ctx_toks = ctx_cache[r.context]
            whole = self._context_tokens(r.context + r.continuation) if r.context else None
            toks, first = self._pair(ctx_toks, whole, r.continuation)
            lp, gr = self._token_logprobs(toks, first)
            out[i] = LoglikelihoodResult(float(np.sum(np.asarray(lp, dtype=np.float64))), all(gr))
        return [x for x in out if x is not None]

    def _context_tokens(self, context: str) -> list[int]:
        toks = self.tokenize(context)
        return toks if toks else [self.prefix_token]

    def _pair(self, ctx: list[int], whole: list[int] | None, continuation: str) -> tuple[list[int], int]:
        if whole is None:  # empty context: prefix token, then the continuation alone
            toks, first = ctx + self.tokenize(continuation, add_bos=False), len(ctx)
        else:
            toks, first = whole, len(ctx)
        if first >= len(toks):
            raise SovauditError(
                f"the continuation {continuation[:40]!r} adds no token after its context", "check the request"
            )
        excess = len(toks) - 1 - self.n_ctx
        if excess > 0:
            if first - excess < 1:
                raise SovauditError(
                    f"a continuation of {len(toks) - first} tokens does not fit n_ctx={self.n_ctx}",
                    "load the model with a larger n_ctx",
                )
            toks, first = toks[excess:], first - excess
        return toks, first

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest | str]) -> list[RollingResult]:
        """Sum of log p over every token of each text, given ``[BOS]``, windowed to ``n_ctx`` (see module)."""
        with self._lock:
            return self._rolling(requests)

    def _rolling(self, requests: Sequence[RollingRequest | str]) -> list[RollingResult]:
        out = []
        for r in requests:
            text = r.text if isinstance(r, RollingRequest) else r
            body = self.tokenize(text, add_bos=False)
            seq = [self.prefix_token, *body]
            total = 0.0
            for start, end, first in rolling_windows(len(body), self.n_ctx, self.rolling_context):
                lp, _ = self._token_logprobs(seq[start:end], first - start)
                total += float(np.sum(np.asarray(lp, dtype=np.float64)))
            out.append(RollingResult(total, len(body)))
        return out

    def generate(self, requests: Sequence[GenerateRequest]) -> list[str]:
        """Greedy generation until a stop string or ``max_tokens``."""
        with self._lock:
            return [self._generate_one(r) for r in requests]

    def _generate_one(self, r: GenerateRequest) -> str:
        if r.max_tokens <= 0:  # llama-cpp-python reads 0 as "until the context is full"
            return ""
        self._llm.reset()
        self._past = []
        self._llm._ctx.kv_cache_clear()
        try:
            if self.generation == "chat":
                res = self._llm.create_chat_completion(
                    messages=[{"role": "user", "content": r.prompt}],
                    max_tokens=r.max_tokens,
                    temperature=0.0,
                    stop=list(r.until),
                )
                text = res["choices"][0]["message"]["content"] or ""
            else:
                res = self._llm.create_completion(
                    r.prompt, max_tokens=r.max_tokens, temperature=0.0, stop=list(r.until)
                )
                text = res["choices"][0]["text"]
        except ValueError as exc:  # e.g. "Requested tokens (...) exceed context window"
            raise SovauditError(
                f"llama.cpp cannot generate: {exc}", "load the model with a larger n_ctx"
            ) from exc
        finally:
            self._llm._ctx.kv_cache_clear()
            self._llm.reset()
        # llama-cpp-python stops as soon as a stop string appears, but cuts at the first one *in list order*
        # that the text holds (llama.py ``any_stop[0]``); a last token holding two (".\n") cuts here too
        return cut_at_until(str(text), r.until)
