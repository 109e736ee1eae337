"""Bundled tokenizers (data in ``registry.yaml``) and ``load_tokenizer`` for names and local files."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from ..errors import AssetError, SovauditError
from ..signature import sha256_file
from .base import Tokenizer, TokenizerInfo

Format = Literal[
    "tiktoken", "quicktok", "hf", "llama_js", "sentencepiece", "mistral_sp", "tekken", "bytes", "chars"
]


class TokenizerSpec(BaseModel):
    """One bundled tokenizer: the catalogue asset and member that carry it, its format and split pattern."""

    name: str
    description: str = ""
    asset: str = ""
    member: str = ""
    format: Format
    pattern: str | None = None
    normalize: Literal["NFC", "NFKC", "NFD", "NFKD"] | None = None
    twin: str | None = None


class Registry(BaseModel):
    """The parsed ``registry.yaml``."""

    patterns: dict[str, str]
    default_pattern: str
    tokenizers: list[TokenizerSpec]
    alternates: list[TokenizerSpec] = []
    aliases: dict[str, str] = {}  # another name -> the bundled name (r50k_base -> gpt2)


@cache
def registry() -> Registry:
    """The bundled tokenizer table."""
    text = resources.files(__package__).joinpath("registry.yaml").read_text(encoding="utf-8")
    return Registry.model_validate(yaml.safe_load(text))


def bundled_names() -> list[str]:
    """The bundled tokenizers run by default, in table order."""
    return [t.name for t in registry().tokenizers]


def alternate_names() -> list[str]:
    """Second sources of bundled tokenizers (e.g. ``llama3/lenml``), loadable by name."""
    return [t.name for t in registry().alternates]


def get_spec(name: str) -> TokenizerSpec:
    """The table entry for a bundled (or alternate) tokenizer name, or an alias of one (``r50k_base``)."""
    name = registry().aliases.get(name, name)
    for spec in [*registry().tokenizers, *registry().alternates]:
        if spec.name == name:
            return spec
    raise SovauditError(
        f"unknown tokenizer '{name}'",
        f"use one of {', '.join(bundled_names())}, or a path to a tokenizer.json, .model or .tiktoken file",
    )


def resolve_pattern(pattern: str | None) -> str:
    """A named pattern (``cl100k``, ``o200k``, ...) or a literal regex; ``None`` gives the default pattern."""
    reg = registry()
    if pattern is None:
        return reg.patterns[reg.default_pattern]
    return reg.patterns.get(pattern, pattern)


def load_tokenizer(name_or_path: str, pattern: str | None = None, store: Any = None) -> Tokenizer:
    """A tokenizer by bundled name, or from a local file or folder recognised by its form.

    Local forms: a folder holding ``tokenizer.json``; a ``tokenizer.json`` (or a tekken ``.json``); a
    SentencePiece ``.model``; a tiktoken rank file (``.tiktoken``, or a ``.model`` written in that format) run
    with ``pattern`` (a name from the table or a regex; default cl100k's). ``store`` is an ``AssetStore``
    (default: the user's cache), used to install bundled assets on first use.
    """
    known = {t.name for t in [*registry().tokenizers, *registry().alternates]} | set(registry().aliases)
    if name_or_path in known:
        return _load_bundled(get_spec(name_or_path), store)
    path = Path(name_or_path).expanduser()
    if path.exists():
        return load_local(path, pattern)
    if "/" in name_or_path or path.suffix in (".json", ".model", ".tiktoken", ".vocab"):
        raise SovauditError(
            f"no tokenizer file or folder at {name_or_path}",
            f"check the path, or use a bundled name: {', '.join(bundled_names())}",
        )
    get_spec(name_or_path)  # raises the "unknown tokenizer" error
    raise AssertionError("unreachable")


def distinct_names(tokenizers: list[Tokenizer]) -> list[Tokenizer]:
    """Rename local tokenizers whose names collide (two ``models/tokenizer.json``) to ``name-<8 hex>``."""
    seen: dict[str, int] = {}
    for tok in tokenizers:
        seen[tok.name] = seen.get(tok.name, 0) + 1
    for tok in tokenizers:
        info = getattr(tok, "info", None)
        if seen[tok.name] > 1 and isinstance(info, TokenizerInfo) and info.kind == "local":
            tok.name = f"{tok.name}-{tok.digest[:8]}"
    return tokenizers


def _load_bundled(spec: TokenizerSpec, store: Any) -> Tokenizer:
    from .baselines import BytesTokenizer, CharsTokenizer

    if spec.format == "bytes":
        return BytesTokenizer()
    if spec.format == "chars":
        return CharsTokenizer()
    from ..assets import AssetStore, get_asset

    store = store or AssetStore()
    asset = get_asset(spec.asset)
    path = store.path(spec.asset, spec.member)
    info = TokenizerInfo(
        kind="bundled",
        format=spec.format,
        description=spec.description,
        asset=asset.name,
        member=spec.member,
        version=asset.version,
        license=asset.license,
        origin=asset.origin,
        path=str(path),
        pattern=spec.pattern or "",
    )
    pat = registry().patterns[spec.pattern] if spec.pattern else None
    _check_manifest(store, spec, sha256_file(path))
    return _from_file(spec.name, path, spec.format, pat, info, spec.normalize)


def _check_manifest(store: Any, spec: TokenizerSpec, digest: str) -> None:
    """The loaded file must still have the SHA-256 recorded when the asset was installed."""
    manifest = Path(store.asset_dir(spec.asset)) / "MANIFEST.json"
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        return
    expected = files.get(spec.member)
    if expected and expected != digest:
        raise AssetError(
            f"tokenizer {spec.name}: {spec.member} of asset {spec.asset} has SHA-256 {digest[:12]}…, "
            f"expected {expected[:12]}…",
            f"reinstall it: sovaudit assets install --force {spec.asset}",
        )


def load_local(path: Path, pattern: str | None = None) -> Tokenizer:
    """A tokenizer from a file or folder the user pointed at, recognised by its form."""
    from .bpe import looks_like_tiktoken

    if path.is_dir():
        if not (path / "tokenizer.json").is_file():
            raise SovauditError(
                f"folder {path} holds no tokenizer.json",
                "point at a tokenizer.json, .model or .tiktoken file",
            )
        path = path / "tokenizer.json"
    name = path.parent.name if path.name == "tokenizer.json" and path.parent.name else path.stem
    name = name.replace("|", "_") or "local"
    if path.suffix == ".json":
        fmt = "tekken" if _is_tekken(path) else "hf"
    elif looks_like_tiktoken(path):
        fmt = "tiktoken"
    elif path.suffix == ".model" or ".model." in path.name:
        fmt = "sentencepiece"
    elif path.suffix == ".vocab":
        fmt = "quicktok"
    else:
        raise SovauditError(
            f"cannot tell what kind of tokenizer {path} is",
            "point at a tokenizer.json (or its folder), a SentencePiece .model, or a .tiktoken file",
        )
    pat = resolve_pattern(pattern) if fmt in ("tiktoken", "quicktok") else None
    info = TokenizerInfo(
        kind="local",
        format=fmt,
        description=f"local {fmt} tokenizer {path}",
        path=str(path.resolve()),
        pattern=(pattern or registry().default_pattern) if pat else "",
    )
    return _from_file(name, path, fmt, pat, info, None)


def _is_tekken(path: Path) -> bool:
    """Tekken JSON starts with its ``config`` (or ``vocab``) key; a tokenizer.json with ``version``."""
    with path.open("rb") as f:
        head = f.read(256)
    return re.match(rb'\s*\{\s*"(config|vocab)"\s*:', head) is not None


def _from_file(
    name: str, path: Path, fmt: str, pattern: str | None, info: TokenizerInfo, normalize: str | None
) -> Tokenizer:
    if fmt in ("tiktoken", "quicktok"):
        from .bpe import TiktokenTokenizer

        assert pattern is not None
        return TiktokenTokenizer.from_file(name, path, fmt, pattern, info, normalize)
    if fmt == "tekken":
        from .bpe import TiktokenTokenizer

        return TiktokenTokenizer.tekken(name, path, info)
    if fmt == "hf":
        from .hf import HFTokenizer

        return HFTokenizer(name, path, info)
    if fmt == "llama_js":
        from .hf import HFTokenizer
        from .llama_js import build_llama_tokenizer

        return HFTokenizer(name, path, info, build_llama_tokenizer(path))
    from .spm import SentencePieceTokenizer

    if fmt == "mistral_sp":
        return SentencePieceTokenizer.mistral(name, path, info)
    return SentencePieceTokenizer.from_file(name, path, info)
