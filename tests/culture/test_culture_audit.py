"""``sovaudit culture`` end to end on a BLEnD folder written here in the published format, with a tiny
random model; and its bad input (one line, exit 2, before any model loads)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from sovaudit.cli import main

QUESTIONS = {
    "Algeria": [
        (
            "Al-en-01",
            "Food",
            "ماذا يأكل الأطفال قبل المدرسة في الجزائر؟",
            "What do kids eat before school in Algeria?",
        ),
        ("Al-en-02", "Food", "ما هو الطعام الشعبي في الجزائر؟", "What is a popular food in Algeria?"),
        (
            "Al-en-03",
            "Sport",
            "ما هي الرياضة الأكثر شعبية في الجزائر؟",
            "What is the most popular sport in your country?",
        ),
    ],
}


def write_blend(root: Path) -> Path:
    """A BLEnD data/ folder (annotations/, questions/, prompts/) for Algeria, as the authors publish it."""
    data = root / "data"
    for sub in ("annotations", "questions", "prompts"):
        (data / sub).mkdir(parents=True)
    ann = {
        "Al-en-01": {
            "question": QUESTIONS["Algeria"][0][2],
            "en_question": QUESTIONS["Algeria"][0][3],
            "annotations": [{"answers": ["خبز"], "en_answers": ["bread"], "count": 3}],
            "idks": {"idk": 0, "no-answer": 0, "not-applicable": 0},
        },
        "Al-en-02": {
            "question": QUESTIONS["Algeria"][1][2],
            "en_question": QUESTIONS["Algeria"][1][3],
            "annotations": [{"answers": ["كسكس"], "en_answers": ["couscous"], "count": 4}],
            "idks": {"idk": 1, "no-answer": 0, "not-applicable": 0},
        },
        "Al-en-03": {
            "question": QUESTIONS["Algeria"][2][2],
            "en_question": QUESTIONS["Algeria"][2][3],
            "annotations": [],
            "idks": {"idk": 0, "no-answer": 0, "not-applicable": 5},
        },
    }
    (data / "annotations" / "Algeria_data.json").write_text(json.dumps(ann, ensure_ascii=False), "utf-8")
    with (data / "questions" / "Algeria_questions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["", "ID", "Topic", "Source", "Question", "Translation"])
        for i, (qid, topic, q, en) in enumerate(QUESTIONS["Algeria"]):
            w.writerow([i, qid, topic, "English (US)", q, en])
    with (data / "prompts" / "Algeria_prompts.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "English", "Translation"])
        w.writerow(
            [
                "inst-4",
                "Read the following question and provide a single answer without any "
                "explanations.\n\nQuestion: {q}\nAnswer:",
                "اقرأ السؤال التالي\n\nالسؤال: {q}\nالإجابة:",
            ]
        )
    return data


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


def test_rows_contract_and_gap(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    data = write_blend(tmp_path)
    out = tmp_path / "out"
    args = [
        "culture",
        "--benchmark",
        "blend",
        "--model",
        str(tiny),
        "--country",
        "DZ",
        "--data",
        str(data),
        "--max-tokens",
        "4",
        "--bootstrap",
        "50",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    doc = json.loads((out / "results.json").read_text())
    rows = {r["language"]: r for r in doc["rows"]}
    assert set(rows) == {"ar", "en"}
    for r in rows.values():
        for key in (
            "benchmark",
            "country",
            "language",
            "score",
            "ci_low",
            "ci_high",
            "n_questions",
            "idk_rate",
        ):
            assert key in r
        assert r["benchmark"] == "blend" and r["country"] == "DZ"
        assert r["n_questions"] == 2 and r["n_excluded"] == 1  # Al-en-03: 5 x not-applicable
        assert 0.0 <= r["score"] <= 1.0
    gap = doc["summary"]["gap_local_minus_english"]["DZ"]
    assert gap["gap"] == pytest.approx(rows["ar"]["score"] - rows["en"]["score"])
    assert gap["n_questions"] == 2
    english = [i for i in doc["items"] if i["mode"] == "en" and i["id"] == "Al-en-03"]
    assert english and english[0]["valid"] is False
    assert any("lemmatis" in n for n in doc["notes"])
    assert "data:blend@" in doc["signature"]


def test_missing_annotation_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_blend(tmp_path)
    (data / "annotations" / "Algeria_data.json").unlink()
    code = main(
        [
            "culture",
            "--model",
            "no-such-model",
            "--country",
            "DZ",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "annotations/Algeria_data.json" in err


def test_unknown_country(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["culture", "--country", "FR", "--data", str(write_blend(tmp_path)), "--out", str(tmp_path)])
        == 2
    )
    assert "BLEnD has no country" in capsys.readouterr().err
