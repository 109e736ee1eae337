"""Global-MMLU, INCLUDE and CulturalBench from copies written here in their published formats (hub parquet
folders, the CulturalBench CSVs), scored on a tiny random model; question-level CulturalBench-Hard."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from sovaudit.audits.culture.mc import reduce_mc
from sovaudit.audits.culture.mc_readers import read_culturalbench, read_global_mmlu, read_include
from sovaudit.cli import main

GMMLU_COLS = [
    "sample_id",
    "subject",
    "subject_category",
    "question",
    "option_a",
    "option_b",
    "option_c",
    "option_d",
    "answer",
    "required_knowledge",
    "time_sensitive",
    "reference",
    "culture",
    "region",
    "country",
    "cultural_sensitivity_label",
    "is_annotated",
]


def write_global_mmlu(root: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for lang in ("sw", "en"):
        rows = []
        for i, label in enumerate(["CS", "CA", "CS", "CA", "-"]):
            rows.append(
                {
                    "sample_id": f"q{i}",
                    "subject": "geography",
                    "subject_category": "Humanities",
                    "question": f"Question {i} ({lang})?",
                    "option_a": "one",
                    "option_b": "two",
                    "option_c": "three",
                    "option_d": "four",
                    "answer": "ABCDA"[i],
                    "required_knowledge": "[]",
                    "time_sensitive": "[]",
                    "reference": "[]",
                    "culture": "[]",
                    "region": "[]",
                    "country": "[]",
                    "cultural_sensitivity_label": label,
                    "is_annotated": label != "-",
                }
            )
        (root / lang).mkdir(parents=True)
        table = pa.Table.from_pylist(rows).select(GMMLU_COLS)
        pq.write_table(table, root / lang / "test-00000-of-00001.parquet")
    return root


def write_include(root: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (root / "Telugu").mkdir(parents=True)
    rows = [
        {
            "language": "Telugu",
            "country": "India",
            "domain": "Social Science",
            "subject": "History",
            "regional_feature": feat,
            "level": "High school",
            "question": f"Q{i}",
            "option_a": "a",
            "option_b": "b",
            "option_c": "c",
            "option_d": "d",
            "answer": i % 4,
        }
        for i, feat in enumerate(["region explicit", "region implicit", "region agnostic"])
    ]
    pq.write_table(pa.Table.from_pylist(rows), root / "Telugu" / "test-00000-of-00001.parquet")
    return root


def write_culturalbench(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with (root / "CulturalBench-Easy.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "data_idx",
                "question_idx",
                "prompt_question",
                "prompt_option_a",
                "prompt_option_b",
                "prompt_option_c",
                "prompt_option_d",
                "answer",
                "country",
            ]
        )
        w.writerow(
            [
                0,
                0,
                "In Kenya, what is ugali made from?",
                "Maize flour",
                "Rice",
                "Wheat",
                "Cassava",
                "A",
                "Kenya",
            ]
        )
        w.writerow(
            [
                1,
                1,
                "In Peru, which dish is raw fish in citrus?",
                "Lomo saltado",
                "Ceviche",
                "Ají",
                "Papa",
                "B",
                "Peru",
            ]
        )
    with (root / "CulturalBench-Hard.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["data_idx", "question_idx", "prompt_question", "prompt_option", "answer", "country"])
        for j, (opt, ans) in enumerate(
            [("Maize flour", True), ("Rice", False), ("Wheat", False), ("Cassava", False)]
        ):
            w.writerow([j, 0, "In Kenya, what is ugali made from?", opt, ans, "Kenya"])
    return root


def test_readers_read_published_formats(tmp_path: Path) -> None:
    g = read_global_mmlu(write_global_mmlu(tmp_path / "gm"))
    assert len(g) == 10 and {i.language for i in g} == {"sw", "en"}
    assert [i.group for i in g if i.language == "sw"] == ["CS", "CA", "CS", "CA", ""]
    assert [i.answer for i in g if i.language == "sw"] == [0, 1, 2, 3, 0]
    inc = read_include(write_include(tmp_path / "inc"))
    assert [i.answer for i in inc] == [0, 1, 2] and inc[0].group == "region explicit"
    cb = write_culturalbench(tmp_path / "cb")
    easy, hard = read_culturalbench(cb, "easy"), read_culturalbench(cb, "hard")
    assert [i.answer for i in easy] == [0, 1] and easy[1].country == "Peru"
    assert [i.answer for i in hard] == [0, 1, 1, 1] and {i.group for i in hard} == {"0"}


def test_hard_counts_a_question_right_only_when_all_judgements_are() -> None:
    base = {"language": "en", "country": "Kenya", "question": "q", "options": ["True", "False"], "group": "0"}
    logs = [{**base, "id": str(j), "answer": 0, "correct": c} for j, c in enumerate([1, 1, 1, 0])]
    rows, _ = reduce_mc(logs, "culturalbench-hard", 0, 0)
    assert rows[0]["n_questions"] == 1 and rows[0]["score"] == 0.0
    rows, _ = reduce_mc([{**e, "correct": 1} for e in logs], "culturalbench-hard", 0, 0)
    assert rows[0]["score"] == 1.0


def test_cs_minus_ca_by_hand() -> None:
    base = {"language": "sw", "country": "", "question": "q", "options": ["a", "b"], "answer": 0}
    logs = [
        {**base, "id": f"{g}{i}", "group": g, "correct": c}
        for i, (g, c) in enumerate([("CS", 1), ("CS", 0), ("CA", 1), ("CA", 1), ("", 0)])
    ]
    rows, summary = reduce_mc(logs, "global-mmlu", 50, 0)
    by = {r["group"]: r for r in rows}
    assert by["CS"]["score"] == 0.5 and by["CA"]["score"] == 1.0 and by["all"]["score"] == 0.6
    assert summary["gap_cs_minus_ca"]["sw"]["gap"] == pytest.approx(-0.5)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


def test_cli_global_mmlu_and_culturalbench(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    data = write_global_mmlu(tmp_path / "gm")
    out = tmp_path / "o1"
    args = [
        "culture",
        "--benchmark",
        "global-mmlu",
        "--model",
        str(tiny),
        "--data",
        str(data),
        "-l",
        "sw",
        "--bootstrap",
        "20",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    doc = json.loads((out / "results.json").read_text())
    assert {(r["language"], r["group"]) for r in doc["rows"]} == {("sw", "all"), ("sw", "CS"), ("sw", "CA")}
    assert "sw" in doc["summary"]["gap_cs_minus_ca"]
    cb = write_culturalbench(tmp_path / "cb")
    out2 = tmp_path / "o2"
    assert (
        main(
            [
                "culture",
                "--benchmark",
                "culturalbench-hard",
                "--model",
                str(tiny),
                "--data",
                str(cb),
                "--country",
                "KE",
                "--out",
                str(out2),
            ]
        )
        == 0
    )
    rows = json.loads((out2 / "results.json").read_text())["rows"]
    assert rows[0]["country"] == "Kenya" and rows[0]["n_questions"] == 1


def test_mc_benchmark_needs_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["culture", "--benchmark", "include", "--out", "x"]) == 2
    assert "pass its folder with --data" in capsys.readouterr().err
