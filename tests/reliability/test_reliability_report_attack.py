"""The report under attack: hostile strings in every kind of string a report shows, in real headless Chromium.

Every audit the report has a section for (and an unknown audit, shown by the generic section) gets a results
document whose every string field holds a tagged string carrying all payloads of ``report_attack_payloads``
(script tags, event handlers, ``javascript:`` URLs, SVG, frames, meta refresh, CSS fetches, broken UTF-8,
bidi overrides, null bytes, template and markdown syntax, a 100k-character string...). Two pages are
rendered by ``sovaudit report``: one from documents written by sovaudit, one from results.json files written
by another tool with ``\\udcff`` escapes (lone surrogates, which UTF-8 cannot hold). Each page is opened
with JavaScript on and off, its ``<details>`` opened, and (with JavaScript) its tables sorted, filtered and
its pickers changed. Then: no dialog, ``window.__pwned`` undefined, the loopback counter got no request, the
page requested nothing but its own file, no CSP complaint on the console, the page has exactly the elements
and attribute names of the same report built from harmless strings, and every planted string is there as
text, whole.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from report_attack_docs import BUILDERS
from report_attack_payloads import LONG_CHARS, Planter, payloads, surrogate_payloads

from sovaudit.cli import main
from sovaudit.report.render import mark_bidi
from sovaudit.results import ResultsDocument, write_results

pytestmark = pytest.mark.browser

# the kinds of strings the issue names; each must be shown somewhere on the page
MUST_SHOW = [
    "language code",
    "language name",
    "country code",
    "country name",
    "corpus name",
    "corpus text",
    "file name",
    "model name",
    "model output",
    "declaration field",
    "benchmark item",
    "note",
    "setting",
    "signature",
    "license",
    "command argument",
    "audit name",
]

STRUCTURE = """() => {
  const tags = {}, attrs = {};
  for (const el of document.querySelectorAll('*')) {
    tags[el.localName] = (tags[el.localName] || 0) + 1;
    for (const a of el.attributes) attrs[a.name] = 1;
  }
  const hrefs = [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'))
    .filter(h => !h.startsWith('#'));
  return {tags, attrs: Object.keys(attrs).sort(), hrefs};
}"""
TEXT = """() => document.documentElement.textContent + '\\n' +
  [...document.querySelectorAll('[title]')].map(e => e.getAttribute('title')).join('\\n')"""


def normalize(text: str) -> str:
    """What a browser keeps of a string: NUL dropped (U+FFFD in attributes), CR and CRLF read as LF."""
    return text.replace("\x00", "").replace("\ufffd", "").replace("\r\n", "\n").replace("\r", "\n")


def shown_forms(planted: str) -> list[str]:
    """How a planted string may be shown: as it is, inside a list or dict shown as JSON, or as a key whose
    underscores read as spaces (the corpus section's reading counts); bidi controls as visible markers."""
    forms = [planted, json.dumps(planted, ensure_ascii=False)[1:-1], planted.replace("_", " ")]
    return [normalize(mark_bidi(f)) for f in forms]


def build(root: Path, planter: Planter, foreign: bool) -> Path:
    """Write one results folder per document and render them with ``sovaudit report``; return the page."""
    folders = []
    for i, make in enumerate(BUILDERS):
        doc: ResultsDocument = make(planter)
        folder = root / f"{i:02d}"
        if foreign:  # another tool's results.json: plain JSON with \\u escapes, lone surrogates included
            folder.mkdir(parents=True)
            (folder / "results.json").write_text(json.dumps(doc.model_dump(), ensure_ascii=True))
        else:
            write_results(doc, folder)
        folders.append(str(folder))
    out = root / "report.html"
    assert main(["report", *folders, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def pages(request_counter: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The two attacked pages and a control page built from the same documents with harmless strings."""
    t0 = time.perf_counter()
    origin = request_counter.origin
    attack = payloads(origin)
    short, long = attack[:-1], attack[-1][1]
    harmless = [(pid, f"harmless {pid}") for pid, _ in short]
    planters = {
        "sovaudit": Planter(short, long),
        "foreign": Planter(short + surrogate_payloads(origin), long),
        "control": Planter(harmless, "harmless long"),
    }
    paths = {
        name: build(tmp_path_factory.mktemp(name), planter, foreign=name == "foreign")
        for name, planter in planters.items()
    }
    sizes = {name: path.stat().st_size for name, path in paths.items()}
    print(f"pages built in {time.perf_counter() - t0:.1f} s; bytes: {sizes}")
    return {
        "paths": paths,
        "planters": planters,
        "payloads": attack,
        "surrogates": surrogate_payloads(origin),
    }


def interact(page: Any, javascript: bool) -> None:
    """Open every <details>; with JavaScript: sort tables, filter them, change every picker."""
    for summary in page.locator("summary").all():
        if summary.is_visible():
            summary.click()
    if not javascript:
        return
    for th in page.locator("table.sortable thead th").all()[:12]:
        if th.is_visible():
            th.click()
    boxes = page.locator("input.filter-text").all()
    for box in boxes[:4]:
        if box.is_visible():
            box.fill("<script>x</script>")
            box.fill("")
    for select in page.locator("select.pick-block, select.filter-select").all()[:12]:
        if select.is_visible():
            values = select.evaluate("s => [...s.options].map(o => o.value)")
            for value in values[:3]:
                select.select_option(value)
    page.wait_for_timeout(300)  # anything a payload scheduled (timers, refresh, loads) has had its chance


@pytest.fixture(scope="module")
def control_structure(pages: dict[str, Any], browser: Any) -> dict[str, Any]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(pages["paths"]["control"].resolve().as_uri())
    structure: dict[str, Any] = page.evaluate(STRUCTURE)
    context.close()
    return structure


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("name", ["sovaudit", "foreign"])
def test_no_payload_executes_or_fetches_and_all_show_as_text(
    name: str,
    javascript: bool,
    pages: dict[str, Any],
    control_structure: dict[str, Any],
    open_page: Callable[..., Any],
    request_counter: Any,
) -> None:
    t0 = time.perf_counter()
    url = pages["paths"][name].resolve().as_uri()
    hits_before = len(request_counter.hits)
    log = open_page(url, javascript=javascript)
    t_load = time.perf_counter() - t0
    interact(log.page, javascript)
    t_interact = time.perf_counter() - t0 - t_load

    assert not log.dialogs, f"a payload opened a dialog: {log.dialogs[:3]}"
    assert log.js("typeof window.__pwned") == "undefined", log.js("String(window.__pwned)")
    assert request_counter.hits[hits_before:] == [], "the page reached the loopback server"
    assert log.requests == [url], f"the page requested more than itself: {log.requests[:5]}"
    assert not log.errors, log.errors[:3]
    assert not [c for c in log.console if "Content Security Policy" in c or "Refused" in c], log.console[:3]

    # the same elements and attribute names as the report of harmless strings: nothing was injected
    structure = log.page.evaluate(STRUCTURE)
    assert structure["hrefs"] == [], structure["hrefs"][:3]
    extra_tags = Counter(structure["tags"]) - Counter(control_structure["tags"])
    assert not extra_tags and structure["tags"] == control_structure["tags"], extra_tags
    added_by_script = {"tabindex", "aria-sort"} if javascript else set()  # report.js on sortable headers
    extra_attrs = set(structure["attrs"]) - set(control_structure["attrs"]) - added_by_script
    assert not extra_attrs, extra_attrs

    # every planted string that is shown is shown whole, as text (escaped, not dropped or cut)
    text = normalize(log.page.evaluate(TEXT))
    planter: Planter = pages["planters"][name]
    shown = [leaf for leaf in planter.leaves if leaf.tag in text]
    cut = [leaf.tag for leaf in shown if not any(form in text for form in shown_forms(leaf.text))]
    assert not cut, f"planted strings shown but not whole: {cut[:5]}"
    kinds = {leaf.kind for leaf in shown}
    assert any(leaf.text.startswith("id1[benchmark item") for leaf in shown), "bias items are not shown"
    missing = [k for k in MUST_SHOW if k not in kinds]
    assert not missing, f"kinds of strings not found on the page: {missing}"
    n_payloads = len(planter.short) + 1
    n_long = sum(len(leaf.text) > LONG_CHARS for leaf in shown)
    print(
        f"{name} page ({'JavaScript on' if javascript else 'JavaScript off'}): {n_payloads} payloads "
        f"({len(planter.short)} in every planted string, the 100k-character one in {n_long} of them) "
        f"x {len(kinds)} kinds of strings shown ({len(shown)} of {len(planter.leaves)} planted strings): "
        f"nothing ran, 0 requests, all shown as text; {time.perf_counter() - t0:.1f} s "
        f"(load {t_load:.1f} s, interaction {t_interact:.1f} s)"
    )
