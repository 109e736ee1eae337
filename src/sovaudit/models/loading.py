"""``load_model(spec)``: model spec strings, the backend registry, and the answer cache around every backend.

Spec grammar (CLI ``--model`` and :func:`load_model` take the same strings)::

    [BACKEND:]TARGET            BACKEND in the registry: hf (default), llamacpp, ...
    openai:BASE_URL#MODEL       an OpenAI-compatible server, e.g. openai:http://127.0.0.1:8080#gemma
    openai:BASE_URL#MODEL?K=V&K=V   ... with backend options, e.g. #smollm2?bos_text=<|im_start|>

Why ``hf`` is the default backend, for both request kinds (``benchmarks/llamacpp_vs_hf.py``, Gemma 3 270M
GGUF, 1 thread, this 2-core machine): hf/llamacpp CPU time 0.80 on multiple choice and 0.69 on rolling
UDHR texts, i.e. the engine on the float32 dequantisation is the faster of the two, and the two backends'
totals differ by 0.62% (MC) and 0.63% (rolling), within the 0.1-1% expected between quantised kernels
and float32. ``llamacpp:NAME`` stays available (no torch, lower memory); its numbers are cached apart.

TARGET is a model asset name from the catalogue (``gemma3-270m``, ``smollm2-135m``: installed on first
use), a ``.gguf`` file, or a transformers model folder. ``hf:ORG/NAME`` names a model hub id and is the only
spec that may download (only when it is not a local path).

Backend options (data only: a fixed table of names and types, :data:`OPTION_TYPES`) come from the
``?K=V&K=V`` query after an openai spec's model, from ``--model-option K=V`` on the CLI, or as keywords
of :func:`load_model`; :func:`parse_model_options` checks and converts them (query values are
URL-decoded: write ``%2B`` for a ``+``). llama-cpp-python's server
needs ``bos_text=<|im_start|>`` to score SmolLM2 (a model that adds no BOS) correctly.

Backends are registered by name as ``"module:function"`` strings and imported only when used; a factory
takes ``(ModelSpec, LoadOptions)`` and returns a :class:`~sovaudit.models.base.LanguageModel`.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from ..errors import SovauditError
from .base import LanguageModel

Factory = Callable[["ModelSpec", "LoadOptions"], LanguageModel]

BACKENDS: dict[str, str | Factory] = {
    "hf": "sovaudit.models.loading:load_hf",
    "llamacpp": "sovaudit.models.loading:load_llamacpp",
    "openai": "sovaudit.models.loading:load_openai",
}
DEFAULT_BACKEND = "hf"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model spec. ``path`` is the resolved GGUF file or folder (``None`` for servers / hub ids)."""

    text: str
    backend: str
    target: str
    asset: str | None = None
    path: Path | None = None
    digest: str | None = None  # known SHA-256 of the file (from the asset manifest)
    base_url: str | None = None
    model: str | None = None
    hub_id: str | None = None
    options: tuple[tuple[str, Any], ...] = ()  # backend options given in the spec (openai's ?K=V)

    @property
    def name(self) -> str:
        """A short name for results rows: the asset name, the model id, or the file/folder stem."""
        if self.asset:
            return self.asset
        if self.model:
            return self.model
        if self.hub_id:
            return self.hub_id
        if self.path is not None:
            return self.path.stem if self.path.suffix == ".gguf" else self.path.name
        return self.target


@dataclass(frozen=True)
class LoadOptions:
    """Options common to backends; ``extra`` holds backend-specific keyword arguments."""

    cache: bool = True
    trust_remote_code: bool = False
    dtype: str = "float32"
    device: str | None = None
    max_length: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# Backend options a spec string or --model-option may set: name -> type. Values are converted from text.
OPTION_TYPES: dict[str, dict[str, type]] = {
    "openai": {
        "bos_text": str,
        "concurrency": int,
        "timeout": float,
        "max_retries": int,
        "backoff": float,
        "max_backoff": float,
        "generation": str,
    },
    "llamacpp": {
        "n_ctx": int,
        "n_batch": int,
        "n_threads": int,
        "add_bos": bool,
        "rolling_context": int,
        "generation": str,
    },
    "hf": {"rolling_context": int, "batch_invariant": bool},
}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# The smallest value each numeric option takes (and whether the bound itself is excluded): a negative
# timeout or a zero context is a user error, refused before any work, not a crash inside a backend.
OPTION_MIN: dict[str, tuple[float, bool]] = {
    "concurrency": (1, False),
    "timeout": (0, True),
    "max_retries": (0, False),
    "backoff": (0, False),
    "max_backoff": (0, False),
    "n_ctx": (1, False),
    "n_batch": (1, False),
    "n_threads": (1, False),
    "rolling_context": (1, False),
}


