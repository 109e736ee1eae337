"""``sovaudit opinions`` end to end on a tiny random model, and its bad input (one line, exit 2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from opinions_fixtures import selections_text, write_csv

from sovaudit.cli import main


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))


def test_cli_rows_items_and_resume(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "global_opinions.csv")
    out = tmp_path / "out"
    args = ["opinions", "--model", str(tiny), "--data", str(data), "--country", "KE", "--bootstrap", "50"]
    assert main([*args, "--out", str(out)]) == 0, capsys.readouterr().err
    doc = json.loads((out / "results.json").read_text())
    assert doc["audit"] == "opinions"
    assert {r["country"] for r in doc["rows"]} == {"United States", "Germany", "Kenya"}
    for r in doc["rows"]:
        assert set(r) >= {"country", "similarity", "ci_low", "ci_high", "uniform_similarity", "n_questions"}
        assert 0.0 <= r["similarity"] <= 1.0
    assert len(doc["items"]) == 5
    for item, n in zip(doc["items"], [2, 3, 2, 2, 3], strict=True):
        assert item["question"] and len(item["options"]) == n
        assert sum(item["model_distribution"]) == pytest.approx(1.0)
        assert 0.0 <= item["outside_mass"] <= 1.0 and len(item["permutations"]) == min(n, 4)
    assert doc["summary"]["user_countries"][0]["country"] == "Kenya"
    assert "data:global_opinions.csv@" in doc["signature"]
    # rerun: every unit reused, same rows
    assert main([*args, "--out", str(out)]) == 0
    assert "0 computed" in capsys.readouterr().err
    assert json.loads((out / "results.json").read_text())["rows"] == doc["rows"]


def test_cross_national_asks_only_the_countrys_questions(tiny: Path, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "g.csv")
    out = tmp_path / "out"
    args = [
        "opinions",
        "--model",
        str(tiny),
        "--data",
        str(data),
        "--country",
        "Kenya",
        "--prompting",
        "cross-national",
        "--permutations",
        "1",
        "--bootstrap",
        "0",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    doc = json.loads((out / "results.json").read_text())
    assert len(doc["items"]) == 3 and all(len(i["permutations"]) == 1 for i in doc["items"])


def _bad_csv(tmp_path: Path) -> Path:
    row = {
        "question": "Q?",
        "selections": "__import__('os').system('true')",
        "options": "['Yes', 'No']",
        "source": "GAS",
    }
    return write_csv(tmp_path / "bad.csv", raw=[row])


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--country", "QQ"], "unknown country code 'QQ'"),
        (["--country", "BR"], "BR (Brazil) has no answers"),
        (["--prompting", "cross-national"], "exactly one --country"),
        (["--permutations", "0"], "--permutations must be 1..26"),
        (["--sha256", "00" * 32], "differs from the expected"),
        (["--language", "xx"], "no opinions prompt template for language 'xx'"),
        (["--data", "BAD"], "not a Python literal"),
        (["--data", "MISSING"], "no file"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    data = write_csv(tmp_path / "g.csv")
    if extra[:1] == ["--data"]:
        data = _bad_csv(tmp_path) if extra[1] == "BAD" else tmp_path / "missing.csv"
        extra = []
    out = tmp_path / "out"
    code = main(["opinions", "--model", "gemma3-270m", "--data", str(data), *extra, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (out / "results.json").exists()


def test_skip_bad_rows_counts_them(tiny: Path, tmp_path: Path) -> None:
    good = {
        "question": "Q?",
        "selections": selections_text({"Kenya": [0.5, 0.5]}),
        "options": "['Yes', 'No']",
        "source": "GAS",
    }
    bad = {**good, "selections": selections_text({"Kenya": [0.5, 0.25, 0.25]})}
    data = write_csv(tmp_path / "g.csv", raw=[good, bad])
    out = tmp_path / "out"
    args = ["opinions", "--model", str(tiny), "--data", str(data), "--skip-bad-rows", "--bootstrap", "0"]
    assert main([*args, "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert doc["summary"]["skipped_rows"] == 1 and any("row 2" in n for n in doc["notes"])


def test_generic_run_gives_the_same_rows(tiny: Path, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "g.csv")
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["--data", str(data), "--country", "KE", "--permutations", "2", "--bootstrap", "50"]
    assert main(["opinions", "--model", str(tiny), *args, "--out", str(a)]) == 0
    generic = [
        "-A",
        f"model.spec={tiny}",
        "-A",
        f"data={data}",
        "-A",
        "countries=[KE]",
        "-A",
        "permutations=2",
    ]
    assert main(["run", "opinions", *generic, "-A", "bootstrap=50", "--out", str(b)]) == 0
    rows_a = json.loads((a / "results.json").read_text())["rows"]
    assert rows_a == json.loads((b / "results.json").read_text())["rows"]
