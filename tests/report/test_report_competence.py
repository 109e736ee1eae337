"""The competence section of the report: built from a document the test makes, with a planted script."""

from __future__ import annotations

from report_docs import EVIL, EVIL_ESCAPED

from sovaudit.report import render_report
from sovaudit.results import ResultsDocument


def make_competence_doc(corpus: str = "udhr") -> ResultsDocument:
    rows = []
    for lang, name, bpb, bpeb, vs in (
        ("eng", "English", 0.631, 0.631, 0.25),
        ("swh", "Swahili", 1.882, 1.730, 0.82),
        ("wol", EVIL, 3.560, 3.094, 1.42),
    ):
        rows.append(
            {
                "model": "gemma3-270m",
                "language": lang,
                "language_name": name,
                "script": "Latn",
                "bits_per_byte": bpb,
                "bits_per_byte_ci_low": bpb - 0.05,
                "bits_per_byte_ci_high": bpb + 0.05,
                "bits_per_english_byte": bpeb,
                "ratio_to_reference": bpeb / 0.631,
                "ngram_bits_per_byte": 2.4,
                "heldout_bits_per_byte": 2.4 * vs,
                "vs_ngram": vs,
                "tokens": 2000,
                "bytes": 10000,
                "segments": 31,
                "coverage": 1.0,
            }
        )
    return ResultsDocument(
        audit="competence",
        signature="corpus:udhr@b828164d|model:gemma3-270m@a5fd3b62|backend:hf|ref:eng|ngram:wb5|v:0.1.0",
        settings={
            "corpus": corpus,
            "model": "gemma3-270m",
            "backend": "hf",
            "reference": "eng",
            "ngram_order": 5,
        },
        rows=rows,
        summary={"reference": "eng", "worse_than_ngram": ["wol"]},
        notes=[f"a note with {EVIL}"],
    )


def test_competence_section_renders_and_escapes() -> None:
    doc = make_competence_doc()
    html = render_report([doc])
    assert 'id="comp1-rows"' in html and 'id="comp1-bpeb"' in html and 'id="comp1-ngram"' in html
    assert 'id="comp1-udhr"' in html  # the UDHR caution
    assert "Per-language competence" in html and doc.signature in html
    assert "3.094" in html and "1.42×" in html
    assert "95% interval 3.510 – 3.610" in html  # CI as the tooltip of bits/byte
    assert EVIL not in html and EVIL_ESCAPED in html
    rows_table = html.split('id="comp1-rows"', 1)[1].split("</table>", 1)[0]
    assert rows_table.count("<tr>") == 1 + len(doc.rows)


def test_flores_document_has_no_udhr_caution() -> None:
    html = render_report([make_competence_doc("flores200-devtest")])
    assert 'id="comp1-udhr"' not in html and 'id="comp1-rows"' in html
