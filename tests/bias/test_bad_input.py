"""Each bad input of the issue's list: one line naming file/line and fix, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.bias.conftest import HAND_12, write_jsonl

from sovaudit.cli import main


def _run(argv: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:") and "\n" not in err
    assert not out.exists()
    return err


def _preds(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    return write_jsonl(tmp_path / "bad.jsonl", rows)


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ({"category": "Age", "example_id": 999, "prediction": 0}, "example_id '999'"),
        ({"category": "Age", "example_id": 0, "prediction": 3}, "not an answer index"),
        ({"category": "Age", "example_id": 0, "prediction": -1}, "not an answer index"),
        ({"category": "SES", "example_id": 0, "prediction": 0}, "category 'SES' is not in the data"),
        ({"category": "Age", "example_id": 0}, "needs the keys"),
    ],
)
def test_bad_prediction_lines(
    bbq_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], row: dict[str, object], needle: str
) -> None:
    pred = _preds(tmp_path, [{"category": "Age", "example_id": 1, "prediction": 0}, row])
    err = _run(["bias", "--data", str(bbq_dir), "--predictions", str(pred)], tmp_path / "out", capsys)
    assert needle in err and f"{pred}:2" in err


def test_duplicate_prediction_refused(
    bbq_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"category": "Age", "example_id": i, "prediction": p} for i, *_, p in HAND_12]
    pred = _preds(tmp_path, [*rows, {"category": "Age", "example_id": 3, "prediction": 0}])
    err = _run(["bias", "--data", str(bbq_dir), "--predictions", str(pred)], tmp_path / "out", capsys)
    assert "second prediction" in err and ":13" in err


def test_malformed_data_line(
    tmp_path: Path, hand_predictions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "Age.jsonl").write_text('{"example_id": 0}\n{not json\n', encoding="utf-8")
    err = _run(
        ["bias", "--data", str(data), "--predictions", str(hand_predictions)], tmp_path / "out", capsys
    )
    assert "Age.jsonl:1" in err


def test_unknown_benchmark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _run(["bias", "--benchmark", "bbqq"], tmp_path / "out", capsys)
    assert "unknown benchmark 'bbqq'" in err and "crows-pairs-en" in err


def test_crows_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c" / "crows_pairs_anonymized.csv"
    path.parent.mkdir()
    path.write_text(",sent_more,sent_less,bias_type\n0,a b,c d,age\n", encoding="utf-8")
    err = _run(
        ["bias", "--benchmark", "crows-pairs-en", "--data", str(path.parent)], tmp_path / "out", capsys
    )
    assert "missing column(s) stereo_antistereo" in err and "crows_pairs_anonymized.csv" in err


def test_jbbq_needs_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _run(["bias", "--benchmark", "jbbq"], tmp_path / "out", capsys)
    assert "--data" in err


def test_unknown_category(
    bbq_dir: Path, hand_predictions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["bias", "--data", str(bbq_dir), "--predictions", str(hand_predictions), "--category", "Nope"]
    err = _run(argv, tmp_path / "out", capsys)
    assert "'nope'" in err.lower() and "Age" in err


def test_results_json_shape_is_contract(bbq_dir: Path, hand_predictions: Path, tmp_path: Path) -> None:
    out = tmp_path / "ok"
    assert (
        main(["bias", "--data", str(bbq_dir), "--predictions", str(hand_predictions), "--out", str(out)]) == 0
    )
    row = json.loads((out / "results.json").read_text())["rows"][0]
    for key in (
        "benchmark",
        "category",
        "s_dis",
        "s_amb",
        "accuracy_ambig",
        "accuracy_disambig",
        "n_ambig",
        "n_disambig",
    ):
        assert key in row
