"""Read and check a probe pack; every problem is named by file, row and column in plain words.

:func:`check_pack` returns ``(pack or None, problems)`` and never raises for a bad pack; :func:`load_pack`
raises one :class:`~sovaudit.errors.SovauditError` when there is any problem (``pack run`` calls it before
any model is loaded).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .. import languages
from ..corpora.readers import allow_long_csv_fields
from ..errors import SovauditError
from .format import (
    DEFAULT_NORMALISE,
    DEFAULT_TEMPLATES,
    ITEM_COLUMNS,
    ITEM_TYPES,
    LETTERS,
    NORMALISE_RULES,
    REQUIRED_COLUMNS,
    Pack,
    PackItem,
    PackMeta,
)
from .guards import TAG_RULE, inside_pack, yaml_tag

PACK_FILE = "pack.yaml"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, located as precisely as possible."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                path.name,
                f"the file is not in UTF-8 encoding (unreadable byte at position {exc.start}); in your "
                "spreadsheet choose 'Save as' > 'CSV UTF-8' (or in a text editor, save with UTF-8 encoding)",
            )
        )
        return None


def _meta(folder: Path, problems: list[Problem]) -> PackMeta | None:
    path = folder / PACK_FILE
    if not path.is_file():
        problems.append(
            Problem(PACK_FILE, f"there is no {PACK_FILE} in {folder}; create one with `sovaudit pack new`")
        )
        return None
    if inside_pack(folder, PACK_FILE) is None:
        problems.append(Problem(PACK_FILE, "is a link that leads out of the pack folder; copy the file in"))
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:  # a tag such as !!python/object: code, not data
        mark = exc.problem_mark
        line = f" near line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(PACK_FILE, f"uses the YAML tag '{yaml_tag(exc)}'{line}: {TAG_RULE}"))
        return None
    except RecursionError:
        problems.append(Problem(PACK_FILE, "cannot be read as YAML: nested too deep"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" near line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(PACK_FILE, f"cannot be read as YAML{line}: check indentation and colons"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(PACK_FILE, "must be a list of 'key: value' lines (name, version, ...)"))
        return None
    if "license" in data and "licence" not in data:
        data["licence"] = data.pop("license")
    try:
        meta = PackMeta.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(str(x) for x in err["loc"]) or "(top)"
            if err["type"] == "missing":
                msg = f"the field '{key}' is missing; add a line '{key}: ...'"
            elif err["type"] == "extra_forbidden":
                msg = f"'{key}' is not a field of pack.yaml; check its spelling or remove it"
            else:
                msg = f"the field '{key}' is not valid: {err['msg']}"
            problems.append(Problem(PACK_FILE, msg))
        return None
    for code in meta.languages:
        if not languages.is_known(code):
            problems.append(
                Problem(PACK_FILE, f"language code '{code}' is unknown; use a code such as en, fr, sw, ha")
            )
        elif code not in meta.templates and code not in DEFAULT_TEMPLATES:
            problems.append(
                Problem(
                    PACK_FILE,
                    f"language '{code}' has no prompt templates; add them under 'templates: {code}:'",
                )
            )
    for code in meta.countries:
        try:
            languages.country_name(code)
        except SovauditError:
            problems.append(
                Problem(PACK_FILE, f"country code '{code}' is unknown; use two letters such as SN, KE")
            )
    for code, tpl in meta.templates.items():
        for kind in ("mc", "short", "agree"):
            if "{question}" not in getattr(tpl, kind):
                problems.append(
                    Problem(PACK_FILE, f"the '{kind}' template of '{code}' must contain {{question}}")
                )
        if "{options}" not in tpl.mc:
            problems.append(Problem(PACK_FILE, f"the 'mc' template of '{code}' must contain {{options}}"))
    return meta


def _rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    text = _read_text(path, problems)
    if text is None:
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() == ".jsonl":
        for n, line in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 may stand in a string
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(path.name, f"this line is not valid JSON ({exc.msg})", n))
                continue
            except RecursionError:
                problems.append(Problem(path.name, "JSON nested too deep", n))
                continue
            if not isinstance(obj, dict):
                problems.append(Problem(path.name, "each line must be one JSON object {...}", n))
                continue
            out.append((n, obj))
        return out
    allow_long_csv_fields()  # a cell over 131,072 characters is valid
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(Problem(path.name, f"the header row lacks the column(s) {', '.join(missing)}", 1))
        return []
    for h in header:
        if h and h not in ITEM_COLUMNS:
            problems.append(
                Problem(path.name, f"unknown column '{h}'; the columns are {', '.join(ITEM_COLUMNS)}", 1)
            )
    for n, rec in enumerate(reader, 2):  # row 1 is the header, as a spreadsheet numbers it
        if any((v or "").strip() for k, v in rec.items() if k):
            out.append((n, {k: v for k, v in rec.items() if k}))
    return out


def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value or "").split("|") if p.strip())


def _item(
    fname: str, n: int, rec: dict[str, Any], meta: PackMeta, problems: list[Problem]
) -> PackItem | None:
    def cell(col: str) -> str:
        v = rec.get(col)
        return "" if v is None or isinstance(v, list) else str(v).strip()

    bad = False

    def problem(col: str, msg: str) -> None:
        nonlocal bad
        bad = True
        problems.append(Problem(fname, msg, n, col))

    for col in REQUIRED_COLUMNS:
        if not cell(col):
            problem(col, "is empty; every item needs it")
    lang, kind = cell("language"), cell("type").lower()
    if lang and lang not in meta.languages:
        known = (
            "is not a known language code"
            if not languages.is_known(lang)
            else "is not a language of the pack"
        )
        problem("language", f"'{lang}' {known} (pack.yaml lists: {', '.join(meta.languages)})")
    if kind and kind not in ITEM_TYPES:
        problem("type", f"'{kind}' is not a type; use mc (multiple choice), short (short answer) or agree")
    options, accepted = _split(rec.get("options")), _split(rec.get("accepted"))
    correct, normalise = -1, cell("normalise") or DEFAULT_NORMALISE
    raw = cell("correct")
    if kind == "mc":
        if len(options) < 2:
            problem("options", "a multiple-choice item needs at least two options separated by |")
        elif len(options) > len(LETTERS):
            problem("options", f"at most {len(LETTERS)} options")
        elif len(set(options)) != len(options):
            problem("options", "two options are the same")
        elif not raw:
            problem("correct", "is empty; write the letter (A, B, ...) or the exact text of the right option")
        elif len(raw) == 1 and raw.upper() in LETTERS[: len(options)]:
            correct = LETTERS.index(raw.upper())
        elif raw in options:
            correct = options.index(raw)
        else:
            problem(
                "correct",
                f"'{raw}' is not among the options ({' | '.join(options)}); copy the right option exactly "
                f"or give its letter A-{LETTERS[len(options) - 1]}",
            )
    elif kind == "agree":
        low = raw.lower()
        if low not in ("agree", "disagree"):
            problem("correct", f"'{raw}' must be 'agree' or 'disagree' for an agree/disagree statement")
        correct = 1 if low == "agree" else 0
    elif kind == "short":
        if not accepted:
            problem(
                "accepted", "a short-answer item needs at least one accepted answer (several separated by |)"
            )
        if normalise not in NORMALISE_RULES:
            problem("normalise", f"'{normalise}' is not a rule; use one of {', '.join(NORMALISE_RULES)}")
    if bad:
        return None
    return PackItem(
        id=cell("id"),
        language=lang,
        topic=cell("topic"),
        type=kind,  # type: ignore[arg-type]
        question=cell("question"),
        options=options if kind == "mc" else (),
        correct=correct,
        accepted=accepted if kind == "short" else (),
        normalise=normalise,
        source=cell("source"),
        source_url=cell("source_url"),
        file=fname,
        row=n,
    )


def _cross_language(items: list[PackItem], meta: PackMeta, problems: list[Problem]) -> None:
    by_id: dict[str, dict[str, PackItem]] = {}
    for it in items:
        langs = by_id.setdefault(it.id, {})
        if it.language in langs:
            first = langs[it.language]
            problems.append(
                Problem(
                    it.file,
                    f"the id '{it.id}' in language '{it.language}' is already used "
                    f"({first.file} row {first.row}); give each item its own id",
                    it.row,
                    "id",
                )
            )
            continue
        langs[it.language] = it
    for item_id, langs in by_id.items():
        first = next(iter(langs.values()))
        for code in meta.languages:
            if code not in langs:
                problems.append(
                    Problem(
                        first.file,
                        f"item '{item_id}' has no '{code}' translation; add a row for it",
                        first.row,
                    )
                )
        for other in langs.values():
            if other.type != first.type:
                problems.append(
                    Problem(
                        other.file,
                        f"item '{item_id}' is '{other.type}' here but '{first.type}' in '{first.language}'",
                        other.row,
                        "type",
                    )
                )
            elif other.type != "short" and other.correct != first.correct:
                problems.append(
                    Problem(
                        other.file,
                        f"item '{item_id}' has a different right answer here than in "
                        f"'{first.language}' (row {first.row})",
                        other.row,
                        "correct",
                    )
                )
            elif other.type == "mc" and len(other.options) != len(first.options):
                problems.append(
                    Problem(
                        other.file,
                        f"item '{item_id}' has {len(other.options)} options here but "
                        f"{len(first.options)} in '{first.language}'",
                        other.row,
                        "options",
                    )
                )


def check_pack(folder: str | Path) -> tuple[Pack | None, list[Problem]]:
    """Read the pack in ``folder``: the pack when it is valid, and every problem found."""
    root = Path(folder)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), "is not a folder; a pack is a folder with pack.yaml and item files")]
    meta = _meta(root, problems)
    if meta is None:
        return None, problems
    digest = hashlib.sha256((root / PACK_FILE).read_bytes())
    items: list[PackItem] = []
    for name in meta.items:
        real = inside_pack(root, name)
        if Path(name).is_absolute() or ".." in Path(name).parts or real is None:
            problems.append(
                Problem(
                    PACK_FILE,
                    f"item file '{name}' must be inside the pack folder (a link is resolved and must "
                    "stay inside it too)",
                )
            )
            continue
        path = real
        if not path.is_file():
            problems.append(Problem(PACK_FILE, f"the item file '{name}' listed under 'items' does not exist"))
            continue
        if path.suffix.lower() not in (".csv", ".jsonl"):
            problems.append(Problem(name, "item files must end in .csv or .jsonl"))
            continue
        digest.update(name.encode() + b"\0" + path.read_bytes())
        for n, rec in _rows(path, problems):
            item = _item(name, n, rec, meta, problems)
            if item is not None:
                items.append(item)
    if not items and not problems:
        problems.append(Problem(PACK_FILE, "the pack has no items"))
    _cross_language(items, meta, problems)
    if problems:
        return None, problems
    return Pack(meta=meta, path=str(root.resolve()), digest=digest.hexdigest(), items=tuple(items)), problems


def load_pack(folder: str | Path) -> Pack:
    """The valid pack in ``folder``; raises :class:`SovauditError` naming the first problem and the count."""
    pack, problems = check_pack(folder)
    if pack is None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SovauditError(
            f"pack {folder} is not valid: {problems[0]}{more}",
            f"run `sovaudit pack validate {folder}` to list every problem",
        )
    return pack
