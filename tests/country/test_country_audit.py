"""The country audit end to end on a tiny random model: one bundle, every dimension, verify, resume."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sovaudit.cli import main
from sovaudit.country import CountryOptions, plan_country
from sovaudit.country.plan import NotMeasured, Planned, dimensions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))


def test_plan_covers_every_dimension_for_every_model() -> None:
    plan = plan_country(CountryOptions("KE", ("gemma3-270m", "smollm2-135m")))
    for dim, _ in dimensions():
        for m in ("gemma3-270m", "smollm2-135m"):
            assert any(p.audit == dim and p.model == m for p in plan), (dim, m)
    missing = {p.audit for p in plan if isinstance(p, NotMeasured)}
    assert missing == {"opinions", "culture", "corpus"}  # no GlobalOpinionQA, BLEnD lacks KE, no corpus
    assert all(p.command.startswith("sovaudit ") for p in plan if isinstance(p, NotMeasured))
    dz = plan_country(CountryOptions("DZ", ("gemma3-270m",), opinions_data="goqa.csv", corpus="c/*.txt"))
    assert {p.audit for p in dz if isinstance(p, Planned)} >= {"culture", "opinions", "corpus"}


def test_unknown_country_is_one_line_before_any_work(tmp_path: Path, capsys) -> None:
    assert main(["audit", "--country", "ZZ", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "ZZ" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_country_bundle_verifies_and_resumes(tmp_path: Path, monkeypatch, capsys) -> None:
    from tiny_models import make_tiny_model

    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    model = make_tiny_model(tmp_path / "tiny", "gemma3", max_position_embeddings=512)
    out = tmp_path / "ke"
    args = ["audit", "--country", "KE", "--model", str(model), "--out", str(out), "--bias-limit", "5",
            "--politics-templates", "1"]  # fmt: skip
    assert main([*args, "--key", str(_key(tmp_path))]) == 0, capsys.readouterr().err
    pub = str(_key(tmp_path).with_name("sovaudit.pub"))  # verify trusts --key, never the bundle's own key
    first = capsys.readouterr().out
    for name in ("report.html", "manifest.json", "manifest.sig", "country/results.json"):
        assert (out / name).is_file(), name
    card = json.loads((out / "country" / "results.json").read_text())
    assert {r["audit"] for r in card["rows"]} == {d for d, _ in dimensions()} | {"coverage", "index"}
    # the scorecard leads with speaker coverage (Kikuyu, Luo, Kamba from FLORES-200) and the country index
    assert [r["dimension"] for r in card["rows"][:2]] == ["Speaker coverage", "Country index"]
    assert card["summary"]["speaker_coverage"]["competence"][str(model)] >= 0.75
    assert "Kikuyu (Gikuyu)" in card["summary"]["language_labels"]
    assert not any("045" in str(r.get("headline", "")) for r in card["rows"])  # names, never UDHR file codes
    measured = [r for r in card["rows"] if r["status"] == "measured"]
    for r in measured:
        for folder in r["folders"]:
            assert (out / folder / "results.json").is_file(), folder
    assert {r["audit"] for r in measured} >= {
        "tokenizers",
        "competence",
        "bias",
        "politics",
        "openness",
        "pack",
    }
    html = (out / "report.html").read_text()
    assert 'id="sec-country"' in html and "not measured" in html and 'href="#sec-bias"' in html

    assert main(["verify", str(out), "--key", pub]) == 0
    (folder,) = next(r["folders"] for r in measured if r["audit"] == "competence")
    target = out / folder / "results.json"
    target.write_bytes(target.read_bytes().replace(b'"bits"', b'"bitz"', 1))
    capsys.readouterr()
    assert main(["verify", str(out), "--key", pub]) == 1
    assert "competence" in capsys.readouterr().out + capsys.readouterr().err

    # a rerun reuses every finished unit (and writes a fresh, valid bundle)
    assert main([*args, "--key", str(_key(tmp_path))]) == 0
    again = capsys.readouterr().out
    assert " 0 units computed" in again and "units computed, 0 reused" not in again, (first, again)
    assert main(["verify", str(out), "--key", pub]) == 0


def _key(tmp: Path) -> Path:
    from sovaudit.bundle import new_key_pair

    folder = tmp / "keys"
    if not (folder / "sovaudit.key").is_file():
        new_key_pair(folder)
    return folder / "sovaudit.key"
