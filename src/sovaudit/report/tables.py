"""Table helpers: format values from results documents into cells the page's tables render.

A :class:`DataTable` is rendered by the ``data_table`` macro of ``templates/_macros.html.j2`` as a plain
HTML table (it reads fine with JavaScript off); the page's small inline script makes every table with
class ``sortable`` sortable by clicking a header, and reveals a text filter and optional select filters
(e.g. by tokenizer). Each cell carries its raw value in ``data-sort`` so sorting is numeric where it
should be. Values are only formatted here, never recomputed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MISSING = "—"


@dataclass(frozen=True)
class Column:
    """A column: the row key it shows, its header, how to format it and whether to offer a select filter.

    ``kind`` is one of ``text``, ``int``, ``float``, ``ratio`` (``1.23×``), ``pct`` (a fraction shown as a
    percentage) or ``auto``. ``tip_key`` names a row key whose value becomes the cell's tooltip (e.g. a
    full hash behind a short one).
    """

    key: str
    label: str
    kind: str = "auto"
    digits: int = 2
    select: bool = False
    title: str = ""
    tip_key: str = ""


@dataclass(frozen=True)
class Cell:
    """One formatted cell: displayed text, the raw sort key (``None``: sort by text) and a CSS class.

    Cells with a sort key are numbers (right-aligned by the page's CSS).
    """

    text: str
    sort: str | None = None
    cls: str = ""
    title: str = ""


@dataclass
class DataTable:
    """A table ready for the ``data_table`` macro."""

    id: str
    columns: list[Column]
    rows: list[list[Cell]]
    caption: str = ""
    filter_box: bool = True
    selects: list[tuple[int, str, list[str]]] = field(default_factory=list)


def is_number(value: Any) -> bool:
    """True for ints and floats that are finite (bools excluded)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (documents read from disk may hold anything)."""
    return value if isinstance(value, Mapping) else {}


def language_label(name: Any, code: str) -> str:
    """``Swahili (swh)``; just the code when there is no name or the name is the code."""
    return f"{name} ({code})" if name and name != code else code


def fmt_int(value: Any) -> str:
    """``12,345`` for a number; the text itself otherwise; ``—`` when absent."""
    if value is None or value == "":
        return MISSING
    if is_number(value):
        return f"{round(value):,}"
    return str(value)


def fmt_float(value: Any, digits: int = 2) -> str:
    """A float with ``digits`` decimals; ``—`` when absent or not finite."""
    if not is_number(value):
        return MISSING if value is None or isinstance(value, float) else str(value)
    return f"{value:,.{digits}f}"


def fmt_ratio(value: Any, digits: int = 2) -> str:
    """``1.23×``."""
    text = fmt_float(value, digits)
    return text + "×" if is_number(value) else text


def fmt_pct(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.125`` -> ``12.5%``."""
    if not is_number(value):
        return fmt_float(value)
    return f"{100 * value:.{digits}f}%"


def fmt_value(value: Any) -> str:
    """Any value from a document as short text (dicts and lists as compact JSON)."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return fmt_float(value, 4 if abs(value) < 10 else 2) if math.isfinite(value) else str(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def cell(value: Any, column: Column) -> Cell:
    """Format ``value`` for ``column``."""
    kind = column.kind
    if kind == "auto":
        kind = "float" if isinstance(value, float) else "int" if is_number(value) else "text"
    if value is None or value == "":
        return Cell(MISSING, "", "missing")
    if kind == "text" or not is_number(value):
        return Cell(fmt_value(value), None, "")
    sort = str(value) if isinstance(value, int) else f"{value:.7g}"
    if kind == "int":
        return Cell(fmt_int(value), sort)
    if kind == "ratio":
        return Cell(fmt_ratio(value, column.digits), sort)
    if kind == "pct":
        return Cell(fmt_pct(value, max(column.digits - 1, 1)), sort)
    return Cell(fmt_float(value, column.digits), sort)


def data_table(
    table_id: str,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    caption: str = "",
    filter_box: bool = True,
) -> DataTable:
    """Build a :class:`DataTable` from row dicts; columns with ``select=True`` get a select filter."""
    rows = list(rows)
    columns = list(columns)
    body = [[_tip(cell(row.get(c.key), c), row, c) for c in columns] for row in rows]
    selects = []
    for i, c in enumerate(columns):
        if c.select:
            options = sorted({r[i].text for r in body if r[i].text != MISSING})
            if len(options) > 1:
                selects.append((i, c.label, options))
    return DataTable(table_id, columns, body, caption, filter_box, selects)


def _tip(c: Cell, row: Mapping[str, Any], column: Column) -> Cell:
    if not column.tip_key or row.get(column.tip_key) in (None, ""):
        return c
    return Cell(c.text, c.sort, c.cls, fmt_value(row[column.tip_key]))


def row_columns(rows: Sequence[Mapping[str, Any]], limit: int = 24) -> list[Column]:
    """Columns for arbitrary rows: every scalar key, in first-seen order (at most ``limit``)."""
    keys: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if not isinstance(value, dict | list):
                keys.setdefault(key, None)
    return [Column(k, k) for k in list(keys)[:limit]]


def key_values(mapping: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, formatted value)`` pairs, sorted by key, for a settings-style table."""
    return [(str(k), fmt_value(v)) for k, v in sorted(mapping.items(), key=lambda kv: str(kv[0]))]
