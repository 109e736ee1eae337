"""The ``hf`` backend: a local transformers model folder, or a GGUF file read by transformers' GGUF loader.

A GGUF file is dequantised to fp32 on its first load and saved once as a safetensors folder in the cache
(``<home>/models/hf/<sha256 of the GGUF>/``), so later loads take seconds. transformers refuses
``save_pretrained`` on a model loaded from GGUF ("not serializable") although its weights are plain
tensors after loading; the quantizer reference is dropped before saving (a slow test checks that the
reloaded model gives identical logits).

Tokenisation follows lm-evaluation-harness ``HFLM`` with its default ``add_bos_token=None`` (the
tokenizer's own special-token rule applies: Gemma adds ``<bos>``, SmolLM2 adds nothing):

- ``loglikelihood(context, continuation)``: trailing spaces of the context move to the continuation;
  ``whole = encode(context + continuation)``, ``ctx = encode(context)``, continuation tokens =
  ``whole[len(ctx):]``. An empty context becomes ``[BOS]`` (EOS where there is none) and the
  continuation is encoded without special tokens.
- ``loglikelihood_rolling(text)``: the text is encoded *without* special tokens and every one of its
  tokens is scored, the first one predicted from ``[BOS]`` (EOS where there is none); ``n_tokens`` is the
  number of text tokens. lm-eval's ``HFLM`` instead encodes the text *with* the tokenizer's specials and
  then prepends its own prefix token, so for Gemma it scores ``log p(<bos> | <bos>)`` as an extra token
  and conditions the text on two ``<bos>``; with ``add_bos_token=False`` it computes exactly what this
  backend does (the benchmarks compare like with like that way). Texts longer than ``max_length`` are
  windowed (:func:`sovaudit.models.engine.rolling_windows`) with ``rolling_context`` tokens of context
  at least (default ``max_length // 2``; ``1`` is lm-eval's choice).
- ``generate``: greedy; the output stops before the first ``until`` string. Prompts run batched by
  length and each row stops at EOS or its first ``until`` string (:mod:`sovaudit.models.generation`);
  the text equals transformers' ``generate`` on the prompt alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import SovauditError, require
from ..results import staged_dir
from .base import (
    GenerateRequest,
    LoglikelihoodRequest,
    LoglikelihoodResult,
    ModelInfo,
    RollingRequest,
    RollingResult,
)
from .engine import Engine, EngineLimits
from .generation import GreedyGenerator

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt")
SOURCE_MARKER = "sovaudit-source.json"


@dataclass(frozen=True)
class HFOptions:
    """How to load and run an ``hf`` model."""

    dtype: str = "float32"
    device: str | None = None  # default: cuda when available, else cpu
    trust_remote_code: bool = False
    max_length: int | None = None  # default: from the model config (lm-eval's rule)
    rolling_context: int | None = None  # default: max_length // 2
    # Score every rolling window in a forward of its own, so a text's number does not depend on which
    # other texts shared its batch (batched rows move sums by up to ~4e-7 relative on CPU); costs ~1.5x CPU.
    batch_invariant: bool = False
    limits: EngineLimits | None = None


def _torch() -> Any:
    return require("torch", "models")


def _sha256_file(path: Path) -> str:
    from ..assets.store import sha256_file

    return sha256_file(path)


DIGESTED_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer.model",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "merges.txt",
)


def folder_digest(folder: Path) -> str:
    """SHA-256 over the weight files, config and tokenizer files of a model folder (or the source GGUF it
    was made from): what the answers depend on, so an edited tokenizer can never reuse cached answers."""
    marker = folder / SOURCE_MARKER
    if marker.is_file():
        return str(json.loads(marker.read_text(encoding="utf-8"))["sha256"])
    h = hashlib.sha256()
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and (p.suffix in WEIGHT_SUFFIXES or p.name in DIGESTED_FILES)
    )
    for p in files:
        h.update(p.name.encode() + b"\0" + _sha256_file(p).encode() + b"\n")
    return h.hexdigest()


def check_gguf(path: Path) -> None:
    """Raise a one-line error unless ``path`` is a readable file that starts with the GGUF magic."""
    if not path.is_file():
        raise SovauditError(
            f"model file not found: {path}", "check the path, or name an installed model asset"
        )
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != b"GGUF":
        raise SovauditError(
            f"{path} is not a GGUF file (no GGUF magic)", "give a .gguf model file or a model folder"
        )


def converted_dir(digest: str) -> Path:
    """Where the safetensors conversion of the GGUF with SHA-256 ``digest`` is kept."""
    from ..assets.store import home

    return home() / "models" / "hf" / digest[:32]


def convert_gguf(gguf: Path, digest: str | None = None, trust_remote_code: bool = False) -> Path:
    """Dequantise ``gguf`` to fp32 and save it once as a safetensors folder; return that folder."""
    check_gguf(gguf)
    digest = digest or _sha256_file(gguf)
    dest = converted_dir(digest)
    if (dest / SOURCE_MARKER).is_file():
        return dest
    torch = _torch()
    transformers: Any = require("transformers", "models")
    require("accelerate", "models")
    try:
        tok = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = transformers.AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32, trust_remote_code=trust_remote_code
        )
    except Exception as exc:  # transformers raises many types for a bad file
        raise SovauditError(
            f"transformers cannot read the GGUF {gguf}: {type(exc).__name__}: "
            f"{(str(exc).splitlines() or [''])[0][:200]}",
            "check the file is complete (sovaudit assets verify) or use the llamacpp: backend",
        ) from exc
    model.hf_quantizer = None  # the weights are plain fp32 now; transformers would refuse to save otherwise
    for attr in ("quantization_config", "_pre_quantization_dtype"):
        if hasattr(model.config, attr):
            delattr(model.config, attr)
    with staged_dir(dest, prefix=".convert-") as tmp:
        model.save_pretrained(str(tmp))
        tok.save_pretrained(str(tmp))
        marker = {"sha256": digest, "gguf": gguf.name, "dtype": "float32"}
        (tmp / SOURCE_MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
    return dest


def resolve_max_length(config: Any, tokenizer: Any, default: int = 2048) -> int:
    """lm-eval's rule: the config's ``n_positions`` / ``max_position_embeddings`` / ``n_ctx``, else the
    tokenizer's ``model_max_length`` when it is a real number, else ``default``."""
    for attr in ("n_positions", "max_position_embeddings", "n_ctx"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    mml = getattr(tokenizer, "model_max_length", None)
    if isinstance(mml, int) and 0 < mml < 1_000_000_000:
        return mml
    return default


class HFModel:
    """A transformers causal LM behind the :class:`~sovaudit.models.base.LanguageModel` protocol."""

    backend = "hf"

    def __init__(
        self,
        folder: Path,
        *,
        name: str | None = None,
        digest: str | None = None,
        options: HFOptions | None = None,
    ) -> None:
        opts = options or HFOptions()
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise SovauditError(f"model folder not found: {folder}", "check the path")
        if not (folder / "config.json").is_file():
            raise SovauditError(
                f"{folder} is not a transformers model folder (no config.json)",
                "give a folder written by save_pretrained, a .gguf file, or a model asset name",
            )
        torch = _torch()
        transformers: Any = require("transformers", "models")
        transformers.utils.logging.disable_progress_bar()
        dtype = getattr(torch, opts.dtype, None)
        if not isinstance(dtype, torch.dtype):
            raise SovauditError(f"unknown dtype '{opts.dtype}'", "use float32, bfloat16 or float16")
        device = torch.device(opts.device or ("cuda" if torch.cuda.is_available() else "cpu"))
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(
                str(folder), trust_remote_code=opts.trust_remote_code
            )
            model = transformers.AutoModelForCausalLM.from_pretrained(
                str(folder), dtype=dtype, trust_remote_code=opts.trust_remote_code
            )
        except (OSError, ValueError, KeyError) as exc:
            raise SovauditError(
                f"transformers cannot load the model in {folder}: {str(exc).splitlines()[0][:200]}",
                "check the folder holds config.json, weights and a tokenizer"
                " (pass --trust-remote-code only if you trust its code)",
            ) from exc
        self.model = model.to(device).eval()
        self.folder = folder
        self.name = name or folder.name
        self.digest = digest or folder_digest(folder)
        self.dtype = opts.dtype
        tok = self.tokenizer
        self.prefix_token = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
        if self.prefix_token is None:
            raise SovauditError(
                f"the tokenizer in {folder} has neither BOS nor EOS", "use a causal LM tokenizer"
            )
        self.max_length = int(opts.max_length or resolve_max_length(self.model.config, tok))
        self.rolling_context = int(opts.rolling_context or max(1, self.max_length // 2))
        self.engine = Engine(self.model, self.max_length, opts.limits, _logit_transform(self.model.config))
        if opts.batch_invariant:  # max_pad_ratio 0: no second row ever joins a rolling batch
            self.engine.limits = replace(self.engine.limits, max_pad_ratio=0.0)
        self._generator: GreedyGenerator | None = None
        self.cache_settings = (
            f"dtype={self.dtype}|max_length={self.max_length}|rolling_context={self.rolling_context}"
            + self.engine.settings
            + ("|rolling=one-window-per-forward" if opts.batch_invariant else "")
        )

    @property
    def info(self) -> ModelInfo:
        """Backend ``hf``: the folder, its digest, dtype and context settings."""
        return ModelInfo(
            self.name, self.backend, self.digest, self.cache_settings, self.max_length, True, str(self.folder)
        )

    def __repr__(self) -> str:
        return f"HFModel({self.name!r}, digest={self.digest[:8]}, max_length={self.max_length})"

    # -- tokenisation ---------------------------------------------------------------------------
    def encode(self, text: str, specials: bool | None = None) -> list[int]:
        """Token ids of ``text`` (``specials=None``: the tokenizer's own rule)."""
        kwargs = {} if specials is None else {"add_special_tokens": specials}
        return list(self.tokenizer.encode(text, **kwargs))

    def count_tokens(self, text: str) -> int | None:
        """Tokens of ``text`` as a prompt (:class:`~sovaudit.models.base.CountsTokens`)."""
        return len(self.encode(text))

    def encode_pair(self, context: str, continuation: str) -> tuple[list[int], list[int]]:
        """Context and continuation token ids, lm-eval's way (see the module docstring)."""
        if context == "":
            cont = self.encode(continuation, specials=False)
            if cont and cont[0] == self.prefix_token:
                return cont[:1], cont[1:]
            return [self.prefix_token], cont
        n_spaces = len(context) - len(context.rstrip())
        if n_spaces:
            continuation = context[-n_spaces:] + continuation
            context = context[:-n_spaces]
        whole = self.encode(context + continuation)
        ctx = self.encode(context)
        return ctx, whole[len(ctx) :]

    # -- protocol ---------------------------------------------------------------------------------
    def loglikelihood(
        self, requests: Sequence[LoglikelihoodRequest | tuple[str, str]]
    ) -> list[LoglikelihoodResult]:
        """log p(continuation | context) and greediness, for each request."""
        pairs = [self.encode_pair(*_pair(r)) for r in requests]
        for (_ctx, cont), r in zip(pairs, requests, strict=True):
            if not cont:
                raise SovauditError(
                    f"continuation {_pair(r)[1]!r} has no tokens", "score a non-empty continuation"
                )
        return [LoglikelihoodResult(lp, g) for lp, g in self.engine.loglikelihood(pairs)]

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest | str]) -> list[RollingResult]:
        """Sum of log p over every token of each text (see the module docstring)."""
        texts = [r.text if isinstance(r, RollingRequest) else r for r in requests]
        tokens = [self.encode(t, specials=False) for t in texts]
        scored = self.engine.rolling(tokens, self.prefix_token, min(self.rolling_context, self.max_length))
        return [RollingResult(lp, n) for lp, n in scored]

    def generate(self, requests: Sequence[GenerateRequest]) -> list[str]:
        """Greedy continuations, cut before the first ``until`` string: batched by prompt length, each row
        stopping at EOS, ``max_tokens`` or its first ``until`` string (:mod:`sovaudit.models.generation`)."""
        if self._generator is None:
            pad = self.tokenizer.pad_token_id
            self._generator = GreedyGenerator(
                self.model,
                self.tokenizer,
                self.engine.rows_per_batch,
                self.prefix_token if pad is None else pad,
            )
        prompts = [self.encode(r.prompt) for r in requests]
        return self._generator.generate(
            prompts, [r.until for r in requests], [r.max_tokens for r in requests]
        )


def _pair(r: LoglikelihoodRequest | tuple[str, str]) -> tuple[str, str]:
    if isinstance(r, LoglikelihoodRequest):
        return r.context, r.continuation
    context, continuation = r
    return context, continuation


def _logit_transform(config: Any) -> Any:
    """What a ``*ForCausalLM`` does to ``lm_head`` output before returning logits (softcap / scaling)."""
    cfg = config.get_text_config(decoder=True)
    cap = getattr(cfg, "final_logit_softcapping", None)
    scale = getattr(cfg, "logit_scale", None)
    div = getattr(cfg, "logits_scaling", None)
    torch = _torch()
    if not cap and not scale and not div:
        return None

    def transform(logits: Any) -> Any:
        if scale:
            logits = logits * scale
        if div:
            logits = logits / div
        if cap:
            logits = torch.tanh(logits / cap) * cap
        return logits

    return transform
