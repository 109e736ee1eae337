"""The written report in headless Chromium: it renders, makes no network request, and planted markup is text.

Chromium is driven through Playwright (fixtures ``browser`` and ``open_page`` in tests/conftest.py).
Set SOVAUDIT_SCREENSHOT_DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from report_docs import EVIL, make_tokenizer_doc

from sovaudit.report import write_report
from sovaudit.results import ResultsDocument, write_results

pytestmark = pytest.mark.browser

IMG = '<img src="x" onerror="document.title=\'pwned\'">'
Opener = Callable[..., Any]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    doc = make_tokenizer_doc(notes=[f"language {EVIL} has 30 of 31 segments", f"an image: {IMG}"])
    other = ResultsDocument(audit="opinions", signature="s", rows=[{"item": IMG, "score": 0.5}])
    paths = [write_results(doc, root / "tok"), write_results(other, root / "op")]
    return write_report(paths, root / "report.html")


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SOVAUDIT_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_report_renders_offline_and_planted_script_is_text(
    open_page: Opener, report: Path, tmp_path: Path
) -> None:
    url = report.resolve().as_uri()
    log = open_page(url)
    js = log.js

    assert js("document.querySelectorAll('table').length") >= 8
    assert js("document.querySelectorAll('#tok1-rows tbody tr').length") == 9
    assert js("document.querySelectorAll('svg.chart').length") == 3
    assert js("document.querySelectorAll('script').length") == 1
    assert js("document.querySelectorAll('img').length") == 0
    assert js("document.title") == "sovaudit report"
    body = js("document.body.innerText")
    assert EVIL in body and IMG in body  # shown as text
    assert "Language tax of tokenizers" in body

    # the page's own script ran (the CSP admits it by hash) and its controls work
    assert js("document.querySelector('.controls[data-for=\"tok1-rows\"]').offsetParent") is not None
    premium_col = js(
        "[...document.querySelectorAll('#tok1-rows th')].findIndex(t => t.textContent === 'premium')"
    )
    assert premium_col >= 0
    first_premium = f"document.querySelector('#tok1-rows tbody tr').cells[{premium_col}].textContent"
    js(f"document.querySelectorAll('#tok1-rows th')[{premium_col}].click()")
    assert js(first_premium) == "1.00×"
    js(f"document.querySelectorAll('#tok1-rows th')[{premium_col}].click()")
    assert js(first_premium) == "15.20×"  # descending: gpt2 on the planted language
    visible = "[...document.querySelectorAll('#tok1-rows tbody tr')].filter(r => !r.hidden).length"
    js(
        "{ const s = document.querySelector('.controls[data-for=\"tok1-rows\"] select.filter-select');"
        "s.value = 'gpt2'; s.dispatchEvent(new Event('change')) }",
    )
    assert js(visible) == 3
    displayed = "[...document.querySelectorAll('#tok1-rows tbody tr')].filter(r => r.offsetParent).length"
    assert js(displayed) == 3
    js(
        "{ const q = document.querySelector('.controls[data-for=\"tok1-rows\"] input.filter-text');"
        "q.value = 'swahili'; q.dispatchEvent(new Event('input')) }",
    )
    assert js(visible) == 1
    picker = "document.querySelector('select.pick-block')"
    assert js(f"{picker}.offsetParent") is not None  # the country picker is displayed
    assert js(f"{picker}.value") == ""  # two countries: all shown at first
    for code in ("KE", "MM"):
        assert js(f"document.getElementById('tok1-country-{code}').offsetParent") is not None
    log.page.select_option("select.pick-block", "KE")
    assert js("document.getElementById('tok1-country-MM').offsetParent") is None  # not displayed
    assert js("document.getElementById('tok1-country-KE').offsetParent") is not None

    shot = screenshot(log.page, "report.png", tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000

    assert log.requests == [url], f"the report made network requests: {log.requests}"
    assert not log.dialogs, "a planted script ran"
    assert not log.errors
    assert js("document.title") != "pwned"
    assert not [c for c in log.console if "Content Security Policy" in c or "Refused" in c], log.console


def test_report_reads_with_javascript_off(open_page: Opener, report: Path, tmp_path: Path) -> None:
    url = report.resolve().as_uri()
    log = open_page(url, javascript=False)
    js = log.js
    assert js("document.querySelectorAll('#tok1-rows tbody tr').length") == 9
    # the controls stay hidden (they need the script); every row and every country is shown
    assert js("document.querySelector('.controls[data-for=\"tok1-rows\"]').hidden") is True
    assert js("[...document.querySelectorAll('.controls')].every(c => c.offsetParent === null)") is True
    assert js("[...document.querySelectorAll('#tok1-rows tbody tr')].every(r => !r.hidden)") is True
    assert js("document.getElementById('tok1-country-MM').hidden") is False
    assert js("document.querySelector('th').getAttribute('tabindex')") is None  # script did not run
    screenshot(log.page, "report-nojs.png", tmp_path)
    assert log.requests == [url]


def test_many_countries_start_folded_and_links_pick_one(
    open_page: Opener, tmp_path_factory: pytest.TempPathFactory
) -> None:
    doc = make_tokenizer_doc()
    kenya = doc.summary["countries"]["KE"]
    codes = ["KE", "MM", *(f"{a}{b}" for a in "ABCDEFGHIJ" for b in "XYZ")][:25]
    doc.summary["countries"] = {code: {**kenya, "name": f"Land {code}"} for code in codes if code != "MM"} | {
        "MM": doc.summary["countries"]["MM"]
    }
    root = tmp_path_factory.mktemp("many")
    url = write_report([write_results(doc, root / "tok")], root / "report.html").resolve().as_uri()
    log = open_page(url)
    js = log.js
    shown = "[...document.querySelectorAll('#tok1-country-list [data-block]')].filter(b => b.offsetParent)"
    assert js("document.querySelector('select.pick-block').offsetParent") is not None
    assert js(f"{shown}.length") == 0  # 25 countries: the page waits for a choice
    log.page.select_option("select.pick-block", "KE")
    assert js(f"{shown}.map(b => b.id)") == ["tok1-country-KE"]
    # a link of the country index selects its country
    js("location.hash = '#tok1-country-MM'")
    js("new Promise(r => setTimeout(r, 200))")
    assert js(f"{shown}.map(b => b.id)") == ["tok1-country-MM"]
    assert js("document.querySelector('select.pick-block').value") == "MM"
    log.page.select_option("select.pick-block", "")
    assert js(f"{shown}.length") == 25
    assert not log.errors


def test_country_scorecard_in_chromium_with_and_without_javascript(
    open_page: Opener, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The country report: the scorecard renders, links to its sections, planted strings stay text."""
    from sovaudit.country import CountryOptions, NotMeasured, Planned, scorecard_document

    model = f"evil{IMG}"
    tok = make_tokenizer_doc()
    opts = CountryOptions("KE", (model,))
    card = scorecard_document(
        opts,
        [(Planned("tokenizers", model, {}, "tokenizers/evil"), tok)],
        [NotMeasured("opinions", model, f"no data {EVIL}", f"sovaudit audit --country KE {IMG}")],
        ["swh", "eng"],
        {"tokenizers/evil": 1.0},
    )
    root = tmp_path_factory.mktemp("country")
    paths = [write_results(card, root / "country"), write_results(tok, root / "tok")]
    report = write_report(paths, root / "report.html")
    assert report.stat().st_size < 3_000_000
    url = report.resolve().as_uri()
    for javascript in (True, False):
        t0 = time.perf_counter()
        log = open_page(url, javascript=javascript)
        js = log.js
        print(f"country report loaded in {time.perf_counter() - t0:.2f} s (javascript={javascript})")
        assert js("document.querySelectorAll('table.scorecard').length") == 1
        assert js("document.querySelector('table.scorecard a').getAttribute('href')") == "#sec-tokenizers"
        assert js("document.getElementById('sec-tokenizers') !== null") is True
        body = js("document.body.innerText")
        assert IMG in body and EVIL in body and "not measured" in body  # shown as text
        assert js("document.querySelectorAll('img').length") == 0
        assert log.requests == [url]
        assert not log.dialogs
