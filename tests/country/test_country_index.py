"""The speaker-weighted country index and the scorecard's leading lines (coverage, index)."""

from __future__ import annotations

from typing import Any

import pytest

from sovaudit.country.index import competence_index, tax_index
from sovaudit.country.lead import leading_rows
from sovaudit.country.plan import CountryOptions, Planned
from sovaudit.coverage import speaker_coverage
from sovaudit.languages import country_languages
from sovaudit.results import ResultsDocument, make_provenance

POP = {lang.tag: pop for lang, pop in country_languages("KE")}
# nats per segment: English 10 each; Swahili twice English's; Kikuyu three times (4 segments)
NATS = {"eng": [10.0] * 4, "swh_Latn": [20.0, 18.0, 22.0, 20.0], "kik_Latn": [30.0] * 4}


def _competence_doc(langs: dict[str, list[float]] = NATS) -> ResultsDocument:
    rows: list[dict[str, Any]] = []
    items = []
    for code, nats in langs.items():
        ratio = sum(nats) / sum(NATS["eng"])
        rows.append({"language": code, "ratio_to_reference": ratio, "corpus": "flores200"})
        items += [{"language": code, "segment": f"s{i}", "nats": n} for i, n in enumerate(nats)]
    detail = speaker_coverage("KE", rows)
    return ResultsDocument(
        audit="competence", signature="x", settings={}, provenance=make_provenance(), rows=rows, items=items,
        summary={"reference": "eng", "speaker_coverage": detail["speaker_coverage"],
                 "speaker_coverage_detail": detail},
    )  # fmt: skip


def test_index_is_the_speaker_weighted_mean_over_measured_languages_only() -> None:
    idx = competence_index(_competence_doc(), n_boot=200)
    assert idx is not None
    w = {"en": POP["en"], "sw": POP["sw"], "ki": POP["ki"]}
    expected = (w["en"] * 1.0 + w["sw"] * 2.0 + w["ki"] * 3.0) / sum(w.values())
    assert idx["value"] == pytest.approx(expected)
    assert [x["language"] for x in idx["languages"]] == ["sw", "en", "ki"]
    assert idx["speaker_coverage"] == pytest.approx(sum(w.values()) / sum(POP.values()))
    unmeasured = {u["language"] for u in idx["unmeasured"]}
    assert {"luo", "luy", "kam"} <= unmeasured  # listed, and not in the value as 0
    lo, hi = idx["ci"]
    assert lo <= idx["value"] <= hi and lo < hi  # Swahili's segments vary: a real interval


def test_a_language_without_variation_gives_a_degenerate_interval() -> None:
    idx = competence_index(_competence_doc({"eng": NATS["eng"], "kik_Latn": NATS["kik_Latn"]}), n_boot=100)
    assert idx is not None
    assert idx["ci"][0] == pytest.approx(idx["ci"][1]) == pytest.approx(idx["value"])


def test_dropping_a_measured_language_changes_coverage_not_into_zero() -> None:
    full = competence_index(_competence_doc(), n_boot=0)
    fewer = competence_index(_competence_doc({k: v for k, v in NATS.items() if k != "kik_Latn"}), n_boot=0)
    assert full is not None and fewer is not None
    assert fewer["speaker_coverage"] < full["speaker_coverage"]
    # Kikuyu (the worst) unmeasured: the index is over the rest, it does not count Kikuyu as 0
    assert fewer["value"] < full["value"] and fewer["value"] > 1.0


def test_tax_index_weights_premiums() -> None:
    rows = [
        {"tokenizer": "gpt2", "language": "eng", "premium": 1.0},
        {"tokenizer": "gpt2", "language": "kik_Latn", "premium": 3.0},
    ]
    detail = speaker_coverage("KE", rows)
    doc = ResultsDocument(
        audit="tokenizers", signature="x", settings={}, provenance=make_provenance(), rows=rows,
        summary={"speaker_coverage_detail": detail, "speaker_coverage": detail["speaker_coverage"]},
    )  # fmt: skip
    idx = tax_index(doc)
    assert idx is not None and idx["ci"] is None
    assert idx["value"] == pytest.approx((POP["en"] + 3 * POP["ki"]) / (POP["en"] + POP["ki"]))


def test_scorecard_leads_with_coverage_and_index_in_readable_names() -> None:
    opts = CountryOptions("KE", ("m",), bootstrap=50)
    doc = _competence_doc()
    rows, summary = leading_rows(opts, [(Planned("competence", "m", {}, "competence/m"), doc)])
    assert [r["dimension"] for r in rows] == ["Speaker coverage", "Country index"]
    assert "Luyia (Luluhia) 6.4 M" in rows[0]["headline"] and "--text FILE" in rows[0]["headline"]
    assert "unmeasured, not 0" in rows[1]["headline"]
    assert summary["index"]["m"]["competence"]["value"] == pytest.approx(rows[1]["value"])
    assert summary["speaker_coverage"]["competence"]["m"] == doc.summary["speaker_coverage"]


def test_report_leads_with_coverage_and_names_not_codes() -> None:
    from sovaudit.country.scorecard import scorecard_document
    from sovaudit.report import render_report

    opts = CountryOptions("KE", ("m",), bootstrap=20)
    card = scorecard_document(
        opts, [(Planned("competence", "m", {}, "competence/m"), _competence_doc())], [], [], {}
    )
    html = render_report([card], title="KE")
    scorecard = html[html.index("% of Kenya") :]
    assert "Luyia (Luluhia)" in scorecard
    order = [scorecard.index(t) for t in ("Speaker coverage", "Country index", "Language competence")]
    assert order == sorted(order)


def test_tax_index_interval_from_per_segment_counts() -> None:
    rows = [
        {"tokenizer": "gpt2", "language": "eng", "premium": 1.0},
        {
            "tokenizer": "gpt2",
            "language": "kik_Latn",
            "premium": 3.3,
        },  # the joined count: not used for the index
    ]
    items = [
        {"tokenizer": "gpt2", "language": "eng", "segment": f"s{i}", "tokens": 10, "ref_tokens": 10}
        for i in range(4)
    ]
    items += [
        {"tokenizer": "gpt2", "language": "kik_Latn", "segment": f"s{i}", "tokens": n, "ref_tokens": 10}
        for i, n in enumerate([20, 30, 40, 30])
    ]
    detail = speaker_coverage("KE", rows)
    doc = ResultsDocument(
        audit="tokenizers", signature="x", settings={}, provenance=make_provenance(), rows=rows, items=items,
        summary={"speaker_coverage_detail": detail, "speaker_coverage": detail["speaker_coverage"]},
    )  # fmt: skip
    idx = tax_index(doc, n_boot=300)
    assert idx is not None
    assert idx["value"] == pytest.approx((POP["en"] + 3 * POP["ki"]) / (POP["en"] + POP["ki"]))
    lo, hi = idx["ci"]
    assert lo < idx["value"] < hi
