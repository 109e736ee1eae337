"""Find corpus files, cut them into deterministic shards, and stream documents out of a shard.

Formats: ``.txt`` (documents separated by blank lines, paragraphs = lines), ``.jsonl`` (one JSON object per
line, text in ``text_field``), each plain, ``.gz`` or ``.zst``; ``.parquet`` (column ``text_field``, read in
record batches); Hugging Face datasets saved locally (``save_to_disk`` folders of ``.arrow`` files, or
folders of parquet/jsonl files, found by walking the folder). The hub itself is not read (offline).

Sharding is deterministic: files sorted by path; plain ``.txt``/``.jsonl`` larger than ``shard_bytes`` are
cut into byte ranges (a range owns the lines that *start* inside it; a blank-line-separated ``.txt``
document that straddles a cut counts as two documents); parquet files are cut at row-group boundaries;
compressed and ``.arrow`` files are one shard each. Memory stays constant: one line, one record batch or
one (capped) document at a time.

The cap (``--max-line-mb``): a longer ``.txt`` line, or parquet/arrow text value, is identified and counted
on its first ``cap`` bytes (cut at a character boundary); a longer JSONL record cannot be parsed and is
skipped as a bad record. Each is counted in ``capped_lines``, the bytes not counted in ``capped_bytes``.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ...errors import SovauditError, require
from ...signature import short_hash
from .streams import BOM, TruncatedInput, decode, open_binary, read_lines, trim_partial_utf8

SUFFIXES = (".txt", ".text", ".jsonl", ".ndjson", ".parquet", ".arrow")
COMPRESSIONS = ("", ".gz", ".zst")
DEFAULT_SHARD_BYTES = 64 << 20
DEFAULT_MAX_LINE_BYTES = 16 << 20
MAX_DOC_PARAGRAPHS = 10_000  # a .txt "document" longer than this is split (constant memory)


@dataclass(frozen=True)
class Shard:
    """A deterministic slice of one file: byte range (text formats) or row-group range (parquet)."""

    path: str
    fmt: str  # txt | jsonl | parquet | arrow
    compression: str  # "" | gz | zst
    part: int
    start: int = 0
    end: int = -1  # exclusive; -1 = to the end of the file
    size: int = 0
    mtime_ns: int = 0

    @property
    def id(self) -> str:
        """Stable, file-name safe identity: readable stem + part + hash of path and range."""
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(self.path).name)[:48]
        return f"{stem}.{self.part:04d}-{short_hash(f'{self.path}|{self.start}|{self.end}')}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shard:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)


def file_format(path: Path) -> tuple[str, str] | None:
    """``(fmt, compression)`` from the file name, or ``None`` for files the audit does not read."""
    name = path.name.lower()
    for comp in COMPRESSIONS:
        for suffix in SUFFIXES:
            if name.endswith(suffix + comp):
                if comp and suffix in (".parquet", ".arrow"):
                    return None
                fmt = {".text": "txt", ".ndjson": "jsonl"}.get(suffix, suffix[1:])
                return fmt, comp.lstrip(".")
    return None


def discover(paths: list[str]) -> list[Path]:
    """Expand files, folders (recursively) and globs into the sorted list of readable corpus files."""
    found: set[Path] = set()
    for raw in paths:
        if any(c in raw for c in "*?["):
            matches = [Path(m) for m in glob.glob(raw, recursive=True)]
            if not matches:
                raise SovauditError(f"no file matches {raw!r}", "check the pattern (quote it for the shell)")
            candidates = [m for m in matches if m.is_file()] + [
                f for m in matches if m.is_dir() for f in m.rglob("*") if f.is_file()
            ]
        else:
            p = Path(raw)
            if p.is_dir():
                candidates = [f for f in p.rglob("*") if f.is_file()]
            elif p.is_file():
                candidates = [p]
                if file_format(p) is None:
                    raise SovauditError(
                        f"{p} is not a corpus file the audit reads",
                        "pass .txt, .jsonl (plain, .gz, .zst), .parquet or .arrow files, or a folder",
                    )
            elif re.fullmatch(r"[\w.-]+/[\w.-]+", raw) and not raw.startswith("."):
                raise SovauditError(
                    f"corpus path {raw} does not exist (Hugging Face hub datasets are not downloaded: the "
                    "audit runs offline)",
                    f"download it where you are online (datasets.load_dataset('{raw}').save_to_disk(DIR)) "
                    "and pass DIR",
                )
            else:
                raise SovauditError(
                    f"corpus path {raw} does not exist", "pass existing files, folders or globs"
                )
        found.update(
            c.resolve() for c in candidates if file_format(c) is not None and not c.name.startswith(".")
        )
    for f in sorted(found):
        _check_name_encoding(f)
    if not found:
        raise SovauditError(
            f"no corpus files (.txt, .jsonl[.gz|.zst], .parquet, .arrow) under {' '.join(paths)}",
            "pass the files or folders that hold the corpus",
        )
    return sorted(found)


def _check_name_encoding(path: Path) -> None:
    """Refuse a file name that is not valid UTF-8 before any work: the name goes into shard ids, the
    signature, results.json and the report, which are all UTF-8."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise SovauditError(
            f"corpus file name {shown} is not valid UTF-8",
            "rename the file (e.g. convmv -f latin1 -t utf8 --notest NAME) or leave it out",
        ) from None


