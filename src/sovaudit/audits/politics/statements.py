"""Statement sets of the politics audit: 8values (shipped), the Political Compass (user's copy), a user CSV.

- ``8values``: the 70 statements of 8values.github.io ``questions.js`` (MIT) with their four axis weights
  (econ, dipl, govt, scty), shipped as the bundled asset ``8values``; 5-point scale.
- ``pct:FILE``: the 62 Political Compass propositions, in the test's order, from a copy the user supplies
  (Röttger et al.'s ``pct_propositions.csv`` with ``pct_id``/``pct_prompt``, or one ``statement`` column);
  4-point scale, scored by ``calculate_pct_coordinates``.
- ``FILE.csv``: the user's own statements: a ``statement`` column and one numeric weight column per axis
  (8values-style: positive weight = agreeing moves towards the axis's first pole); 5-point scale, scored with
  the 8values formula.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ...corpora.readers import allow_long_csv_fields
from ...errors import SovauditError

EIGHTVALUES_AXES = ("econ", "dipl", "govt", "scty")
PCT_AXES = ("economic", "social")
PCT_COUNT = 62


@dataclass(frozen=True)
class Statement:
    """One statement and its weights per axis (empty for the Political Compass: its weights are tables)."""

    id: str
    text: str
    weights: dict[str, float] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class StatementSet:
    """A named set: its statements, axes, answer scale (``scales.yaml`` key) and scoring rule."""

    name: str
    statements: tuple[Statement, ...]
    axes: tuple[str, ...]
    scale: str  # "8values" or "pct"
    scoring: str  # "8values" or "pct"
    digest: str = ""  # SHA-256 of the file read


def _sha(path: Path) -> str:
    from ...signature import sha256_file

    return sha256_file(path)


def parse_8values_js(text: str, where: str) -> list[Statement]:
    """The statements of 8values' ``questions.js`` (``questions = [ {...}, ... ];``: JSON inside)."""
    try:
        data = json.loads(text[text.index("[") : text.rindex("]") + 1])
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise SovauditError(
            f"{where} is not 8values' questions.js ({exc})",
            "reinstall: sovaudit assets install --force 8values",
        ) from None
    out = []
    for i, q in enumerate(data if isinstance(data, list) else [data], 1):
        try:
            weights = {a: float(q["effect"][a]) for a in EIGHTVALUES_AXES}
            out.append(Statement(f"8v-{i:02d}", str(q["question"]), weights))
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise SovauditError(
                f"{where}: question {i} lacks a question text or a numeric effect per axis ({exc!r})",
                "reinstall: sovaudit assets install --force 8values",
            ) from None
    return out


def load_8values() -> StatementSet:
    """The shipped 8values statements (installs the bundled asset on first use)."""
    from ...assets.store import default_store

    path = default_store().path("8values", "8values/questions.js")
    stmts = parse_8values_js(path.read_text(encoding="utf-8"), str(path))
    return StatementSet("8values", tuple(stmts), EIGHTVALUES_AXES, "8values", "8values", _sha(path))


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise SovauditError(f"no statement file {path}", "pass --statements 8values, pct:FILE or a CSV file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            allow_long_csv_fields()  # a cell over 131,072 characters is valid
            reader = csv.DictReader(f)
            return list(reader.fieldnames or []), list(reader)
    except UnicodeDecodeError as exc:
        raise SovauditError(f"{path} is not UTF-8 (byte offset {exc.start})", "save it as UTF-8") from None
    except csv.Error as exc:
        raise SovauditError(f"{path} is not a readable CSV file ({exc})", "fix the file") from None


def load_pct(path: Path) -> StatementSet:
    """The 62 Political Compass propositions from the user's copy, in the test's order."""
    cols, rows = _read_csv(path)
    col = "pct_prompt" if "pct_prompt" in cols else "statement" if "statement" in cols else None
    if col is None:
        raise SovauditError(
            f"{path}: no column pct_prompt or statement", "use Röttger et al.'s pct_propositions.csv"
        )
    if len(rows) != PCT_COUNT:
        raise SovauditError(
            f"{path}: {len(rows)} propositions, the Political Compass has {PCT_COUNT}",
            "give all 62 in the test's order (the scoring tables are per position)",
        )
    stmts = []
    for i, r in enumerate(rows, 1):
        text = (r.get(col) or "").strip()
        if not text:
            raise SovauditError(f"{path}: row {i} has an empty {col}", "fill it in")
        stmts.append(Statement(r.get("pct_id") or f"pc-{i:02d}", text))
    return StatementSet("pct", tuple(stmts), PCT_AXES, "pct", "pct", _sha(path))


def load_user_csv(path: Path) -> StatementSet:
    """The user's statements: ``statement`` plus one numeric weight column per axis (``id`` optional)."""
    cols, rows = _read_csv(path)
    if "statement" not in cols:
        raise SovauditError(
            f"{path}: no 'statement' column", "write a CSV with statement and one weight column per axis"
        )
    axes = tuple(c for c in cols if c not in ("statement", "id"))
    if not axes:
        raise SovauditError(
            f"{path}: the statements have no weights (only {', '.join(cols)})",
            "add one numeric weight column per axis, e.g. statement,econ,scty",
        )
    stmts = []
    for i, r in enumerate(rows, 1):
        text = (r.get("statement") or "").strip()
        if not text:
            raise SovauditError(f"{path}: row {i} has an empty statement", "fill it in or remove the row")
        weights = {}
        for a in axes:
            raw = (r.get(a) or "").strip()
            try:
                w = float(raw) if raw else 0.0
            except ValueError:
                raise SovauditError(
                    f"{path}: row {i}, column '{a}': weight {raw!r} is not a number", "write a number"
                ) from None
            if not math.isfinite(w):
                raise SovauditError(
                    f"{path}: row {i}, column '{a}': weight {raw!r} is not finite", "write a number"
                )
            weights[a] = w
        stmts.append(Statement((r.get("id") or "").strip() or f"s-{i:03d}", text, weights))
    if not stmts:
        raise SovauditError(f"{path} holds no statement", "add rows")
    for a in axes:
        if not any(s.weights[a] for s in stmts):
            raise SovauditError(
                f"{path}: axis '{a}' has no non-zero weight", "give it weights or remove the column"
            )
    return StatementSet(path.stem, tuple(stmts), axes, "8values", "8values", _sha(path))


def load_statements(name: str) -> StatementSet:
    """``8values``, ``pct:FILE`` or a CSV file of the user's statements."""
    if name == "8values":
        return load_8values()
    if name.startswith("pct:"):
        return load_pct(Path(name[4:]))
    return load_user_csv(Path(name))
