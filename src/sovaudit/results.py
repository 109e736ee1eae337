"""The versioned results document every audit writes, and the only thing the report reads.

A document carries the settings actually used, provenance (sovaudit version, git revision, package
versions, asset hashes), a signature string and the rows. Audits may add top-level objects of their own
(e.g. ``summary``, or ``mof`` for the openness audit). Files are written atomically, so a crashed run never
leaves a partial ``results.json`` that looks complete.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import __version__
from .errors import SovauditError

FORMAT_VERSION = 2  # 2: audit_version, items and row_columns declared (1 is read and migrated)
MIN_FORMAT_VERSION = 1
RESULTS_FILE = "results.json"
ROWS_CSV = "rows.csv"
PUBLISH_WAIT_S = 30.0  # how long write_results waits for another process that holds the folder's lock
DEFAULT_PACKAGES = (
    "pydantic",
    "tiktoken",
    "tokenizers",
    "sentencepiece",
    "mistral-common",
    "langcodes",
    "language-data",
    "numpy",
    "torch",
    "transformers",
    "llama-cpp-python",
)


class AssetRecord(BaseModel):
    """An asset a result depends on: where it came from, its license and its hash."""

    name: str
    kind: str
    version: str = ""
    sha256: str = ""
    license: str = ""
    origin: str = ""


class Provenance(BaseModel):
    """Who computed a result, with what code and on which inputs."""

    sovaudit_version: str = __version__
    git_revision: str = "unknown"
    python: str = Field(default_factory=lambda: platform.python_version())
    platform: str = Field(default_factory=lambda: platform.platform())
    packages: dict[str, str] = Field(default_factory=dict)
    assets: list[AssetRecord] = Field(default_factory=list)
    command: list[str] = Field(default_factory=list)
    created_at: str = Field(default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    cpu: dict[str, str] = Field(default_factory=dict)  # see cpu_info(); empty in documents made before it


class InputRecord(BaseModel):
    """One input of a run (see :mod:`sovaudit.inputs`): the spec field that named it, what it is, where it
    was and the SHA-256 of its content."""

    model_config = ConfigDict(frozen=True)

    field: str  # the spec field, e.g. "corpus", "model.spec", "tokenizers[1]"
    kind: str  # file | folder | asset | remote
    value: str  # what the user wrote
    path: str = ""  # the resolved path (portable: $SOVAUDIT_HOME/... for the asset cache); "" for assets
    sha256: str = ""  # content digest; "" only for remote models
    files: int = Field(default=0, ge=0)  # regular files hashed (folders); 1 for a file
    bytes: int = Field(default=0, ge=0)


class ResultsDocument(BaseModel):
    """One audit run: settings, provenance, signature and rows (plus audit-specific top-level objects)."""

    model_config = ConfigDict(extra="allow")

    format_version: int = FORMAT_VERSION
    audit: str
    audit_version: str = ""
    signature: str
    settings: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance = Field(default_factory=Provenance)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    row_columns: list[str] = Field(default_factory=list)
    summary: dict[str, Any] = Field(default_factory=dict)
    items: list[dict[str, Any]] = Field(default_factory=list)  # the per-item log
    notes: list[str] = Field(default_factory=list)
    inputs: list[InputRecord] = Field(default_factory=list)  # every input with its content digest
    # metric column -> {"higher_is_better": true/false/null, "description": ...} (the audit's declaration)
    metrics: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        """Upgrade older documents: version 1 kept the per-item log as an undeclared ``items`` extra and had
        no ``audit_version`` or ``row_columns``; it reads into the declared fields as it is."""
        if not isinstance(data, dict):
            return data
        version = data.get("format_version", 1)
        if isinstance(version, int) and version < MIN_FORMAT_VERSION:
            raise ValueError(f"format_version {version} is not a sovaudit results format")
        if version == 1:
            data = {**data, "format_version": FORMAT_VERSION}
        return data


def git_revision() -> str:
    """The git revision of the sovaudit checkout, ``+dirty`` if it has changes, or ``unknown``."""
    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if rev.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_versions(names: Iterable[str] = DEFAULT_PACKAGES) -> dict[str, str]:
    """Installed versions of the named distributions (absent ones are left out)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


SIMD_FLAGS = (
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
    "amx_tile", "asimd", "sve",
)  # fmt: skip


@functools.cache
def _cpu_hardware() -> tuple[tuple[str, str], ...]:
    """Machine, CPU model name and the SIMD flags (of :data:`SIMD_FLAGS`) from ``/proc/cpuinfo``."""
    model, flags = platform.processor() or "unknown", set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                if key in ("model name", "cpu model") and model in ("unknown", platform.machine()):
                    model = value.strip()
                elif key in ("flags", "features"):
                    flags.update(value.split())
                elif not line.strip() and flags:
                    break  # the first processor is enough
    except OSError:
        pass
    simd = " ".join(f for f in SIMD_FLAGS if f in flags)
    return ("machine", platform.machine()), ("model", model), ("simd", simd)


