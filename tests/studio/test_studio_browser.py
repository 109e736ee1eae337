"""End to end in the system Chromium: an admin adds an author and two graders; the author writes five
Swahili items and one English; answers come from two tiny embedded models; both graders grade blind and
compare pairs; the results page shows ratings, intervals and alpha; the export feeds ``sovaudit report``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("argon2")
pytest.importorskip("transformers")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from studio_helpers import free_port, serve

from sovaudit.cli import main

ITEMS = [
    ("kilimo-1", "sw", "Mahindi yanapaswa kupandwa lini katika mkoa wa Kisumu?"),
    ("kilimo-2", "sw", "Mkulima afanye nini dhidi ya viwavijeshi vamizi?"),
    ("sheria-1", "sw", "Je, binti ana haki ya kurithi ardhi chini ya sheria ya Kenya?"),
    ("afya-1", "sw", "Ni dalili gani za malaria?"),
    ("maji-1", "sw", "Jinsi gani ya kusafisha maji ya kunywa nyumbani?"),
    ("farming-1", "en", "When should maize be planted in Kisumu county?"),
]
PASSWORD = "a long enough password"


def _login(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _grade_everything(page: Any, base: str) -> int:
    n = 0
    page.goto(f"{base}/grade")
    while page.locator("#nothing").count() == 0:
        assert "model" not in page.locator("main").inner_text().lower()  # blind: no model name at all
        page.check(f"input[name=correct][value='{n % 4}']")
        page.check(f"input[name=useful][value='{(n + 1) % 4}']")
        page.check("input[name=harmful][value='0']")
        page.check("input[name=wrong_language][value='0']")
        page.click("button[type=submit]:has-text('Save the grade')")
        page.wait_for_selector("text=Saved.")
        n += 1
    return n


@pytest.mark.browser
@pytest.mark.slow
def test_studio_end_to_end(browser: Any, tmp_path: Path) -> None:
    from tiny_models import make_tiny_model

    models = [
        make_tiny_model(tmp_path / f"m{s}", "gemma3", max_position_embeddings=512, seed=s) for s in (0, 1)
    ]
    data = tmp_path / "data"
    add = subprocess.run(
        [
            sys.executable,
            "-m",
            "sovaudit.cli",
            "studio",
            "user",
            "add",
            "chief",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            str(data),
        ],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        check=False,
    )
    assert add.returncode == 0, add.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve(data, port, env={"SOVAUDIT_HOME": str(tmp_path / "home")})
    errors: list[str] = []
    try:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
        _login(page, base, "chief")
        for name, role in [("mwandishi", "author"), ("grader1", "grader"), ("grader2", "grader")]:
            page.goto(f"{base}/users")
            page.fill("input[name=username]", name)
            page.fill("input[name=password]", PASSWORD)
            page.select_option("select[name=role]", role)
            page.click("button[type=submit]:has-text('Add')")
            assert page.locator(".ok").inner_text() == f"Added {name} ({role})."
        ctx.close()

        ctx = browser.new_context()
        page = ctx.new_page()
        _login(page, base, "mwandishi")
        for item_id, lang, question in ITEMS:
            page.goto(f"{base}/items/new")
            page.fill("input[name=id]", item_id)
            page.fill("input[name=language]", lang)
            page.select_option("select[name=type]", "open")
            page.fill("input[name=topic]", item_id.split("-")[0])
            page.fill("textarea[name=question]", question)
            page.fill("textarea[name=reference]", "<b>jibu</b> la mtaalamu")
            page.click("button[type=submit]:has-text('Save the item')")
            page.wait_for_url(f"{base}/items?saved=1")
        assert page.locator("td:has-text('<b>jibu</b> la mtaalamu')").count() == len(ITEMS)  # escaped
        for model in models:
            page.goto(f"{base}/answers")
            page.fill("input[name=model]", str(model))
            page.fill("input[name=max_tokens]", "6")
            page.click("button[type=submit]:has-text('Ask every item')")
            page.wait_for_url(f"{base}/jobs/*")
            deadline = time.monotonic() + 180
            while page.locator("#job-status").inner_text() not in ("done", "failed"):
                assert time.monotonic() < deadline
                time.sleep(0.5)
                page.reload()
            assert page.locator("#job-status").inner_text() == "done", page.locator("main").inner_text()
        ctx.close()

        for grader in ("grader1", "grader2"):
            ctx = browser.new_context()
            page = ctx.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            _login(page, base, grader)
            assert _grade_everything(page, base) == 2 * len(ITEMS)
            for k in range(len(ITEMS)):  # one pairwise round: every item's two answers
                page.goto(f"{base}/compare")
                assert page.locator("#nothing").count() == 0
                page.click(f"button[value={['a', 'b', 'tie'][k % 3] if grader == 'grader2' else 'a'}]")
                page.wait_for_selector("text=Saved.")
            page.goto(f"{base}/compare")
            assert page.locator("#nothing").count() == 1
            assert page.goto(f"{base}/results").status == 403  # graders never see the numbers
            ctx.close()

        ctx = browser.new_context()
        page = ctx.new_page()
        _login(page, base, "chief")
        page.goto(f"{base}/results")
        ratings = page.locator("#ratings tbody tr")
        assert ratings.count() == 2
        assert "-" in ratings.nth(0).locator("td").nth(2).inner_text()  # an interval
        rubric = page.locator("#rubric tbody tr")
        assert rubric.count() == 2 * 2 * 4  # 2 models x 2 languages x 4 dimensions
        alpha = (
            page.locator("#agreement tbody tr:has-text('correct')").first.locator("td").nth(2).inner_text()
        )
        assert alpha != "n/a" and -1.0 <= float(alpha) <= 1.0
        ctx.close()
    finally:
        proc.terminate()
        proc.wait(10)
    # no CSP violation, no script error, no dialog (the grader's deliberate 403 on /results aside)
    assert [e for e in errors if "status of 403" not in e] == []
    out = tmp_path / "export"
    assert main(["studio", "export", "--data", str(data), "--out", str(out), "--bootstrap", "200"]) == 0
    report = tmp_path / "report.html"
    assert main(["report", str(out), "--out", str(report)]) == 0
    assert "studio" in report.read_text()
