"""Readers of GlobalOpinionQA (Durmus et al. 2023, ``Anthropic/llm_global_opinions``) and files of its shape.

The published CSV has the columns ``question``, ``selections``, ``options``, ``source``. ``selections``
is the ``repr`` of a Python ``defaultdict(<class 'list'>, {country: [share, ...]})`` and ``options`` the
``repr`` of a list of option texts. Both are parsed with :func:`ast.literal_eval` after the
``defaultdict(...)`` wrapper is stripped; nothing is ever evaluated, so a field holding a call
(``__import__('os')...``) is refused, not run.
The same shape is read from JSON (a list of objects) and JSONL (one object a line), where ``selections``
may be an object and ``options`` a list, or the same text as in the CSV.
"""

from __future__ import annotations

import ast
import csv
import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import SovauditError

MAX_OPTIONS = 26  # one letter A..Z per option
_WRAPPER = re.compile(r"^\s*defaultdict\(\s*<class\s+'list'>\s*,\s*(.*)\)\s*$", re.DOTALL)
SUM_TOLERANCE = 1e-3  # a country's shares that sum further from 1 than this are renormalised and noted


@dataclass(frozen=True)
class OpinionQuestion:
    """One survey question: its text, options in the file's order, and each country's answer shares."""

    row: int  # 1-based data row in the file (the header is row 0 for CSV)
    question: str
    options: tuple[str, ...]
    selections: dict[str, tuple[float, ...]] = field(hash=False, compare=False)
    source: str = ""
    notes: tuple[str, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        """Plain JSON (a unit's payload)."""
        return {
            "row": self.row,
            "question": self.question,
            "options": list(self.options),
            "selections": {k: list(v) for k, v in self.selections.items()},
            "source": self.source,
            "notes": list(self.notes),
        }

    @classmethod
    def from_payload(cls, d: dict[str, Any]) -> OpinionQuestion:
        """Inverse of :meth:`to_payload`."""
        return cls(
            int(d["row"]),
            str(d["question"]),
            tuple(d["options"]),
            {k: tuple(float(x) for x in v) for k, v in d["selections"].items()},
            str(d.get("source", "")),
            tuple(d.get("notes", ())),
        )


@dataclass
class ReadResult:
    """The questions read from a file, and the rows skipped (with why) when skipping was allowed."""

    questions: list[OpinionQuestion]
    skipped: list[str] = field(default_factory=list)


class RowError(ValueError):
    """A row that cannot be read; the reader turns it into a one-line :class:`SovauditError`."""

    def __init__(self, column: str, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.column, self.problem, self.fix = column, problem, fix


def literal(text: str, column: str) -> Any:
    """``ast.literal_eval`` of ``text`` with the ``defaultdict(<class 'list'>, ...)`` wrapper stripped.

    Only Python literals are accepted: a name, a call or an attribute is refused, never evaluated.
    """
    m = _WRAPPER.match(text)
    body = m.group(1) if m else text
    try:
        return ast.literal_eval(body.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise RowError(
            column,
            f"'{column}' is not a Python literal ({type(exc).__name__})",
            f"write '{column}' as a literal such as "
            + (
                "defaultdict(<class 'list'>, {'Kenya': [0.4, 0.6]})"
                if column == "selections"
                else "['Yes', 'No']"
            ),
        ) from None


def _share(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or x < 0:
        raise RowError(
            "selections", f"share {x!r} is not a non-negative number", "write shares as numbers >= 0"
        )
    return float(x)


def parse_record(rec: dict[str, Any], row: int) -> OpinionQuestion:
    """One question from a record with ``question``, ``selections``, ``options`` (and ``source``)."""
    question = rec.get("question")
    if not isinstance(question, str) or not question.strip():
        raise RowError(
            "question", "the question is empty", "give every row a question text, or remove the row"
        )
    options = rec.get("options")
    if isinstance(options, str):
        options = literal(options, "options")
    if not isinstance(options, list | tuple) or not options or not all(isinstance(o, str) for o in options):
        raise RowError("options", "'options' is not a non-empty list of texts", "write e.g. ['Yes', 'No']")
    if len(options) > MAX_OPTIONS:
        raise RowError(
            "options",
            f"{len(options)} options (at most {MAX_OPTIONS}: one letter each)",
            "split the question",
        )
    sel = rec.get("selections")
    if isinstance(sel, str):
        sel = literal(sel, "selections")
    if not isinstance(sel, dict) or not sel:
        raise RowError(
            "selections",
            "'selections' is not a non-empty dict of country -> shares",
            "write defaultdict(<class 'list'>, {'Kenya': [0.4, 0.6]})",
        )
    selections: dict[str, tuple[float, ...]] = {}
    notes: list[str] = []
    for country, shares in sel.items():
        if not isinstance(country, str) or not country.strip():
            raise RowError("selections", f"country {country!r} is not a name", "use country names as keys")
        if not isinstance(shares, list | tuple):
            raise RowError(
                "selections", f"{country}: shares are not a list", "write [share, ...] per country"
            )
        values = tuple(_share(x) for x in shares)
        if len(values) != len(options):
            raise RowError(
                "selections",
                f"{country} has {len(values)} shares for {len(options)} options",
                "give one share per option, in the options' order",
            )
        total = sum(values)
        if total <= 0:
            raise RowError("selections", f"{country}: every share is 0", "remove the country from this row")
        if abs(total - 1.0) > SUM_TOLERANCE:
            notes.append(f"{country}: shares sum to {total:.4g}; renormalised to 1")
        selections[country] = tuple(v / total for v in values)
    source = rec.get("source", "")
    return OpinionQuestion(
        row, question, tuple(options), selections, "" if source is None else str(source), tuple(notes)
    )


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SovauditError(
                        f"{path}: line {i} is not JSON ({exc.msg})", "write one object a line"
                    ) from None
                yield i, rec if isinstance(rec, dict) else {}
    elif suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SovauditError(
                f"{path} is not JSON ({exc.msg}, line {exc.lineno})", "fix the file"
            ) from None
        if not isinstance(data, list):
            raise SovauditError(
                f"{path}: expected a JSON list of questions", 'write [{"question": ...}, ...]'
            )
        for i, rec in enumerate(data, 1):
            yield i, rec if isinstance(rec, dict) else {}
    else:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"question", "selections", "options"} - set(reader.fieldnames or ())
            if missing:
                raise SovauditError(
                    f"{path}: no column {', '.join(sorted(missing))} "
                    f"(columns: {', '.join(reader.fieldnames or [])})",
                    "use the GlobalOpinionQA CSV: question, selections, options, source",
                )
            for i, rec in enumerate(reader, 1):
                yield i, dict(rec)


def read_opinions(path: str | Path, skip_bad_rows: bool = False) -> ReadResult:
    """Every question of a GlobalOpinionQA-format file (CSV, JSON or JSONL).

    A bad row raises a one-line :class:`SovauditError` naming file, row, column and fix; with
    ``skip_bad_rows`` it is skipped instead and counted in :attr:`ReadResult.skipped`.
    """
    p = Path(path)
    if not p.is_file():
        raise SovauditError(f"no file {p}", "pass --data with the GlobalOpinionQA CSV (or JSON/JSONL)")
    out = ReadResult([])
    try:
        records = list(_records(p))
    except UnicodeDecodeError as exc:
        raise SovauditError(f"{p} is not UTF-8 (byte offset {exc.start})", "save the file as UTF-8") from None
    except csv.Error as exc:
        raise SovauditError(f"{p} is not a readable CSV file ({exc})", "fix the file") from None
    except RecursionError:
        raise SovauditError(f"{p}: JSON nested too deep", "fix the file") from None
    for row, rec in records:
        try:
            out.questions.append(parse_record(rec, row))
        except RowError as err:
            if not skip_bad_rows:
                raise SovauditError(
                    f"{p}: row {row}, column '{err.column}': {err.problem}",
                    f"{err.fix} (or pass --skip-bad-rows to skip and count such rows)",
                ) from None
            out.skipped.append(f"row {row}, column '{err.column}': {err.problem}")
    if not out.questions:
        raise SovauditError(f"{p} holds no usable question", "pass a GlobalOpinionQA-format file")
    return out


def countries(questions: list[OpinionQuestion]) -> list[str]:
    """Every country of the file, in order of first appearance."""
    seen: dict[str, None] = {}
    for q in questions:
        for c in q.selections:
            seen.setdefault(c, None)
    return list(seen)