def cpu_info() -> dict[str, str]:
    """What decides which SIMD kernels computed the numbers: the CPU model and its SIMD flags; torch's
    ATen kernel level (``torch.backends.cpu.get_cpu_capability()``) and llama.cpp's
    ``llama_print_system_info()`` when those libraries are loaded in this process (never imported just for
    this); and the environment variables that lower kernel levels, where set.
    """
    info = dict(_cpu_hardware())
    torch = sys.modules.get("torch")
    if torch is not None:
        with contextlib.suppress(Exception):
            info["torch_capability"] = str(torch.backends.cpu.get_cpu_capability())
    llama_cpp = sys.modules.get("llama_cpp")
    if llama_cpp is not None:
        with contextlib.suppress(Exception):
            text = llama_cpp.llama_print_system_info()
            info["llama_cpp"] = (
                text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            ).strip()
    for var in ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR"):
        if os.environ.get(var):
            info[var] = os.environ[var]
    return info


def make_provenance(
    assets: Iterable[AssetRecord] = (), packages: Iterable[str] = DEFAULT_PACKAGES
) -> Provenance:
    """Provenance for a run made now, by this process."""
    return Provenance(
        git_revision=git_revision(),
        packages=package_versions(packages),
        assets=list(assets),
        command=[Path(sys.argv[0]).name, *sys.argv[1:]],
        cpu=cpu_info(),
    )


def write_files_atomic(files: Mapping[Path, str]) -> None:
    """Write every file (UTF-8 text) to a temporary name first, then move them into place, in order.

    The last file is moved into place last, so it can mark the others complete. A failure while writing
    (disk full, no permission) leaves no temporary files behind and re-raises the ``OSError``. A
    destination that exists as anything but a regular file is refused (:class:`SovauditError`).
    """
    from .outdir import check_file_target

    for path in files:
        check_file_target(path)  # a device, FIFO, socket or symlink in its place is refused, not replaced
    tmps = {path: path.with_name(f".{path.name}.tmp-{os.getpid()}") for path in files}
    try:
        for path, text in files.items():
            tmps[path].write_text(text, encoding="utf-8")
        for path in files:
            os.replace(tmps[path], path)
    except OSError:
        for tmp in tmps.values():
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def staged_dir(dest: Path, prefix: str = ".staged-") -> Iterator[Path]:
    """Yield a fresh folder beside ``dest``; when the block succeeds, it replaces ``dest`` in one rename.

    A failure inside the block leaves ``dest`` as it was and removes the staging folder.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=dest.parent))
    try:
        yield tmp
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _write_all(files: dict[Path, str]) -> None:
    """Write the files with :func:`write_files_atomic`; a failure leaves the previous files as they were."""
    try:
        write_files_atomic(files)
    except OSError as exc:
        where = next(iter(files)).parent
        raise SovauditError(
            f"cannot write the results to {where}: {exc.strerror or exc}", "pass a writable --out"
        ) from exc


def write_results(doc: ResultsDocument, out_dir: str | Path, csv_columns: list[str] | None = None) -> Path:
    """Write ``results.json`` (and ``rows.csv``) into ``out_dir`` atomically; return the JSON path.

    Both files are written in full under temporary names before either replaces an earlier one, and
    ``results.json`` is moved into place last, all under ``out``'s lock (:mod:`sovaudit.outdir`): two
    processes writing into one folder publish one after the other, never a mixed pair.
    """
    from .outdir import check_file_target, locked_out

    out = Path(out_dir)
    files: dict[Path, str] = {}
    if doc.rows:
        from .csvsafe import csv_text  # formula-like cells neutralised (OWASP), numbers kept

        files[out / ROWS_CSV] = csv_text(csv_columns or _columns(doc.rows), doc.rows)
    path = out / RESULTS_FILE
    files[path] = doc.model_dump_json(indent=1)
    for target in (out / ROWS_CSV, path):
        check_file_target(target)
    # under the folder's lock (another writer finishes first): the pair is never one's JSON + other's CSV
    with locked_out(out, wait=PUBLISH_WAIT_S):
        if not doc.rows:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(out / ROWS_CSV)  # an older run's table would not match these results
        _write_all(files)
    return path


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if not isinstance(value, dict | list):
                columns.setdefault(key, None)
    return list(columns)


def load_results(path: str | Path) -> ResultsDocument:
    """Read a results document (a ``results.json`` file or the folder holding one)."""
    p = Path(path)
    if p.is_dir():
        p = p / RESULTS_FILE
    if not p.is_file():
        raise SovauditError(f"no results file at {p}", "pass a results.json written by a sovaudit audit")
    from .safeio import MAX_RESULTS_BYTES, NotRegularFile, read_regular

    try:  # a regular file only: a link is never followed, a FIFO never waited on
        raw = json.loads(read_regular(p, MAX_RESULTS_BYTES).decode("utf-8"))
    except NotRegularFile as exc:
        raise SovauditError(
            f"{p} is a {exc.kind}; results are read only from regular files (links are never followed)",
            "pass the results.json itself, not a link to it",
        ) from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SovauditError(
            f"{p} is not valid JSON ({exc})", "pass a results.json written by sovaudit"
        ) from exc
    try:
        doc = ResultsDocument.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise SovauditError(
            f"{p} is not a sovaudit results document ({where}: {first['msg']})",
            "pass a results.json written by sovaudit",
        ) from exc
    if doc.format_version > FORMAT_VERSION:
        raise SovauditError(
            f"{p} has results format {doc.format_version}, newer than this sovaudit reads ({FORMAT_VERSION})",
            "upgrade sovaudit",
        )
    return doc
