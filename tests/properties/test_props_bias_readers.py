"""Properties of the bias readers (src/sovaudit/audits/bias): BBQ/JBBQ JSONL, KoBBQ TSV, CBBQ CSV,
CrowS-Pairs CSV (English, comma) and TSV (French, leading index column), and ``--predictions`` JSONL.

Round trip: random items written in exactly the published format (``json.dumps(ensure_ascii=False)``
lines; ``csv.writer`` with its default minimal quoting, so quotes, tabs, commas and newlines inside a
cell are quoted as pandas/Excel write them) read back to exactly the values written. Robustness: damaged
files either read or raise a one-line :class:`SovauditError` naming the file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from props_helpers import PROFILE, mutated, reads_or_refuses, texts

from sovaudit.audits.bias.bbq import BBQ_CATEGORIES, read_bbq_file
from sovaudit.audits.bias.items import Item
from sovaudit.audits.bias.predictions import read_predictions
from sovaudit.audits.bias.readers import KOBBQ_UNKNOWN, read_cbbq_category, read_crows, read_kobbq
from sovaudit.errors import SovauditError

cell = texts(max_size=12)
answer = texts(max_size=4, long=False)


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], delimiter: str, bom: bool = False
) -> None:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


# -- BBQ / JBBQ ---------------------------------------------------------------------------------------


@st.composite
def bbq_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        unknown = draw(st.integers(0, 2))
        groups = [draw(answer) for _ in range(3)]
        info = {f"ans{k}": [draw(answer), "unknown" if k == unknown else groups[k]] for k in range(3)}
        out.append(
            {
                "example_id": i,
                "question_index": str(draw(st.integers(1, 50))),
                "question_polarity": draw(st.sampled_from(["neg", "nonneg"])),
                "context_condition": draw(st.sampled_from(["ambig", "disambig"])),
                "category": draw(st.sampled_from(BBQ_CATEGORIES)),
                "answer_info": info,
                "additional_metadata": {"stereotyped_groups": draw(st.lists(answer, max_size=3))},
                "context": draw(cell),
                "question": draw(cell),
                "ans0": draw(answer),
                "ans1": draw(answer),
                "ans2": draw(answer),
                "label": draw(st.integers(0, 2)),
            }
        )
    return out


def write_jsonl(path: Path, recs: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")


@settings(PROFILE)
@given(bbq_records())
def test_bbq_round_trip(tmp_path_factory: pytest.TempPathFactory, recs: list[dict[str, Any]]) -> None:
    path = tmp_path_factory.mktemp("bbq") / "Age.jsonl"
    write_jsonl(path, recs)
    items = read_bbq_file(path, "jbbq")
    assert len(items) == len(recs)
    for it, r in zip(items, recs, strict=True):
        assert it.benchmark == "jbbq" and it.example_id == str(r["example_id"])
        assert (it.context, it.question, it.answers) == (
            r["context"],
            r["question"],
            (r["ans0"], r["ans1"], r["ans2"]),
        )
        assert (it.label, it.condition, it.polarity) == (
            r["label"],
            r["context_condition"],
            r["question_polarity"],
        )
        assert it.meta["file_category"] == r["category"]
        names = "_x_" not in r["category"] and int(r["question_index"]) > 25
        assert it.category == (f"{r['category']} (names)" if names else r["category"])
        infos = [r["answer_info"][f"ans{k}"][1] for k in range(3)]
        assert it.unknown == next(k for k, g in enumerate(infos) if g.lower() == "unknown")


@settings(PROFILE)
@given(bbq_records(), st.data())
def test_bbq_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, recs: list[dict[str, Any]], data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("bbq") / "Age.jsonl"
    write_jsonl(path, recs)
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: read_bbq_file(path), path)


def _valid_bbq() -> dict[str, Any]:
    return {
        "example_id": 0,
        "question_index": "1",
        "question_polarity": "neg",
        "context_condition": "ambig",
        "category": "Age",
        "answer_info": {"ans0": ["a", "old"], "ans1": ["b", "nonOld"], "ans2": ["c", "unknown"]},
        "additional_metadata": {"stereotyped_groups": ["old"]},
        "context": "c",
        "question": "q",
        "ans0": "a",
        "ans1": "b",
        "ans2": "c",
        "label": 2,
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=6,
)


@settings(PROFILE)
@given(st.sampled_from(sorted(_valid_bbq())), json_values)
@example(field="additional_metadata", value=["x"])
@example(field="additional_metadata", value={"stereotyped_groups": 3})
@example(field="answer_info", value={"ans0": 5, "ans1": [], "ans2": []})
def test_bbq_wrong_types_read_or_refuse(
    tmp_path_factory: pytest.TempPathFactory, field: str, value: Any
) -> None:
    path = tmp_path_factory.mktemp("bbq") / "Age.jsonl"
    write_jsonl(path, [{**_valid_bbq(), field: value}])
    reads_or_refuses(lambda: read_bbq_file(path), path)


# -- predictions JSONL ------------------------------------------------------------------------------


@settings(PROFILE)
@given(bbq_records(), st.data())
def test_predictions_round_trip_and_damage(
    tmp_path_factory: pytest.TempPathFactory, recs: list[dict[str, Any]], data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("pred")
    write_jsonl(folder / "Age.jsonl", recs)
    items = read_bbq_file(folder / "Age.jsonl")
    chosen = data.draw(st.lists(st.sampled_from(items), min_size=1, unique_by=lambda it: it.example_id))
    want = {(str(it.meta["file_category"]), it.example_id): data.draw(st.integers(0, 2)) for it in chosen}
    pred = folder / "pred.jsonl"
    write_jsonl(pred, [{"category": c, "example_id": e, "prediction": p} for (c, e), p in want.items()])
    assert read_predictions(pred, items) == want
    pred.write_bytes(data.draw(mutated(pred.read_bytes())))
    reads_or_refuses(lambda: read_predictions(pred, items), pred)


# -- KoBBQ TSV ------------------------------------------------------------------------------------------

KOBBQ_COLS = ["sample_id", "context", "question", "choices", "biased_answer", "answer", "label_annotation"]


@st.composite
def kobbq_rows(draw: st.DrawFn) -> list[list[str]]:
    rows = []
    for n in range(draw(st.integers(1, 5))):
        cat = draw(st.sampled_from(["Age", "Gender_identity", "Domestic_area_of_origin"]))
        amb, bsd = draw(st.sampled_from(["amb", "dis"])), draw(st.sampled_from(["bsd", "cnt"]))
        sample_id = f"{cat}-{draw(st.integers(1, 99))}{draw(st.sampled_from('abcd'))}-{n}-{amb}-{bsd}"
        a, b = draw(
            st.lists(answer.filter(lambda s: s != KOBBQ_UNKNOWN), min_size=2, max_size=2, unique=True)
        )
        choices = draw(st.permutations([a, b, KOBBQ_UNKNOWN]))
        rows.append(
            [
                sample_id,
                draw(cell),
                draw(cell),
                repr(list(choices)),  # the published column is a Python list literal
                draw(st.sampled_from(choices)),
                draw(st.sampled_from(choices)),
                draw(answer),
            ]
        )
    return rows


@settings(PROFILE)
@given(kobbq_rows())
def test_kobbq_round_trip(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]) -> None:
    path = tmp_path_factory.mktemp("kobbq") / "KoBBQ_test_samples.tsv"
    write_csv(path, KOBBQ_COLS, rows, "\t")
    items = read_kobbq(path)
    assert len(items) == len(rows)
    for it, r in zip(items, rows, strict=True):
        choices = tuple(eval(r[3]))
        parts = r[0].split("-")
        assert (it.example_id, it.context, it.question, it.answers) == (r[0], r[1], r[2], choices)
        assert (it.label, it.biased, it.unknown) == (
            choices.index(r[5]),
            choices.index(r[4]),
            choices.index(KOBBQ_UNKNOWN),
        )
        assert it.category == parts[0] and it.meta["label_annotation"] == r[6]
        assert it.condition == ("ambig" if parts[3] == "amb" else "disambig")
        assert it.polarity == ("neg" if parts[4] == "bsd" else "nonneg")


@settings(PROFILE)
@given(kobbq_rows(), st.data())
@example(rows=[["Age-1a-0-amb-bsd", "c", "q", "1", "a", "a", ""]], data=None)  # choices not a list (fixed)
def test_kobbq_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], data: st.DataObject | None
) -> None:
    path = tmp_path_factory.mktemp("kobbq") / "KoBBQ_test_samples.tsv"
    write_csv(path, KOBBQ_COLS, rows, "\t")
    if data is not None:
        path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: read_kobbq(path), path)


# -- CBBQ CSV (UTF-8 with BOM) --------------------------------------------------------------------------

CBBQ_COLS = [
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
    "bias_targeted_groups",
]


@st.composite
def cbbq_rows(draw: st.DrawFn, cond: str) -> list[list[str]]:
    return [
        [
            str(n),
            draw(st.sampled_from(["neg", "non_neg"])),
            cond,
            "age",
            draw(cell),
            draw(cell),
            draw(answer),
            draw(answer),
            draw(answer),
            str(draw(st.integers(0, 2))),
            draw(answer),
        ]
        for n in range(draw(st.integers(0, 4)))
    ]


def write_cbbq(root: Path, amb: list[list[str]], dis: list[list[str]]) -> list[Path]:
    paths = []
    for cond, rows in (("ambiguous", amb), ("disambiguous", dis)):
        (root / "age" / cond).mkdir(parents=True, exist_ok=True)
        paths.append(root / "age" / cond / f"{cond}.csv")
        write_csv(paths[-1], CBBQ_COLS, rows, ",", bom=True)
    return paths


@settings(PROFILE)
@given(cbbq_rows("ambiguous"), cbbq_rows("disambiguous"))
def test_cbbq_round_trip(
    tmp_path_factory: pytest.TempPathFactory, amb: list[list[str]], dis: list[list[str]]
) -> None:
    root = tmp_path_factory.mktemp("cbbq")
    write_cbbq(root, amb, dis)
    got = reads_or_refuses(lambda: read_cbbq_category(root, "age"), root)
    if not amb or not dis:  # a file with a header and no rows is refused ("no rows"), naming it
        assert isinstance(got, SovauditError) and "no rows" in str(got)
        return
    assert not isinstance(got, SovauditError), got
    items: list[Item] = got
    want = [("ambig", r) for r in amb] + [("disambig", r) for r in dis]
    assert len(items) == len(want)
    for it, (cond, r) in zip(items, want, strict=True):
        assert it.example_id == f"{cond}-{r[0]}" and it.condition == cond
        assert (it.context, it.question, it.answers, it.label) == (r[4], r[5], (r[6], r[7], r[8]), int(r[9]))
        assert it.polarity == ("neg" if r[1] == "neg" else "nonneg")
        assert it.meta["bias_targeted_groups"] == r[10]
        if cond == "disambig":
            assert it.biased == (1 - int(r[9]) if r[9] in ("0", "1") else None)


@settings(PROFILE)
@given(cbbq_rows("ambiguous"), cbbq_rows("disambiguous"), st.data())
def test_cbbq_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, amb: list[list[str]], dis: list[list[str]], data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("cbbq")
    victim = data.draw(st.sampled_from(write_cbbq(root, amb, dis)))
    victim.write_bytes(data.draw(mutated(victim.read_bytes())))
    reads_or_refuses(lambda: read_cbbq_category(root, "age"), root)


# -- CrowS-Pairs: English CSV and French TSV ------------------------------------------------------------

CROWS_COLS = ["", "sent_more", "sent_less", "stereo_antistereo", "bias_type"]


@st.composite
def crows_rows(draw: st.DrawFn) -> list[list[str]]:
    return [
        [
            str(n),
            draw(cell),
            draw(cell),
            draw(st.sampled_from(["stereo", "antistereo"])),
            draw(st.sampled_from(["race-color", "gender", "religion"])),
        ]
        for n in range(draw(st.integers(1, 5)))
    ]


@settings(PROFILE)
@given(crows_rows(), st.sampled_from([",", "\t"]))
def test_crows_round_trip(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], sep: str) -> None:
    path = tmp_path_factory.mktemp("crows") / "crows.csv"
    write_csv(path, CROWS_COLS, rows, sep)
    items, notes = read_crows(path, "crows_pairs_en" if sep == "," else "crows_pairs_fr")
    kept = [r for r in rows if r[1].strip() and r[2].strip()]
    assert len(notes) == len(rows) - len(kept)
    assert [(it.example_id, it.answers, it.polarity, it.category) for it in items] == [
        (r[0], (r[1], r[2]), r[3], r[4]) for r in kept
    ]


@settings(PROFILE)
@given(crows_rows(), st.sampled_from([",", "\t"]), st.data())
def test_crows_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], sep: str, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("crows") / "crows.csv"
    write_csv(path, CROWS_COLS, rows, sep)
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: read_crows(path, "crows_pairs_en"), path)
