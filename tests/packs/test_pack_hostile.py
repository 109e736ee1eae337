"""Hostile probe packs and corpora (issue 23, cases 5-9): a question longer than the model's window, a formula
in a topic, an item file linked out of the pack, deep JSON nesting, a YAML tag; and the CSV cell rule."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from sovaudit.cli import main
from sovaudit.csvsafe import csv_text, neutralise
from sovaudit.packs import check_pack

PACK_YAML = """name: hostile-pack
version: "1.0"
authors: [A. Tester]
licence: CC-BY-4.0
languages: [en]
countries: [SN]
domain: agriculture
description: hostile inputs
items: [items.csv]
"""
HEADER = "id,language,topic,type,question,options,correct,accepted,normalise,source,source_url\n"
ITEMS = HEADER + (
    'c1,en,"=HYPERLINK(""http://127.0.0.1:9/x"",""click"")",mc,Which crop?,Rice | Millet,B,,,FAO,\n'
    "c2,en,soil,agree,Burning residues improves soil.,,disagree,,,FAO,\n"
)


def write_pack(root: Path, items: str = ITEMS, meta: str = PACK_YAML, name: str = "items.csv") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(meta.replace("items.csv", name), encoding="utf-8")
    (root / name).write_text(items, encoding="utf-8")
    return root


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("sovaudit: error:"), err
    return err


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-0.5, "-0.5"),  # a number sovaudit writes stays a number
        (-3, -3),
        (0.1, "0.1"),
        (None, None),
        (True, True),
    ],
)
def test_csv_cells_are_neutralised(value: object, written: object) -> None:
    assert neutralise(value) == written


def test_csv_text_round_trips_with_quotes_only_on_formula_cells() -> None:
    rows = [{"topic": '=HYPERLINK("http://127.0.0.1:9/x","click")', "score": -0.25, "n": 3}]
    back = list(csv.DictReader(io.StringIO(csv_text(["topic", "score", "n"], rows))))
    assert back == [{"topic": '\'=HYPERLINK("http://127.0.0.1:9/x","click")', "score": "-0.25", "n": "3"}]


def test_items_file_linked_out_of_the_pack_is_refused(tmp_path: Path, capsys) -> None:
    root = write_pack(tmp_path / "p")
    (root / "items.csv").unlink()
    (root / "items.csv").symlink_to("/etc/passwd")
    pack, problems = check_pack(root)
    assert pack is None and "must be inside the pack folder" in str(problems[0])
    assert main(["pack", "validate", str(root)]) == 2
    inside = write_pack(tmp_path / "q")  # a link that stays inside the pack is resolved and read
    (inside / "data").mkdir()
    (inside / "items.csv").rename(inside / "data" / "real.csv")
    (inside / "items.csv").symlink_to(inside / "data" / "real.csv")
    assert check_pack(inside)[1] == []


def test_pack_yaml_linked_out_is_refused(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "p")
    outside = tmp_path / "elsewhere.yaml"
    (root / "pack.yaml").rename(outside)
    (root / "pack.yaml").symlink_to(outside)
    assert "leads out of the pack folder" in str(check_pack(root)[1][0])


@pytest.mark.timeout(20)
def test_deep_nesting_in_pack_jsonl_is_one_line(tmp_path: Path, capsys) -> None:
    root = write_pack(tmp_path / "p", "[" * 100_000 + "\n", name="items.jsonl")
    assert main(["pack", "validate", str(root)]) == 2
    assert "items.jsonl, row 1: JSON nested too deep" in capsys.readouterr().err
    assert main(["pack", "run", str(root), "--model", "no-such", "--out", str(tmp_path / "o")]) == 2
    assert "JSON nested too deep" in _one_line_error(capsys)


@pytest.mark.timeout(20)
def test_deep_nesting_in_a_jsonl_corpus_is_one_line(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "deep.jsonl"
    corpus.write_text('{"id": "s1", "eng": "a"}\n' + "[" * 100_000 + "\n", encoding="utf-8")
    args = ["tokenizers", "-t", "bytes", "--corpus", f"jsonl:{corpus}", "--out", str(tmp_path / "o")]
    assert main(args) == 2
    err = _one_line_error(capsys)
    assert "line 2: JSON nested too deep" in err


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("!!python/object/apply:os.system ['true']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!custom x", "!custom"),
    ],
)
def test_yaml_tags_in_pack_yaml_are_named(tmp_path: Path, capsys, tag: str, shown: str) -> None:
    root = write_pack(tmp_path / "p", meta=PACK_YAML.replace("domain: agriculture", f"domain: {tag}"))
    assert main(["pack", "run", str(root), "--model", "no-such", "--out", str(tmp_path / "o")]) == 2
    err = _one_line_error(capsys)
    assert f"uses the YAML tag '{shown}'" in err and "indentation" not in err


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


@pytest.mark.timeout(120)
def test_an_item_longer_than_the_window_is_reported_not_truncated(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    long_q = " ".join(["word"] * 20_000) + "?"
    items = (
        ITEMS + f"c3,en,soil,mc,{long_q},Yes | No,A,,,FAO,\n" + f"c4,en,soil,short,{long_q},,,x,text,FAO,\n"
    )
    root = write_pack(tmp_path / "p", items)
    out = tmp_path / "out"
    t0 = time.perf_counter()
    assert main(["pack", "run", str(root), "--model", str(tiny), "--max-tokens", "2", "--out", str(out)]) == 0
    elapsed = time.perf_counter() - t0
    doc = json.loads((out / "results.json").read_text())
    by_id = {i["id"]: i for i in doc["items"]}
    for item_id in ("c3", "c4"):
        assert by_id[item_id]["status"] == "too_long" and by_id[item_id]["correct"] is None
        assert by_id[item_id]["tokens"] > by_id[item_id]["context"] == 512
    assert "answer" not in by_id["c3"] and "answer" in by_id["c1"]
    rows = {(r["language"], r["topic"]): r for r in doc["rows"]}
    assert rows[("en", "all")]["n_items"] == 2 and rows[("en", "soil")]["n_items"] == 1  # c3, c4 left out
    assert doc["summary"]["too_long"] == 2
    assert any("2 items are longer than the model's context window (512 tokens)" in n for n in doc["notes"])
    table = list(csv.DictReader((out / "rows.csv").open(encoding="utf-8")))
    topics = {r["topic"] for r in table}
    assert '\'=HYPERLINK("http://127.0.0.1:9/x","click")' in topics  # case 6: neutralised in rows.csv
    assert not any(t.startswith("=") for t in topics)
    print(f"\npack run with two 20,000-word items: {elapsed:.1f} s")
