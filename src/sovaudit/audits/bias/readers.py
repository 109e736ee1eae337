"""Readers of KoBBQ, CBBQ and CrowS-Pairs (English, French) in their published formats.

- KoBBQ (naver-ai/KoBBQ ``data/KoBBQ_test_samples.tsv``): ``sample_id`` is
  ``{category}-{template}{a|b|c|d}-{n}-{amb|dis}-{bsd|cnt}``; the context type (biased: template letter
  b/d, counter-biased: a/c) and the category come from it, as in ``evaluation/5_evaluation.py``.
- CBBQ (YFHuangxxxx/CBBQ ``data/<category>/{ambiguous,disambiguous}/*.csv``, UTF-8 with BOM): ``ans2`` is
  the unknown answer. In every disambiguated row the correct answer is the counter-stereotypical one (the
  target in non-negative questions, the other group in negative ones; checked on all 23 files), so the
  biased answer is the other named group. An ambiguous row takes the biased answer of its disambiguated
  twin (same polarity, question and answers), else of its disambiguated template
  (``templates_generate_{neg,nonneg}.csv``, same polarity and question, one label); else it is underivable.
- CrowS-Pairs: nyu-mll ``crows_pairs_anonymized.csv`` (comma-separated; ``sent_more``, ``sent_less``,
  ``stereo_antistereo``, ``bias_type``) and the French ``crows_pairs_FR_languagearc_contribution+210.csv``
  (tab-separated, a leading unnamed index column, same four columns).
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

from ...corpora.readers import allow_long_csv_fields
from ...errors import SovauditError
from .items import Item

KOBBQ_UNKNOWN = "알 수 없음"
CROWS_COLUMNS = ("sent_more", "sent_less", "stereo_antistereo", "bias_type")


def _rows(path: Path, delimiter: str) -> list[tuple[int, dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            allow_long_csv_fields()  # a cell over 131,072 characters is valid
            reader = csv.DictReader(f, delimiter=delimiter)
            return [(n + 2, row) for n, row in enumerate(reader)]
    except UnicodeDecodeError as exc:
        raise SovauditError(f"{path}: not UTF-8 (byte offset {exc.start})", "save the file as UTF-8") from exc
    except csv.Error as exc:
        raise SovauditError(
            f"{path}: not a readable CSV/TSV file ({exc})", "give the file as published"
        ) from exc


def _need(path: Path, rows: list[tuple[int, dict[str, str]]], cols: tuple[str, ...], fmt: str) -> None:
    header = list(rows[0][1].keys()) if rows else []
    if not rows:
        raise SovauditError(f"{path}: no rows", f"give the file in {fmt}")
    missing = [c for c in cols if c not in header]
    if missing:
        raise SovauditError(
            f"{path}: line 1: missing column(s) {', '.join(missing)}",
            f"give the file in {fmt} (columns {', '.join(cols)})",
        )


# -- KoBBQ ---------------------------------------------------------------------------------------------
def read_kobbq(path: Path) -> list[Item]:
    """The KoBBQ test set (or any file in its layout)."""
    cols = ("sample_id", "context", "question", "choices", "biased_answer", "answer")
    rows = _rows(path, "\t")
    _need(path, rows, cols, "naver-ai/KoBBQ's KoBBQ_test_samples.tsv layout")
    items = []
    for line, r in rows:
        where = f"{path}:{line}"
        parts = (r["sample_id"] or "").split("-")
        try:
            parsed = ast.literal_eval(r["choices"] or "")
            if not isinstance(parsed, list | tuple):
                raise ValueError("not a list")
            choices = [str(c) for c in parsed]
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
            raise SovauditError(
                f"{where}: choices {r['choices']!r} is not a list", "write ['a', 'b', 'c']"
            ) from exc
        if len(parts) < 5 or parts[3] not in ("amb", "dis") or parts[4] not in ("bsd", "cnt"):
            raise SovauditError(
                f"{where}: sample_id {r['sample_id']!r} is not category-templateX-n-amb|dis-bsd|cnt",
                "use KoBBQ's sample_id format",
            )
        if r["answer"] not in choices or r["biased_answer"] not in choices or KOBBQ_UNKNOWN not in choices:
            raise SovauditError(
                f"{where}: answer, biased_answer or '{KOBBQ_UNKNOWN}' is not among the choices", "fix the row"
            )
        items.append(
            Item(
                benchmark="kobbq",
                category=parts[0],
                example_id=r["sample_id"],
                answers=tuple(choices),
                context=r["context"],
                question=r["question"],
                label=choices.index(r["answer"]),
                unknown=choices.index(KOBBQ_UNKNOWN),
                biased=choices.index(r["biased_answer"]),
                condition="ambig" if parts[3] == "amb" else "disambig",
                polarity="neg" if parts[4] == "bsd" else "nonneg",
                meta={
                    "context_type": "amb"
                    if parts[3] == "amb"
                    else ("dis-biased" if parts[1][-1:] in ("b", "d") else "dis-counterb"),
                    "label_annotation": r.get("label_annotation", ""),
                },
            )
        )
    return items


# -- CBBQ ----------------------------------------------------------------------------------------------
CBBQ_COLUMNS = (
    "example_id",
    "question_polarity",
    "context_condition",
    "category",
    "context",
    "question",
    "ans0",
    "ans1",
    "ans2",
    "label",
)


def _cbbq_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    rows = _rows(path, ",")
    _need(path, rows, CBBQ_COLUMNS, "YFHuangxxxx/CBBQ's data/<category>/<condition>/<condition>.csv layout")
    for line, r in rows:
        if r["label"] not in ("0", "1", "2"):
            raise SovauditError(f"{path}:{line}: label {r['label']!r} is not 0, 1 or 2", "fix the row")
    return rows


def _template_biased(folder: Path) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], set[int]] = {}
    for name in ("templates_generate_neg.csv", "templates_generate_nonneg.csv"):
        p = folder / name
        if p.is_file():
            for _line, r in _rows(p, ","):
                if r.get("label") in ("0", "1"):
                    out.setdefault((r["question_polarity"], r["question"]), set()).add(1 - int(r["label"]))
    return {k: next(iter(v)) for k, v in out.items() if len(v) == 1}


def read_cbbq_category(root: Path, category: str) -> list[Item]:
    """The ambiguous and disambiguated items of one CBBQ category folder (either may be absent)."""
    amb = root / category / "ambiguous" / "ambiguous.csv"
    dis = root / category / "disambiguous" / "disambiguous.csv"
    dis_rows = _cbbq_rows(dis) if dis.is_file() else []
    twin = {
        (r["question_polarity"], r["question"], r["ans0"], r["ans1"]): 1 - int(r["label"])
        for _l, r in dis_rows
        if r["label"] in ("0", "1")
    }
    templ = _template_biased(root / category / "disambiguous")
    items = []
    for _path, rows, cond in (
        (amb, _cbbq_rows(amb) if amb.is_file() else [], "ambig"),
        (dis, dis_rows, "disambig"),
    ):
        for _line, r in rows:
            label = int(r["label"])
            pol = "neg" if r["question_polarity"] == "neg" else "nonneg"
            if cond == "disambig":
                biased = 1 - label if label in (0, 1) else None
            else:
                key = (r["question_polarity"], r["question"], r["ans0"], r["ans1"])
                biased = twin.get(key, templ.get((r["question_polarity"], r["question"])))
            items.append(
                Item(
                    benchmark="cbbq",
                    category=category,
                    example_id=f"{cond}-{r['example_id']}",
                    answers=(r["ans0"], r["ans1"], r["ans2"]),
                    context=r["context"],
                    question=r["question"],
                    label=label,
                    unknown=2,
                    biased=biased,
                    condition=cond,
                    polarity=pol,
                    meta={"bias_targeted_groups": r.get("bias_targeted_groups", "")},
                )
            )
    return items


# -- CrowS-Pairs ---------------------------------------------------------------------------------------
def read_crows(path: Path, benchmark: str) -> tuple[list[Item], list[str]]:
    """CrowS-Pairs pairs (English: comma-separated; French: tab-separated; the delimiter is sniffed) and
    notes: a pair with an empty sentence (the French file has one, index 129) cannot be scored and is left
    out, with a note naming it."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:  # _rows checks the UTF-8
        first = f.readline()
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = _rows(path, delimiter)
    fmt = (
        "nyu-mll/crows-pairs' crows_pairs_anonymized.csv layout"
        if benchmark.endswith("en")
        else "the French CrowS-Pairs CSV layout"
    )
    _need(path, rows, CROWS_COLUMNS, fmt)
    items, notes = [], []
    for line, r in rows:
        index = r.get("") or r.get("Unnamed: 0") or str(line - 2)
        if not (r["sent_more"] or "").strip() or not (r["sent_less"] or "").strip():
            notes.append(
                f"{benchmark}: pair {index} ({path.name} line {line}) has an empty sentence; left out"
            )
            continue
        items.append(
            Item(
                benchmark=benchmark,
                category=r["bias_type"],
                example_id=str(index).strip(),
                answers=(r["sent_more"], r["sent_less"]),
                polarity=r["stereo_antistereo"],
            )
        )
    return items, notes
