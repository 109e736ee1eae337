"""Small helpers shared by the corpus readers: strict UTF-8 reading with errors that say where."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from ..errors import SovauditError

CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def allow_long_csv_fields() -> None:
    """Lift the csv module's 131,072-character field limit (a long document is a valid cell; without
    this a TSV/CSV cell over the limit ends as ``_csv.Error``). The limit is process-wide in ``csv``."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_records(text: str, path: Path, fix: str) -> list[dict[str, str]]:
    """The rows of CSV ``text`` (read from ``path``) as dicts keyed by its header. Quoted cells keep their
    ``\r`` and newlines as written and may be longer than 131,072 characters; a malformed file (``csv.Error``,
    e.g. a NUL byte) is one line naming ``path``, with ``fix``."""
    allow_long_csv_fields()
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SovauditError(f"{path} is not a readable CSV file ({exc})", fix) from exc


def read_utf8(path: Path) -> str:
    """The text of ``path`` decoded as UTF-8 (a BOM is dropped); errors name the file and the byte offset."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SovauditError(f"file not found: {path}", "check the path and the corpus layout") from exc
    except IsADirectoryError as exc:
        raise SovauditError(f"{path} is a folder, not a file", "point at the file itself") from exc
    except OSError as exc:
        raise SovauditError(f"cannot read {path}: {exc.strerror}", "check the file's permissions") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SovauditError(
            f"{path} is not UTF-8 (invalid byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            "convert the file to UTF-8, e.g. with: iconv -f <encoding> -t UTF-8",
        ) from exc


def read_lines(path: Path) -> list[str]:
    """The lines of a one-segment-per-line file, without line ends (a final newline adds no line)."""
    text = read_utf8(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]
