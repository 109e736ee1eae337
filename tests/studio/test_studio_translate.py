"""Translation tasks: a sample of a parallel corpus translated into a missing language, reviewed by a second
linguist, exported as a TSV corpus the audits read."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("argon2")
pytest.importorskip("starlette")

from starlette.testclient import TestClient
from studio_helpers import login, make_studio

from sovaudit.corpora import load_corpus
from sovaudit.errors import SovauditError
from sovaudit.studio import translate
from sovaudit.studio.app import create_app


def _corpus(tmp_path: Path) -> str:
    path = tmp_path / "src.tsv"
    rows = ["id\teng_Latn\tswh_Latn"] + [f"s{i}\tSentence {i}.\tSentensi {i}." for i in range(10)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return f"tsv:{path}"


def test_translate_review_export(tmp_path: Path) -> None:
    store = make_studio(tmp_path / "data", graders=2)
    task = translate.create_task(store, _corpus(tmp_path), "eng_Latn", "luy", n=5, seed=3)
    again = translate.create_task(store, _corpus(tmp_path), "eng_Latn", "luy", n=5, seed=3)
    segs = store.query("SELECT task_id, seg_id FROM tr_segments ORDER BY id")
    assert [s["seg_id"] for s in segs if s["task_id"] == task] == [
        s["seg_id"] for s in segs if s["task_id"] == again
    ]
    g1, g2 = (int(store.user_by_name(n)["id"]) for n in ("grader1", "grader2"))  # type: ignore[index]
    done = []
    while (seg := translate.next_segment(store, g1)) is not None and seg["id"] not in done:
        done.append(seg["id"])
        assert translate.add_translation(store, seg["id"], g1, f"Luyia\t{seg['source_text']}\nline")
    assert len(done) == 10 and not translate.add_translation(store, done[0], g1, "again")
    assert translate.next_review(store, g1) is None  # never one's own
    with pytest.raises(SovauditError, match="own translation"):
        translate.add_review(store, 1, g1)
    reviewed = 0
    while (tr := translate.next_review(store, g2)) is not None and reviewed < 4:
        translate.add_review(store, tr["id"], g2, "Imbosi" if reviewed == 0 else "")
        reviewed += 1
    out = translate.export_tsv(store, task, tmp_path / "luy.tsv")
    corpus = load_corpus(f"tsv:{out}")
    assert set(corpus.texts) == {"eng_Latn", "luy"} and len(corpus.segment_ids) == 5
    got = [t for t in corpus.texts["luy"].values() if t]
    assert all("\t" not in t and "\n" not in t for t in got)
    assert 0 < len(got) <= 4  # only reviewed sentences; the rest are reported missing
    assert translate.tasks(store)[0]["segments"] == 5


def test_translation_pages(tmp_path: Path) -> None:
    store = make_studio(tmp_path / "data", graders=2)
    admin = TestClient(create_app(tmp_path / "data"), base_url="http://127.0.0.1")
    token = login(admin, "admin")
    form = {"csrf_token": token, "corpus": _corpus(tmp_path), "source": "eng_Latn", "target": "luy", "n": "2"}
    assert admin.post("/translations", data={**form, "target": "zz-not"}).status_code == 400
    resp = admin.post("/translations", data=form)
    assert resp.status_code == 200 and "<td>luy</td>" in resp.text
    t1 = TestClient(create_app(tmp_path / "data"), base_url="http://127.0.0.1")
    tok1 = login(t1, "grader1")
    page = t1.get("/translate").text
    seg = page.split('name="segment_id" value="')[1].split('"')[0]
    resp = t1.post("/translate", data={"csrf_token": tok1, "segment_id": seg, "text": "<b>Mulembe</b>"})
    assert "Saved." in resp.text
    assert "Nothing left to review" in t1.get("/review").text
    t2 = TestClient(create_app(tmp_path / "data"), base_url="http://127.0.0.1")
    tok2 = login(t2, "grader2")
    page = t2.get("/review").text
    assert "&lt;b&gt;Mulembe&lt;/b&gt;" in page
    text_id = page.split('name="text_id" value="')[1].split('"')[0]
    resp = t2.post(
        "/review", data={"csrf_token": tok2, "text_id": text_id, "verdict": "ok", "corrected": "x"}
    )
    assert "Saved." in resp.text
    assert store.query("SELECT verdict, corrected FROM tr_reviews")[0]["verdict"] == "ok"
    assert t2.get("/translations").status_code == 403