def parse_model_options(backend: str, pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Check ``(name, text value)`` pairs against ``backend``'s :data:`OPTION_TYPES` and convert them."""
    types = OPTION_TYPES.get(backend, {})
    out: dict[str, Any] = {}
    for key, raw in pairs:
        key = key.strip()
        if key not in types:
            known = ", ".join(sorted(types)) or "none"
            raise SovauditError(
                f"unknown option '{key}' for the {backend} backend", f"options it takes: {known}"
            )
        kind = types[key]
        try:
            if kind is bool:
                if raw.strip().lower() not in _TRUE + _FALSE:
                    raise ValueError(raw)
                out[key] = raw.strip().lower() in _TRUE
            else:
                out[key] = kind(raw)
        except ValueError:
            raise SovauditError(
                f"option {key}={raw!r} is not a valid {kind.__name__}",
                f"give {key}=<{kind.__name__}>",
            ) from None
        _check_range(key, out[key])
    return out


def _check_range(key: str, value: Any) -> None:
    if key not in OPTION_MIN or isinstance(value, bool):
        return
    low, exclusive = OPTION_MIN[key]
    if not math.isfinite(value) or value < low or (exclusive and value == low):
        bound = f"greater than {low:g}" if exclusive else f"at least {low:g}"
        raise SovauditError(f"option {key}={value!r} is out of range", f"give {key} {bound}")


def split_option(text: str) -> tuple[str, str]:
    """``"KEY=VALUE"`` -> ``("KEY", "VALUE")`` (the value may contain ``=``)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise SovauditError(f"bad model option '{text}'", "write --model-option KEY=VALUE")
    return key.strip(), value


def register_backend(name: str, factory: str | Factory) -> None:
    """Register a backend factory (a callable or a lazy ``"module:function"`` string) under ``name``."""
    BACKENDS[name] = factory


def _factory(name: str) -> Factory:
    entry = BACKENDS[name]
    if callable(entry):
        return entry
    module, _, attr = entry.partition(":")
    fn: Factory = getattr(importlib.import_module(module), attr)
    return fn


def backend_of(spec: str) -> str:
    """The backend a spec string names (its known ``BACKEND:`` prefix, else the default); no loading."""
    prefix, sep, _ = spec.strip().partition(":")
    return prefix if sep and prefix in BACKENDS else DEFAULT_BACKEND


def parse_spec(spec: str) -> ModelSpec:
    """Split ``spec`` into backend and target and resolve the target (installing a model asset if needed)."""
    text = spec.strip()
    if not text:
        raise SovauditError(
            "empty model spec", "pass e.g. --model gemma3-270m, a .gguf file or a model folder"
        )
    backend = backend_of(text)
    target = text.partition(":")[2] if backend != DEFAULT_BACKEND or text.startswith("hf:") else text
    if backend == "openai":
        base_url, hash_, model = target.rpartition("#")
        model, _, query = model.partition("?")
        if not hash_ or not base_url or not model:
            raise SovauditError(f"bad openai model spec '{text}'", "write openai:<base-url>#<model>")
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=False) if query else []
        if query and not pairs:
            raise SovauditError(f"bad options '?{query}' in model spec", "write ?KEY=VALUE&KEY=VALUE")
        options = tuple(parse_model_options(backend, pairs).items())
        return ModelSpec(text, backend, target, base_url=base_url, model=model, options=options)
    return _resolve_local(text, backend, target)


def _resolve_local(text: str, backend: str, target: str) -> ModelSpec:
    from ..assets.catalogue import catalogue

    asset = catalogue().get(target)
    if asset is not None and asset.kind == "model":
        path, digest = asset_gguf(target)
        return ModelSpec(text, backend, target, asset=target, path=path, digest=digest)
    path = Path(target).expanduser()
    if path.exists():
        if path.is_file():
            _check_readable(path)
        return ModelSpec(text, backend, target, path=path.resolve())
    if backend == "hf" and text.startswith("hf:") and _HUB_ID.match(target):
        return ModelSpec(text, backend, target, hub_id=target)
    models = sorted(a.name for a in catalogue().values() if a.kind == "model")
    raise SovauditError(
        f"model '{target}' not found: not a model asset, file or folder",
        f"use one of {', '.join(models)}, a .gguf file, a model folder, or openai:<url>#<model>",
    )


def _check_readable(path: Path) -> None:
    try:
        with path.open("rb") as f:
            f.read(4)
    except OSError as exc:
        raise SovauditError(
            f"cannot read model file {path}: {exc.strerror or exc}", "check the file and its permissions"
        ) from exc


def check_model_asset(name: str) -> None:
    """Re-hash an installed model asset's files against its manifest; raise if one changed.

    A 300 MB file is read once per file identity (real path, size, mtime, inode): the digests are kept in
    ``$SOVAUDIT_HOME/hash-cache.json`` (:class:`sovaudit.bundle.hashing.HashCache`), so a run that finds
    the file as it was costs a ``stat``; a rewritten or replaced file has a new mtime or inode and is read.
    """
    from ..assets.store import AssetStore
    from ..bundle.hashing import HashCache

    hashes = HashCache()
    try:
        AssetStore().check(name, sha256=hashes.sha256)
    finally:
        hashes.save()


def asset_gguf(name: str) -> tuple[Path, str | None]:
    """The GGUF file of an installed (or now installed) model asset and its SHA-256 from the manifest,
    after checking the installed files still match it (:func:`check_model_asset`)."""
    from ..assets.store import MANIFEST, AssetStore

    base = AssetStore().path(name)
    check_model_asset(name)
    manifest = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
    ggufs = sorted(rel for rel in manifest["files"] if rel.endswith(".gguf"))
    if len(ggufs) != 1:
        raise SovauditError(
            f"asset '{name}' does not hold exactly one .gguf file",
            f"reinstall: sovaudit assets install --force {name}",
        )
    return base / ggufs[0], manifest["files"][ggufs[0]]


def load_model(
    spec: str,
    *,
    cache: bool = True,
    trust_remote_code: bool = False,
    dtype: str = "float32",
    device: str | None = None,
    max_length: int | None = None,
    **extra: Any,
) -> LanguageModel:
    """Load the model that ``spec`` names (see the module docstring) behind the answer cache.

    ``cache=False`` turns the SQLite answer cache off (benchmarks). ``trust_remote_code`` is passed to
    transformers only when true. Backend-specific keywords go through ``extra`` (and override the
    options of an openai spec's ``?K=V`` query).
    """
    parsed = parse_spec(spec)
    opts = LoadOptions(cache, trust_remote_code, dtype, device, max_length, {**dict(parsed.options), **extra})
    model = _factory(parsed.backend)(parsed, opts)
    if not cache:
        return model
    from .cache import CachedModel

    cached: LanguageModel = CachedModel(model)
    return cached


# -- built-in factories ---------------------------------------------------------------------------------
def load_hf(spec: ModelSpec, opts: LoadOptions) -> LanguageModel:
    """The ``hf`` backend: a folder as is; a GGUF through its cached safetensors conversion."""
    from .hf import HFModel, HFOptions, convert_gguf

    hf_opts = HFOptions(
        dtype=opts.dtype,
        device=opts.device,
        trust_remote_code=opts.trust_remote_code,
        max_length=opts.max_length,
        **{k: v for k, v in opts.extra.items() if k in ("rolling_context", "batch_invariant", "limits")},
    )
    if spec.hub_id is not None:
        from ..errors import require

        hub: Any = require("huggingface_hub", "models")
        try:
            folder = Path(hub.snapshot_download(spec.hub_id))
        except Exception as exc:  # offline, unknown id, gated: the hub client's many error types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise SovauditError(
                f"cannot fetch model '{spec.hub_id}' from the model hub ({type(exc).__name__}: {first})",
                "download it where the hub is reachable (save_pretrained) and pass the folder",
            ) from exc
        return HFModel(folder, name=spec.hub_id, options=hf_opts)
    assert spec.path is not None
    if spec.path.is_file():
        if spec.path.suffix != ".gguf":
            from .hf import check_gguf

            check_gguf(spec.path)  # raises with a clear message unless it is a GGUF after all
        folder = convert_gguf(spec.path, spec.digest, opts.trust_remote_code)
        return HFModel(folder, name=spec.name, digest=None, options=hf_opts)
    return HFModel(spec.path, name=spec.name, options=hf_opts)


def load_llamacpp(spec: ModelSpec, opts: LoadOptions) -> LanguageModel:
    """The ``llamacpp`` backend (module ``sovaudit.models.llamacpp_backend``)."""
    from .llamacpp_backend import LlamaCppModel

    if spec.path is None or not spec.path.is_file():
        raise SovauditError(
            f"the llamacpp backend needs a .gguf file, got '{spec.target}'",
            "give a .gguf file or a model asset",
        )
    kwargs = dict(opts.extra)
    if opts.max_length and "n_ctx" not in kwargs:
        kwargs["n_ctx"] = opts.max_length
    model: LanguageModel = LlamaCppModel(spec.path, name=spec.name, digest=spec.digest, **kwargs)
    return model


def load_openai(spec: ModelSpec, opts: LoadOptions) -> LanguageModel:
    """The ``openai`` backend (module ``sovaudit.models.openai_backend``)."""
    from .openai_backend import OpenAIModel

    assert spec.base_url is not None and spec.model is not None
    model: LanguageModel = OpenAIModel(spec.base_url, spec.model, **dict(opts.extra))
    return model
