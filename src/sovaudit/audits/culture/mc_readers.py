"""Readers for culturally sensitive multiple-choice benchmarks, from a copy the user supplies.

They live on a model hub this machine cannot reach; point ``--data`` at a local copy in the published form:

- **Global-MMLU** (Singh et al. 2024; CohereForAI/Global-MMLU, Apache-2.0): the hub folder with one
  sub-folder per language code (``am/test-00000-of-00001.parquet``, ...), or one such ``.parquet`` / ``.csv``
  / ``.jsonl`` file. Columns ``sample_id, subject, subject_category, question, option_a .. option_d, answer
  (A-D), required_knowledge, time_sensitive, reference, culture, region, country,
  cultural_sensitivity_label (CS / CA), is_annotated``.
- **INCLUDE** (Romanou et al. 2024; CohereForAI/include-base-44, Apache-2.0): one sub-folder per language
  name (``Telugu/test-00000-of-00001.parquet``) or one file. Columns ``language, country, domain, subject,
  regional_feature, level, question, option_a .. option_d, answer`` (the right option's index, 0-3).
- **CulturalBench** (Chiu et al. 2024; kellycyy/CulturalBench, CC BY 4.0): ``CulturalBench-Easy.csv``
  (``data_idx, question_idx, prompt_question, prompt_option_a .. prompt_option_d, answer (A-D), country``)
  and ``CulturalBench-Hard.csv`` (``data_idx, question_idx, prompt_question, prompt_option, answer
  (True/False), country``), English only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ...corpora.readers import csv_records
from ...errors import SovauditError, require

LETTERS = "ABCD"


@dataclass(frozen=True)
class MCItem:
    """One multiple-choice (or, for CulturalBench-Hard, true/false) item; ``group`` is what rows split by."""

    id: str
    language: str
    country: str
    question: str
    options: tuple[str, ...]
    answer: int  # index into options
    group: str = ""  # Global-MMLU: CS / CA; INCLUDE: regional feature; CulturalBench-Hard: question_idx

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MCItem:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**d, "options": tuple(d["options"])})


def _records(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        pq = require("pyarrow.parquet", "corpus")
        try:
            recs = list(pq.read_table(path).to_pylist())  # type: ignore[attr-defined]
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise SovauditError(
                f"{path} is not a readable parquet file ({type(exc).__name__})", "use the files as published"
            ) from exc
        return [r if isinstance(r, dict) else {} for r in recs]
    try:
        text = path.read_bytes().decode("utf-8-sig")  # not read_text: a "\r" inside a quoted cell stays
    except UnicodeDecodeError as exc:
        raise SovauditError(
            f"{path} is not UTF-8 text (byte {exc.start})", "use the files as published"
        ) from exc
    if suffix == ".jsonl":
        out = []
        for n, line in enumerate(text.split("\n"), 1):  # "\n" only: U+2028 may stand raw in a JSON string
            if line.strip():
                try:
                    rec = json.loads(line)
                except (json.JSONDecodeError, RecursionError) as exc:
                    raise SovauditError(
                        f"{path.name} line {n} is not JSON ({type(exc).__name__})",
                        "use the files as published",
                    ) from exc
                out.append(rec if isinstance(rec, dict) else {})
        return out
    if suffix == ".csv":
        return csv_records(text, path, "use the files as published")
    raise SovauditError(f"{path.name}: unknown file type", "give a .parquet, .csv or .jsonl file")


def _files(path: Path, language: str | None) -> list[tuple[str, Path]]:
    """(language from the folder name or '', file) for a file, or a hub folder's ``<language>/*``."""
    if path.is_file():
        return [("", path)]
    if not path.is_dir():
        raise SovauditError(f"{path} does not exist", "pass the benchmark's folder or file with --data")
    out = []
    for sub in sorted(p for p in path.iterdir() if p.is_dir()):
        if language and sub.name.lower() != language.lower():
            continue
        for f in sorted(sub.iterdir()):
            if f.suffix.lower() in (".parquet", ".csv", ".jsonl") and "test" in f.name:
                out.append((sub.name, f))
    if not out:
        what = f" for language '{language}'" if language else ""
        raise SovauditError(
            f"no test file{what} under {path}", "use the hub folder layout <language>/test-*.parquet"
        )
    return out


