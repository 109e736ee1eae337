"""Every CSV sovaudit writes goes through :func:`csv_text`: cells a spreadsheet would run are neutralised.

OWASP's rule for CSV injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote, so a spreadsheet shows it as text instead of evaluating it
(``=HYPERLINK(...)`` from a pack topic or a model's answer would otherwise run). The full-width forms
(U+FF1D, U+FF0B, U+FF0D, U+FF20), which some spreadsheets read as their ASCII forms, are treated the same.
Numbers written by sovaudit itself (``int``, ``float``; a float as its ``repr``, so it reads back exactly)
are never changed: ``-0.5`` stays a number. The quote is the one visible change, and only on such cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """A cell as it may be written: numbers as they are (floats as ``repr``), formula-like text quoted."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], lineterminator: str = "\n") -> str:
    """A CSV table (header, one line per row; keys not in ``columns`` ignored), every cell neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return buf.getvalue()
