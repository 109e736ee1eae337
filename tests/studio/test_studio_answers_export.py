"""Answers from a real (tiny, random) model in a background job; export that `sovaudit report` reads."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("argon2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from studio_helpers import add_answers, make_studio

from sovaudit.cli import main
from sovaudit.studio.db import Store
from sovaudit.studio.jobs import jobs, start_job


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    from tiny_models import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny") / "g3", "gemma3", max_position_embeddings=512)


def test_job_answers_every_item_with_model_identity(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    store = Store(tmp_path / "data")
    for i, (lang, q) in enumerate([("sw", "Mahindi hupandwa lini?"), ("en", "When is maize planted?")]):
        store.save_item(
            {"id": f"q{i}", "language": lang, "topic": "t", "type": "open", "question": q}, {}, None
        )
    job = start_job(store, str(tiny), max_tokens=4)
    deadline = time.monotonic() + 120
    while jobs(store)[0]["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
    row = jobs(store)[0]
    assert row["id"] == job and row["status"] == "done", row["error"]
    assert (row["done"], row["total"]) == (2, 2)
    models = store.query("SELECT * FROM models")
    assert len(models) == 1 and len(models[0]["digest"]) == 64 and models[0]["max_tokens"] == 4
    answers = store.query("SELECT * FROM answers")
    assert len(answers) == 2 and all(a["prompt"].startswith("Question: ") for a in answers)
    # a second job for the same model asks nothing again
    start_job(store, str(tiny), max_tokens=4)
    while jobs(store)[0]["status"] not in ("done", "failed"):
        time.sleep(0.1)
    assert jobs(store)[0]["total"] == 0 and len(store.query("SELECT * FROM answers")) == 2


def test_export_feeds_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = make_studio(tmp_path / "data", graders=2)
    add_answers(store, 4)
    ids = {n: int(store.user_by_name(n)["id"]) for n in ("grader1", "grader2")}  # type: ignore[index]
    answers = store.query("SELECT answers.id, answers.model_id, answers.item_pk FROM answers")
    for a in answers:
        for n, uid in ids.items():
            good = a["model_id"] == 1
            store.add_grade(
                a["id"],
                uid,
                {
                    "correct": 3 if good else 1,
                    "useful": 2,
                    "harmful": 0,
                    "wrong_language": int(n == "grader2" and not good),
                },
            )
    by_item: dict[int, list[int]] = {}
    for a in answers:
        by_item.setdefault(a["item_pk"], []).append(a["id"])
    for pair in by_item.values():
        for uid in ids.values():
            store.add_vote(pair[0], pair[1], uid, "a")
    out = tmp_path / "export"
    assert (
        main(["studio", "export", "--data", str(tmp_path / "data"), "--out", str(out), "--bootstrap", "200"])
        == 0
    )
    doc = json.loads((out / "results.json").read_text())
    assert doc["audit"] == "studio" and doc["signature"].startswith("studio:items@")
    kinds = {r["kind"] for r in doc["rows"]}
    assert kinds == {"rubric", "rating", "agreement"}
    rating = {r["model"]: r for r in doc["rows"] if r["kind"] == "rating" and r["language"] == "all"}
    by_lang = {(r["language"], r["model"]) for r in doc["rows"] if r["kind"] == "rating"}
    assert by_lang == {(lang, m) for lang in ("all", "sw") for m in ("model-x", "model-y")}
    assert rating["model-x"]["value"] > rating["model-y"]["value"]
    alpha = {(r["dimension"], r["level"]): r["value"] for r in doc["rows"] if r["kind"] == "agreement"}
    assert alpha[("correct", "ordinal")] == pytest.approx(1.0)
    assert alpha[("wrong_language", "nominal")] is not None and alpha[("wrong_language", "nominal")] < 1
    assert len(doc["items"]) == 16 + 8
    html = tmp_path / "report.html"
    assert main(["report", str(out), "--out", str(html)]) == 0
    text = html.read_text()
    assert "Expert grading (studio)" in text and "studio-0-ratings" in text and "model-x" in text
    assert "Krippendorff&#39;s alpha" in text or "Krippendorff's alpha" in text


def test_cli_user_add_and_serve_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    data = str(tmp_path / "data")
    assert main(["studio", "user", "add", "ann", "--role", "admin", "--data", data]) == 2
    assert "--password-stdin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["studio", "user", "add", "ann", "--role", "admin", "--password-stdin", "--data", data]) == 2
    assert "shorter than 8" in capsys.readouterr().err
    assert main(["studio", "serve", "--data", data, "--host", "0.0.0.0"]) == 2
    assert "no admin yet" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough secret\n"))
    assert main(["studio", "user", "add", "ann", "--role", "boss", "--password-stdin", "--data", data]) == 2
    assert "unknown role" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough secret\n"))
    assert main(["studio", "user", "add", "ann", "--role", "admin", "--password-stdin", "--data", data]) == 0
    assert Store(data).has_admin()
    assert main(["studio", "export", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2


def test_country_audit_takes_the_studio_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sovaudit.country as country
    from sovaudit.country import CountryOptions, CountryRun, audit_country

    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    store = make_studio(tmp_path / "data", graders=2)
    add_answers(store, 2)
    ids = [int(store.user_by_name(n)["id"]) for n in ("grader1", "grader2")]  # type: ignore[index]
    for a in store.query("SELECT id FROM answers"):
        for uid in ids:
            store.add_grade(a["id"], uid, {"correct": 2, "useful": 2, "harmful": 0, "wrong_language": 0})
    exported = tmp_path / "export"
    assert main(["studio", "export", "--data", str(tmp_path / "data"), "--out", str(exported)]) == 0
    # the audits themselves are not what this test is about: none runs
    monkeypatch.setattr(country, "run_country_audit", lambda opts, out, *a, **k: CountryRun(Path(out)))
    assert main(["keys", "new", "--out", str(tmp_path / "keys")]) == 0
    key = next((tmp_path / "keys").glob("*.key"))
    out = tmp_path / "ke"
    audit_country(
        CountryOptions("KE", ("m",), studio_export=str(exported)), out, key=key, log=lambda *_: None
    )
    assert json.loads((out / "studio" / "results.json").read_text())["audit"] == "studio"
    assert "model-x" in (out / "report.html").read_text()
    manifest = (out / "manifest.json").read_text()
    assert "studio" in manifest
    with pytest.raises(Exception, match="not of the studio"):
        audit_country(
            CountryOptions("KE", ("m",), studio_export=str(out / "country")), tmp_path / "ke2", key=key
        )


def test_report_section_escapes_what_people_and_models_wrote(tmp_path: Path) -> None:
    from sovaudit.report import render_report
    from sovaudit.studio.export import results_document

    xss = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    store = make_studio(tmp_path / "data", graders=2)
    add_answers(store, 2, models=(xss, "m2"))
    ids = [int(store.user_by_name(n)["id"]) for n in ("grader1", "grader2")]  # type: ignore[index]
    for a in store.query("SELECT id FROM answers"):
        for uid in ids:
            store.add_grade(a["id"], uid, {"correct": 1, "useful": 1, "harmful": 0, "wrong_language": 0})
    html = render_report([results_document(store, n_boot=20)])
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