def _need(rec: dict[str, Any], cols: tuple[str, ...], path: Path, row: int) -> None:
    missing = [c for c in cols if c not in rec]
    if missing:
        raise SovauditError(
            f"{path.name} row {row} lacks the column(s) {', '.join(missing)}",
            "use the benchmark's files as published",
        )


def read_global_mmlu(path: Path, language: str | None = None) -> list[MCItem]:
    """Global-MMLU items; ``group`` is the cultural-sensitivity label (CS, CA, or '' when not annotated)."""
    cols = ("question", "option_a", "option_b", "option_c", "option_d", "answer")
    items = []
    for lang, f in _files(path, language):
        for i, rec in enumerate(_records(f), 1):
            _need(rec, cols, f, i)
            ans = str(rec["answer"]).strip().upper()
            if len(ans) != 1 or ans not in LETTERS:  # "" is "in" any string
                raise SovauditError(f"{f.name} row {i}: answer '{ans}' is not A-D", "use the published files")
            label = str(rec.get("cultural_sensitivity_label") or "").strip().upper()
            items.append(
                MCItem(
                    id=str(rec.get("sample_id") or f"{f.stem}-{i}"),
                    language=lang or (language or ""),
                    country=str(rec.get("country") or ""),
                    question=str(rec["question"]),
                    options=tuple(str(rec[f"option_{c}"]) for c in "abcd"),
                    answer=LETTERS.index(ans),
                    group=label if label in ("CS", "CA") else "",
                )
            )
    return items


def read_include(path: Path, language: str | None = None) -> list[MCItem]:
    """INCLUDE items; ``group`` is the regional feature (e.g. region explicit / implicit / agnostic)."""
    cols = ("question", "option_a", "option_b", "option_c", "option_d", "answer")
    items = []
    for lang, f in _files(path, language):
        for i, rec in enumerate(_records(f), 1):
            _need(rec, cols, f, i)
            try:
                ans = int(rec["answer"])
            except (TypeError, ValueError) as exc:
                raise SovauditError(
                    f"{f.name} row {i}: answer is not an index 0-3", "use the published files"
                ) from exc
            items.append(
                MCItem(
                    id=f"{lang or rec.get('language', '')}-{i}",
                    language=str(rec.get("language") or lang),
                    country=str(rec.get("country") or ""),
                    question=str(rec["question"]),
                    options=tuple(str(rec[f"option_{c}"]) for c in "abcd"),
                    answer=ans,
                    group=str(rec.get("regional_feature") or ""),
                )
            )
    return items


def read_culturalbench(path: Path, variant: str) -> list[MCItem]:
    """CulturalBench-Easy (4 options) or -Hard (each option judged True/False; ``group`` = question_idx)."""
    name = f"CulturalBench-{variant.capitalize()}.csv"
    f = path / name if path.is_dir() else path
    if not f.is_file():
        raise SovauditError(f"{f} does not exist", f"pass the folder holding {name} with --data")
    items = []
    for i, rec in enumerate(_records(f), 1):
        if variant == "easy":
            _need(
                rec, ("prompt_question", *(f"prompt_option_{c}" for c in "abcd"), "answer", "country"), f, i
            )
            ans = str(rec["answer"]).strip().upper()
            if len(ans) != 1 or ans not in LETTERS:
                raise SovauditError(f"{f.name} row {i}: answer '{ans}' is not A-D", "use the published files")
            items.append(
                MCItem(
                    id=str(rec.get("question_idx") or i),
                    language="en",
                    country=str(rec["country"]),
                    question=str(rec["prompt_question"]),
                    options=tuple(str(rec[f"prompt_option_{c}"]) for c in "abcd"),
                    answer=LETTERS.index(ans),
                )
            )
        else:
            _need(rec, ("prompt_question", "prompt_option", "answer", "country", "question_idx"), f, i)
            truth = str(rec["answer"]).strip().lower() in ("true", "1")
            items.append(
                MCItem(
                    id=str(rec.get("data_idx") or i),
                    language="en",
                    country=str(rec["country"]),
                    question=f"{rec['prompt_question']}\nAnswer: {rec['prompt_option']}",
                    options=("True", "False"),
                    answer=0 if truth else 1,
                    group=str(rec["question_idx"]),
                )
            )
    return items
