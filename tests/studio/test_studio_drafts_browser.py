"""In Chromium: a grader's half-filled form survives a reload (draft in the browser) and is cleared once the
server confirms the grade; the page runs under the CSP with no violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("argon2")

from studio_helpers import PASSWORD, add_answers, free_port, make_studio, serve


@pytest.mark.browser
def test_grade_draft_survives_reload_and_clears_after_save(browser: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = make_studio(data, graders=1)
    add_answers(store, 2)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve(data, port)
    errors: list[str] = []
    try:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "grader1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/grade")
        answer = page.locator("input[name=answer_id]").get_attribute("value")
        page.check("input[name=correct][value='2']")
        page.fill("textarea[name=comment]", "jibu halijakamilika")
        page.reload()  # the browser closed, the network blinked: the draft is still there
        assert page.locator("input[name=answer_id]").get_attribute("value") == answer
        assert page.locator("input[name=correct][value='2']").is_checked()
        assert page.locator("textarea[name=comment]").input_value() == "jibu halijakamilika"
        page.check("input[name=useful][value='1']")
        page.check("input[name=harmful][value='0']")
        page.check("input[name=wrong_language][value='0']")
        page.click("button[type=submit]:has-text('Save the grade')")
        page.wait_for_selector("text=Saved.")
        assert page.evaluate(f"localStorage.getItem('studio-draft:grade-{answer}')") is None
        ctx.close()
    finally:
        proc.terminate()
        proc.wait(10)
    rows = store.grade_rows()
    assert [(r["correct"], r["useful"], r["comment"]) for r in rows] == [(2, 1, "jibu halijakamilika")]
    assert errors == []