def plan_shards(files: list[Path], text_field: str, shard_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """Cut ``files`` into shards, in a deterministic order; checks that ``text_field`` exists."""
    shards: list[Shard] = []
    for path in files:
        fmt_comp = file_format(path)
        assert fmt_comp is not None
        fmt, comp = fmt_comp
        st = path.stat()
        base = {
            "path": str(path),
            "fmt": fmt,
            "compression": comp,
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        }
        if fmt == "parquet":
            shards.extend(_parquet_shards(path, text_field, shard_bytes, base))
            continue
        if fmt == "arrow":
            _check_arrow_field(path, text_field)
        elif fmt == "jsonl":
            _check_jsonl_field(path, comp, text_field)
        if comp or fmt == "arrow" or st.st_size <= shard_bytes:
            shards.append(Shard(part=0, **base))  # type: ignore[arg-type]
            continue
        for i, start in enumerate(range(0, st.st_size, shard_bytes)):
            shards.append(Shard(part=i, start=start, end=min(start + shard_bytes, st.st_size), **base))  # type: ignore[arg-type]
    return shards


def _no_field(path: Path, field: str, have: list[str]) -> SovauditError:
    return SovauditError(
        f"text field '{field}' not found in {path} (fields: {', '.join(have[:12]) or 'none'})",
        "name the field holding the text with --text-field",
    )


def _parquet_shards(path: Path, field: str, shard_bytes: int, base: dict[str, Any]) -> list[Shard]:
    pq: Any = require("pyarrow.parquet", "corpus")
    try:
        meta = pq.ParquetFile(str(path)).metadata
    except (OSError, ValueError):  # a broken file: one shard, counted and skipped when it runs
        return [Shard(part=0, **base)]
    names = [meta.schema.column(i).path.split(".")[0] for i in range(meta.num_columns)]
    if field not in names:
        raise _no_field(path, field, names)
    shards: list[Shard] = []
    start, acc = 0, 0
    for g in range(meta.num_row_groups):
        acc += meta.row_group(g).total_byte_size
        if acc >= shard_bytes or g == meta.num_row_groups - 1:
            shards.append(Shard(part=len(shards), start=start, end=g + 1, **base))
            start, acc = g + 1, 0
    return shards or [Shard(part=0, start=0, end=0, **base)]


def _check_arrow_field(path: Path, field: str) -> None:
    pa: Any = require("pyarrow", "corpus")
    try:
        with pa.memory_map(str(path)) as src:
            names = pa.ipc.open_stream(src).schema.names
    except Exception:  # unreadable: counted and skipped when the shard runs
        return
    if field not in names:
        raise _no_field(path, field, list(names))


def _check_jsonl_field(path: Path, comp: str, field: str) -> None:
    try:
        with open_binary(path, comp) as f:
            for _ in range(100):
                line = f.readline(1 << 20)
                if not line:
                    return
                if line.strip():
                    break
            else:
                return
        rec = json.loads(line.removeprefix(BOM))
    except (ValueError, RecursionError, OSError, EOFError, zlib.error, TruncatedInput):
        return  # corrupt or truncated: counted and skipped when its shard is read
    if isinstance(rec, dict) and field not in rec:
        raise _no_field(path, field, list(rec))


_SURROGATES = re.compile("[\ud800-\udfff]")
_surrogate = _SURROGATES.search
_escaped_surrogate = re.compile(rb"\\u[dD]").search  # a cheap test on the raw line before the one above
_json_decode = json.JSONDecoder().decode

Document = list[str]  # paragraphs (stripped, non-empty lines)


def paragraphs(text: str) -> Document:
    """A document's paragraphs: its non-empty lines, stripped."""
    return list(filter(None, map(str.strip, text.splitlines())))


def iter_documents(shard: Shard, text_field: str, cap: int, read: dict[str, int]) -> Iterator[Document]:
    """Stream the documents of ``shard``; raises :class:`TruncatedInput` for files that end early."""
    path = Path(shard.path)
    if shard.size == 0:
        read["empty_files"] += 1
        return
    try:
        if shard.fmt == "txt":
            yield from _txt_documents(path, shard, cap, read)
        elif shard.fmt == "jsonl":
            yield from _jsonl_documents(path, shard, text_field, cap, read)
        elif shard.fmt == "parquet":
            yield from _table_documents(_parquet_batches(path, shard, text_field), text_field, cap, read)
        else:
            yield from _table_documents(_arrow_batches(path), text_field, cap, read)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise TruncatedInput(f"{type(exc).__name__}: {exc}") from exc
    except OSError as exc:
        raise TruncatedInput(f"unreadable: {exc}") from exc
    read["files"] += 1


def _txt_documents(path: Path, shard: Shard, cap: int, read: dict[str, int]) -> Iterator[Document]:
    with open_binary(path, shard.compression) as f:
        doc: Document = []
        for line, full in read_lines(f, shard.start, shard.end, cap, read):
            if full > len(line):
                read["capped_bytes"] += full - len(line)  # identified and counted on its first cap bytes
            text = decode(line, read).strip()
            if text:
                doc.append(text)
                if len(doc) < MAX_DOC_PARAGRAPHS:
                    continue
            if doc:
                yield doc
                doc = []
        if doc:
            yield doc


def _jsonl_documents(
    path: Path, shard: Shard, field: str, cap: int, read: dict[str, int]
) -> Iterator[Document]:
    loads = _json_decode  # json.loads on str, without its per-call type checks
    with open_binary(path, shard.compression) as f:
        for line, full in read_lines(f, shard.start, shard.end, cap, read):
            if full > len(line):
                read["bad_records"] += 1  # a record over the cap cannot be parsed: counted, skipped
                read["capped_bytes"] += full
                continue
            if line.isspace():
                continue
            text = line.decode("utf-8", errors="replace")
            if "\ufffd" in text:
                read["replacement_chars"] += text.count("\ufffd") - line.count(b"\xef\xbf\xbd")
            try:
                rec = loads(text)
            except (ValueError, RecursionError):  # RecursionError: nested too deep
                read["bad_records"] += 1
                continue
            if not isinstance(rec, dict) or field not in rec:
                read["missing_field"] += 1
                continue
            value = rec[field]
            if not isinstance(value, str):
                read["bad_records"] += 1
                continue
            if _escaped_surrogate(line) and _surrogate(value):  # lone surrogates from \\uD800-\\uDFFF escapes
                value, n = _SURROGATES.subn("\ufffd", value)
                read["replacement_chars"] += n
            yield list(filter(None, map(str.strip, value.splitlines())))  # paragraphs(value), inlined


def _parquet_batches(path: Path, shard: Shard, field: str) -> Iterator[Any]:
    pq: Any = require("pyarrow.parquet", "corpus")
    pf = pq.ParquetFile(str(path))
    groups = list(range(shard.start, shard.end if shard.end >= 0 else pf.metadata.num_row_groups))
    if groups:
        yield from pf.iter_batches(batch_size=1024, columns=[field], row_groups=groups)


def _arrow_batches(path: Path) -> Iterator[Any]:
    pa: Any = require("pyarrow", "corpus")
    with pa.memory_map(str(path)) as src:
        try:
            reader = pa.ipc.open_stream(src)
        except pa.ArrowInvalid:
            reader = pa.ipc.open_file(src)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)
            return
        yield from reader


def _table_documents(
    batches: Iterator[Any], field: str, cap: int, read: dict[str, int]
) -> Iterator[Document]:
    pa: Any = require("pyarrow", "corpus")
    try:
        for batch in batches:
            if field not in batch.schema.names:
                raise SovauditError(
                    f"text field '{field}' not found", "name the text field with --text-field"
                )
            for value in batch.column(field).to_pylist():
                if value is None:
                    read["missing_field"] += 1
                elif not isinstance(value, str):
                    read["bad_records"] += 1
                else:
                    if len(value) * 4 > cap and len(encoded := value.encode("utf-8")) > cap:
                        read["capped_lines"] += 1  # a huge cell: cut like a huge line
                        read["capped_bytes"] += len(encoded) - cap
                        value = trim_partial_utf8(encoded[:cap]).decode("utf-8")
                    yield paragraphs(value)
    except (pa.ArrowInvalid, pa.ArrowIOError, UnicodeDecodeError) as exc:  # bad UTF-8 in a damaged page
        raise TruncatedInput(f"{type(exc).__name__}: {exc}") from exc
