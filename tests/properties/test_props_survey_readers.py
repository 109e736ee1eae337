"""Properties of the opinion, politics and culture readers: GlobalOpinionQA (CSV with Python-literal
``selections``/``options``, JSON, JSONL), statement files (the user's CSV, the Political Compass CSV,
8values' ``questions.js``), BLEnD (prompts CSV, questions CSV, annotations JSON), Global-MMLU / INCLUDE
(CSV, JSONL, parquet) and CulturalBench (Easy, Hard CSV).

Round trip: random content written in the published format reads back to the values written.
Robustness: damaged files either read or raise a one-line :class:`SovauditError` naming the file.
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

from sovaudit.audits.culture.blend import COUNTRIES, read_prompts, read_questions
from sovaudit.audits.culture.mc_readers import read_culturalbench, read_global_mmlu, read_include
from sovaudit.audits.opinions.readers import read_opinions
from sovaudit.audits.politics.statements import load_pct, load_user_csv, parse_8values_js
from sovaudit.errors import SovauditError

cell = texts(max_size=10)
short = texts(max_size=3, long=False)
nonblank = texts(max_size=6, long=False, strip_nonempty=True)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def damage(path: Path, data: st.DataObject) -> None:
    path.write_bytes(data.draw(mutated(path.read_bytes())))


# -- GlobalOpinionQA ----------------------------------------------------------------------------------


@st.composite
def opinion_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        options = draw(st.lists(short, min_size=1, max_size=5))
        countries = draw(st.lists(nonblank.map(str.strip), min_size=1, max_size=3, unique=True))
        shares = st.lists(st.floats(0, 1, allow_nan=False), min_size=len(options), max_size=len(options))
        sel = {c: draw(shares.filter(lambda v: sum(v) > 0)) for c in countries}
        out.append({"question": draw(nonblank), "options": options, "selections": sel, "source": draw(short)})
    return out


def write_opinions(path: Path, rows: list[dict[str, Any]]) -> None:
    if path.suffix == ".csv":  # the published CSV: repr() of a defaultdict and of a list
        body = [
            [
                r["question"],
                f"defaultdict(<class 'list'>, {r['selections']!r})",
                repr(r["options"]),
                r["source"],
            ]
            for r in rows
        ]
        write_csv(path, ["question", "selections", "options", "source"], body)
    elif path.suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@settings(PROFILE)
@given(opinion_rows(), st.sampled_from([".csv", ".json", ".jsonl"]))
def test_opinions_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]], ext: str
) -> None:
    path = tmp_path_factory.mktemp("goqa") / f"goqa{ext}"
    write_opinions(path, rows)
    got = read_opinions(path).questions
    assert [(q.question, list(q.options), q.source) for q in got] == [
        (r["question"], r["options"], r["source"]) for r in rows
    ]
    for q, r in zip(got, rows, strict=True):
        # shares are renormalised to sum to 1 (documented); equal to the division the reader does
        assert q.selections == {c: tuple(x / sum(v) for x in v) for c, v in r["selections"].items()}


@settings(PROFILE)
@given(opinion_rows(), st.sampled_from([".csv", ".json", ".jsonl"]), st.booleans(), st.data())
def test_opinions_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, Any]],
    ext: str,
    skip: bool,
    data: st.DataObject,
) -> None:
    path = tmp_path_factory.mktemp("goqa") / f"goqa{ext}"
    write_opinions(path, rows)
    damage(path, data)
    reads_or_refuses(lambda: read_opinions(path, skip_bad_rows=skip), path)


# -- statements: the user's CSV, the Political Compass, 8values -------------------------------------


@st.composite
def statement_rows(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    axes = draw(
        st.lists(st.sampled_from(["econ", "dipl", "govt", "scty"]), min_size=1, max_size=3, unique=True)
    )
    n = draw(st.integers(1, 5))
    rows = [
        [f"id{i}", draw(nonblank).strip(), *(repr(draw(st.floats(-5, 5))) for _ in axes)] for i in range(n)
    ]
    return ["id", "statement", *axes], rows


@settings(PROFILE)
@given(statement_rows())
def test_user_statements_round_trip(
    tmp_path_factory: pytest.TempPathFactory, t: tuple[list[str], list[list[str]]]
) -> None:
    header, rows = t
    path = write_csv(tmp_path_factory.mktemp("stmt") / "mine.csv", header, rows, bom=True)
    got = reads_or_refuses(lambda: load_user_csv(path), path)
    axes = header[2:]
    if any(not any(float(r[2 + k]) for r in rows) for k in range(len(axes))):
        assert isinstance(got, SovauditError) and "no non-zero weight" in str(got)
        return
    assert not isinstance(got, SovauditError), got
    assert got.axes == tuple(axes)
    assert [(s.id, s.text, s.weights) for s in got.statements] == [
        (r[0], r[1], {a: float(r[2 + k]) for k, a in enumerate(axes)}) for r in rows
    ]


@settings(PROFILE)
@given(statement_rows(), st.data())
def test_user_statements_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, t: tuple[list[str], list[list[str]]], data: st.DataObject
) -> None:
    path = write_csv(tmp_path_factory.mktemp("stmt") / "mine.csv", *t)
    damage(path, data)
    reads_or_refuses(lambda: load_user_csv(path), path)


@settings(PROFILE)
@given(st.lists(nonblank.map(str.strip), min_size=62, max_size=62), st.data())
def test_pct_round_trip_and_damage(
    tmp_path_factory: pytest.TempPathFactory, props: list[str], data: st.DataObject
) -> None:
    path = write_csv(
        tmp_path_factory.mktemp("pct") / "pct_propositions.csv",
        ["pct_id", "pct_prompt"],
        [[f"p{i}", p] for i, p in enumerate(props)],
    )
    got = load_pct(path)
    assert [(s.id, s.text) for s in got.statements] == [(f"p{i}", p) for i, p in enumerate(props)]
    damage(path, data)
    reads_or_refuses(lambda: load_pct(path), path)


eight = st.lists(
    st.tuples(
        cell, st.fixed_dictionaries({a: st.integers(-10, 10) for a in ("econ", "dipl", "govt", "scty")})
    ),
    min_size=1,
    max_size=5,
)


def eightvalues_js(qs: list[tuple[str, dict[str, int]]]) -> str:
    body = json.dumps([{"question": q, "effect": e} for q, e in qs], ensure_ascii=False, indent=4)
    return f"questions = {body};\n"


@settings(PROFILE)
@given(eight, st.data())
@example(qs=[("q", {"econ": 1, "dipl": 1, "govt": 1, "scty": 1})], data=None)
def test_8values_round_trip_and_damage(
    qs: list[tuple[str, dict[str, int]]], data: st.DataObject | None
) -> None:
    got = parse_8values_js(eightvalues_js(qs), "questions.js")
    assert [(s.text, s.weights) for s in got] == [(q, {k: float(v) for k, v in e.items()}) for q, e in qs]
    raw = eightvalues_js(qs).encode()
    broken = data.draw(mutated(raw)) if data is not None else raw.replace(b'"econ"', b'"ec"', 1)
    reads_or_refuses(
        lambda: parse_8values_js(broken.decode("utf-8", errors="replace"), "questions.js"), "questions.js"
    )


# -- BLEnD --------------------------------------------------------------------------------------------


@st.composite
def blend_data(draw: st.DrawFn) -> tuple[str, list[list[str]], list[list[str]], dict[str, Any]]:
    code = draw(st.sampled_from(sorted(COUNTRIES)))
    prompts = [[f"inst-{i}", draw(cell), draw(cell)] for i in range(draw(st.integers(1, 3)))]
    n = draw(st.integers(1, 4))
    questions = [[f"{code}-{i}", draw(short), draw(cell), draw(cell)] for i in range(n)]
    ann = {
        q[0]: {
            "question": draw(cell),
            "en_question": draw(cell),
            "annotations": [{"answers": draw(st.lists(short, max_size=2)), "count": draw(st.integers(0, 5))}],
            "idks": {"idk": draw(st.integers(0, 5)), "no-answer": draw(st.integers(0, 5))},
        }
        for q in questions
    }
    return code, prompts, questions, ann


def write_blend(
    root: Path, code: str, prompts: list[list[str]], questions: list[list[str]], ann: dict[str, Any]
) -> list[Path]:
    stem = COUNTRIES[code][0]
    for sub in ("prompts", "questions", "annotations"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    p = write_csv(root / "prompts" / f"{stem}_prompts.csv", ["id", "English", "Translation"], prompts)
    q = write_csv(
        root / "questions" / f"{stem}_questions.csv", ["ID", "Topic", "Question", "Translation"], questions
    )
    a = root / "annotations" / f"{stem}_data.json"
    a.write_text(json.dumps(ann, ensure_ascii=False), encoding="utf-8")
    return [p, q, a]


@settings(PROFILE)
@given(blend_data())
def test_blend_round_trip(
    tmp_path_factory: pytest.TempPathFactory, b: tuple[str, list[list[str]], list[list[str]], dict[str, Any]]
) -> None:
    code, prompts, questions, ann = b
    root = tmp_path_factory.mktemp("blend")
    write_blend(root, *b)
    assert read_prompts(root, code) == {p[0]: (p[1], p[2] or p[1]) for p in prompts}
    got = read_questions(root, code)
    assert [q.id for q in got] == [q[0] for q in questions]
    for g, q in zip(got, questions, strict=True):
        a = ann[q[0]]
        assert g.topic == q[1]
        assert g.question == (a["question"] or q[2]) and g.en_question == (a["en_question"] or q[3])
        assert list(g.annotations) == a["annotations"] and g.idks == a["idks"]


@settings(PROFILE)
@given(blend_data(), st.data())
@example(
    b=("KR", [["inst-1", "e", "t"]], [["KR-0", "t", "q", "e"]], {"KR-0": ["not", "an", "object"]}), data=None
)
@example(
    b=("KR", [["inst-1", "e", "t"]], [["KR-0", "t", "q", "e"]], {"KR-0": {"idks": {"idk": "x"}}}), data=None
)
@example(b=("KR", [["inst-1", "e", "t"]], [["KR-0", "t", "q", "e"]], ["KR-0"]), data=None)  # type: ignore[arg-type]
def test_blend_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    b: tuple[str, list[list[str]], list[list[str]], dict[str, Any]],
    data: st.DataObject | None,
) -> None:
    root = tmp_path_factory.mktemp("blend")
    files = write_blend(root, *b)
    if data is not None:
        damage(data.draw(st.sampled_from(files)), data)
    reads_or_refuses(lambda: (read_prompts(root, b[0]), read_questions(root, b[0])), root)


# -- Global-MMLU, INCLUDE, CulturalBench -----------------------------------------------------------------

MMLU_COLS = [
    "sample_id",
    "question",
    "option_a",
    "option_b",
    "option_c",
    "option_d",
    "answer",
    "country",
    "cultural_sensitivity_label",
]


@st.composite
def mmlu_rows(draw: st.DrawFn, include: bool) -> list[list[Any]]:
    return [
        [
            f"s{i}",
            draw(cell),
            *(draw(short) for _ in range(4)),
            draw(st.integers(0, 3)) if include else draw(st.sampled_from("ABCD")),
            draw(short),
            draw(st.sampled_from(["CS", "CA", ""])),
        ]
        for i in range(draw(st.integers(1, 4)))
    ]


def write_table(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        return write_csv(path, header, rows)
    recs = [dict(zip(header, r, strict=True)) for r in rows]
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(recs), path)
    return path


@settings(PROFILE)
@given(st.booleans(), st.sampled_from([".csv", ".jsonl", ".parquet"]), st.data())
def test_mc_round_trip(
    tmp_path_factory: pytest.TempPathFactory, include: bool, ext: str, data: st.DataObject
) -> None:
    rows = data.draw(mmlu_rows(include))
    header = MMLU_COLS if not include else [*MMLU_COLS[:-1], "regional_feature"]
    path = write_table(tmp_path_factory.mktemp("mc") / f"test{ext}", header, rows)
    items = (read_include if include else read_global_mmlu)(path, "sw")
    assert [(it.question, it.options, it.country) for it in items] == [
        (r[1], tuple(r[2:6]), r[7]) for r in rows
    ]
    assert [it.answer for it in items] == [int(r[6]) if include else "ABCD".index(r[6]) for r in rows]
    assert [it.group for it in items] == [r[8] for r in rows]


@settings(PROFILE)
@given(st.booleans(), st.sampled_from([".csv", ".jsonl", ".parquet"]), st.data())
def test_mc_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, include: bool, ext: str, data: st.DataObject
) -> None:
    header = MMLU_COLS if not include else [*MMLU_COLS[:-1], "regional_feature"]
    path = write_table(tmp_path_factory.mktemp("mc") / f"test{ext}", header, data.draw(mmlu_rows(include)))
    damage(path, data)
    reads_or_refuses(lambda: (read_include if include else read_global_mmlu)(path, "sw"), path)


@settings(PROFILE)
@given(st.sampled_from(["easy", "hard"]), st.data())
def test_culturalbench_round_trip_and_damage(
    tmp_path_factory: pytest.TempPathFactory, variant: str, data: st.DataObject
) -> None:
    n = data.draw(st.integers(1, 4))
    if variant == "easy":
        header = [
            "data_idx",
            "question_idx",
            "prompt_question",
            *(f"prompt_option_{c}" for c in "abcd"),
            "answer",
            "country",
        ]
        rows = [
            [
                str(i),
                f"q{i}",
                data.draw(cell),
                *(data.draw(short) for _ in range(4)),
                data.draw(st.sampled_from("ABCD")),
                data.draw(short),
            ]
            for i in range(n)
        ]
    else:
        header = ["data_idx", "question_idx", "prompt_question", "prompt_option", "answer", "country"]
        rows = [
            [
                str(i),
                f"q{i // 2}",
                data.draw(cell),
                data.draw(short),
                data.draw(st.sampled_from(["True", "False"])),
                data.draw(short),
            ]
            for i in range(n)
        ]
    path = write_csv(
        tmp_path_factory.mktemp("cb") / f"CulturalBench-{variant.capitalize()}.csv", header, rows
    )
    items = read_culturalbench(path, variant)
    if variant == "easy":
        assert [(it.question, it.options, it.answer, it.country) for it in items] == [
            (r[2], tuple(r[3:7]), "ABCD".index(r[7]), r[8]) for r in rows
        ]
    else:
        assert [(it.question, it.answer, it.group, it.country) for it in items] == [
            (f"{r[2]}\nAnswer: {r[3]}", 0 if r[4] == "True" else 1, r[1], r[5]) for r in rows
        ]
    damage(path, data)
    reads_or_refuses(lambda: read_culturalbench(path, variant), path)
