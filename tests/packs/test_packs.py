"""Probe packs: the format, validation in plain words (file, row, column), scaffolding, discovery by country,
short-answer rules, and ``sovaudit pack run`` on a tiny random model (rows per language and topic)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from sovaudit.cli import main
from sovaudit.packs import EXAMPLES, check_pack, new_pack, packs_for_country
from sovaudit.packs.scoring import short_answer_correct

PACK_YAML = """name: hand-pack
version: "1.0"
authors: [A. Agronomist]
licence: CC-BY-4.0
languages: [en, fr]
countries: [SN]
domain: agriculture
description: A pack written by hand from the guide.
items: [items.csv]
"""
ITEMS = """id,language,topic,type,question,options,correct,accepted,normalise,source,source_url
c1,en,crops,mc,Which crop tolerates drought best?,Rice | Pearl millet | Wheat,B,,,FAO,https://www.fao.org
c1,fr,crops,mc,Quelle culture tolère le mieux la sécheresse ?,Riz | Mil | Blé,Mil,,,FAO,https://www.fao.org
c2,en,soil,short,What is covering soil with straw called?,,,mulching | mulch,text,FAO,https://www.fao.org
c2,fr,soil,short,Comment appelle-t-on couvrir le sol de paille ?,,,paillage,text,FAO,https://www.fao.org
c3,en,soil,agree,Burning residues improves soil.,,disagree,,,FAO,https://www.fao.org
c3,fr,soil,agree,Brûler les résidus améliore le sol.,,disagree,,,FAO,https://www.fao.org
"""


def write_pack(root: Path, items: str = ITEMS, meta: str = PACK_YAML) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(meta, encoding="utf-8")
    (root / "items.csv").write_text(items, encoding="utf-8")
    return root


def test_hand_written_pack_is_valid(tmp_path: Path) -> None:
    pack, problems = check_pack(write_pack(tmp_path / "p"))
    assert problems == [] and pack is not None
    by = {(i.id, i.language): i for i in pack.items}
    assert by[("c1", "en")].correct == 1 and by[("c1", "fr")].correct == 1  # letter or exact text
    assert by[("c3", "en")].correct == 0  # disagree
    assert main(["pack", "validate", str(tmp_path / "p")]) == 0


def test_every_problem_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = (
        ITEMS.replace("Riz | Mil | Blé,Mil", "Riz | Mil | Blé,Sorgho")  # correct not among the options
        .replace("c2,fr,soil", "c2,xx,soil")  # unknown language
        .replace("c3,fr,", "c3,en,")  # duplicated id, and c3 has no fr row
    )
    root = write_pack(tmp_path / "bad", bad)
    assert main(["pack", "validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert "items.csv, row 3, column 'correct': 'Sorgho' is not among the options" in err
    assert "items.csv, row 5, column 'language': 'xx' is not a known language code" in err
    assert "items.csv, row 7, column 'id': the id 'c3' in language 'en' is already used" in err
    assert "item 'c3' has no 'fr' translation" in err
    assert "item 'c2' has no 'fr' translation" in err
    assert "has 6 problems" in err  # and c1 has no valid fr row


def test_missing_licence_and_bad_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_pack(tmp_path / "p", meta=PACK_YAML.replace("licence: CC-BY-4.0\n", ""))
    (root / "items.csv").write_bytes(ITEMS.encode("latin-1"))
    assert main(["pack", "validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert "the field 'licence' is missing" in err
    # fix the licence: now the encoding problem is reported with the way to fix it
    (root / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    assert main(["pack", "validate", str(root)]) == 2
    assert "not in UTF-8 encoding" in capsys.readouterr().err


def test_run_refuses_invalid_pack_before_loading_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_pack(tmp_path / "p", ITEMS.replace(",B,", ",Z,"))
    code = main(["pack", "run", str(root), "--model", "no-such-model", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0
    assert "is not valid" in err and "sovaudit pack validate" in err
    assert not (tmp_path / "o" / "results.json").exists()


def test_examples_are_valid_and_found_by_country() -> None:
    for folder in sorted(EXAMPLES.iterdir()):
        pack, problems = check_pack(folder)
        assert problems == [], problems[:3]
        assert pack is not None and pack.meta.example
        ids = {i.id for i in pack.items}
        assert len(ids) >= 30 and set(pack.meta.languages) == {"en", "fr"}
        assert {i.type for i in pack.items} == {"mc", "short", "agree"}
        assert all(i.source and i.source_url.startswith("https://") for i in pack.items)
    names = {p.meta.name for p in packs_for_country("sn")}
    assert {"example-climate-agriculture", "example-energy-minigrids"} <= names
    assert packs_for_country("IS") == []


def test_new_pack_validates(tmp_path: Path) -> None:
    root = new_pack(tmp_path / "mine", "mine", ["en", "fr"], ["ke"])
    pack, problems = check_pack(root)
    assert problems == [] and pack is not None and pack.meta.countries == ["KE"]
    assert main(["pack", "new", str(root)]) == 2  # not empty


@pytest.mark.parametrize(
    ("response", "accepted", "rule", "ok"),
    [
        ("Mulching, of course.", ["mulching"], "text", True),
        ("MULCHING", ["mulching"], "text", True),
        ("mulchings", ["mulching"], "text", False),  # whole words only
        ("le paillage", ["paillage"], "text", True),
        ("photovoltaique", ["photovoltaïque"], "text-no-accents", True),
        ("photovoltaique", ["photovoltaïque"], "text", False),
        ("Paris", ["paris"], "exact", False),
        ("about 1,5 metres", ["1.5"], "number", True),
        ("3 principles", ["3", "three"], "text", True),
    ],
)
def test_short_answer_rules(response: str, accepted: list[str], rule: str, ok: bool) -> None:
    assert short_answer_correct(response, accepted, rule) is ok


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


def test_run_rows_per_language_and_topic(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    root = write_pack(tmp_path / "p")
    out = tmp_path / "out"
    args = [
        "pack",
        "run",
        str(root),
        "--model",
        str(tiny),
        "--max-tokens",
        "4",
        "--bootstrap",
        "50",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    doc = json.loads((out / "results.json").read_text())
    keys = {(r["language"], r["topic"]): r for r in doc["rows"]}
    assert set(keys) == {(lang, t) for lang in ("en", "fr") for t in ("crops", "soil", "all")}
    assert keys[("en", "all")]["n_items"] == 3 and keys[("en", "soil")]["n_items"] == 2
    for r in doc["rows"]:
        assert 0.0 <= r["score"] <= 1.0
    mc = [i for i in doc["items"] if i["type"] == "mc"]
    assert all(len(i["logprobs"]) == 3 for i in mc)
    assert set(doc["summary"]["scores"]) == {"en", "fr"}
    assert "pack:hand-pack@" in doc["signature"]


def test_run_by_country_runs_every_tagged_pack(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    monkeypatch.setenv("SOVAUDIT_PACKS", str(tmp_path / "packs"))
    write_pack(tmp_path / "packs" / "hand")
    out = tmp_path / "out"
    args = [
        "pack",
        "run",
        "--country",
        "SN",
        "--model",
        str(tiny),
        "-l",
        "en",
        "--max-tokens",
        "2",
        "--bootstrap",
        "0",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    for name in ("hand-pack", "example-climate-agriculture", "example-energy-minigrids"):
        doc = json.loads((out / name / "results.json").read_text())
        assert {r["language"] for r in doc["rows"]} == {"en"}
    example = json.loads((out / "example-energy-minigrids" / "results.json").read_text())
    assert any("EXAMPLE" in n for n in example["notes"])
    assert main(["pack", "run", "--country", "IS", "--model", str(tiny), "--out", str(out)]) == 2
