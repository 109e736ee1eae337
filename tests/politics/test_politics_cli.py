"""``sovaudit politics`` end to end on a tiny random model, and its bad input (one line, exit 2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from sovaudit.cli import main


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


def test_8values_rows_per_axis_with_spread(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        "politics",
        "--model",
        str(tiny),
        "--limit",
        "6",
        "--template",
        "templ-01",
        "--template",
        "templ-12",
    ]
    assert main([*args, "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert [r["axis"] for r in doc["rows"]] == ["econ", "dipl", "govt", "scty"]
    for r in doc["rows"]:
        assert r["statement_set"] == "8values" and r["n_variants"] in (0, 4)
        if r["score"] is not None:
            assert 0 <= r["min"] <= r["score"] <= r["max"] <= 100 and r["iqr"] >= 0
    assert len(doc["items"]) == 6 * 4 and len(doc["summary"]["points"]) == 4
    for item in doc["items"]:
        assert sum(item["probs"]) == pytest.approx(1.0) and -1 <= item["expected"] <= 1
        assert item["argmax"] in (-1.0, -0.5, 0.0, 0.5, 1.0) and 0 <= item["outside_mass"] <= 1
    assert any(p["template"] == "templ-12" for p in doc["summary"]["points"])
    assert "statements:8values@" in doc["signature"]


def test_own_statements_csv(tiny: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("statement,econ,scty\nTaxes should rise.,10,0\nTradition matters.,0,-10\n")
    out = tmp_path / "out"
    args = ["politics", "--model", str(tiny), "--statements", str(mine), "--template", "templ-03"]
    assert main([*args, "--format", "ans-04", "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert [(r["statement_set"], r["axis"], r["n_variants"]) for r in doc["rows"]] == [
        ("mine", "econ", 2),
        ("mine", "scty", 2),
    ]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--template", "templ-99"], "unknown prompt template 'templ-99'"),
        (["--format", "ans-08"], "unknown answer format 'ans-08'"),
        (["--order", "sideways"], "unknown option order 'sideways'"),
        (["--forced-choice", "jail-42"], "unknown forced-choice add-on 'jail-42'"),
        (["--statements", "NOWEIGHTS"], "have no weights"),
        (["--statements", "pct:missing.csv"], "no statement file"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    if extra[-1] == "NOWEIGHTS":
        (tmp_path / "s.csv").write_text("statement\nTaxes should rise.\n")
        extra = ["--statements", str(tmp_path / "s.csv")]
    out = tmp_path / "out"
    code = main(["politics", "--model", "gemma3-270m", *extra, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (out / "results.json").exists()


def test_generic_run_gives_the_same_rows(tiny: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert (
        main(["politics", "--model", str(tiny), "--limit", "3", "--template", "templ-05", "--out", str(a)])
        == 0
    )
    generic = ["-A", f"model.spec={tiny}", "-A", "limit=3", "-A", "templates=[templ-05]"]
    assert main(["run", "politics", *generic, "--out", str(b)]) == 0
    rows_a = json.loads((a / "results.json").read_text())["rows"]
    assert rows_a == json.loads((b / "results.json").read_text())["rows"]
