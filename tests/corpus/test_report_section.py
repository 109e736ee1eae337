"""The corpus section of the HTML report, rendered from a real audit's results document."""

from __future__ import annotations

import warnings
from pathlib import Path

from sovaudit import run
from sovaudit.report import render_report
from sovaudit.report.render import SectionFallbackWarning
from sovaudit.report.sections import section_for
from sovaudit.results import load_results

EVIL = "<script>alert(1)</script>"


def test_corpus_section_renders_and_escapes(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "All human beings are born free and equal in dignity and rights.\n\n"
        "Jeder hat das Recht auf Bildung. Die Bildung ist unentgeltlich.\n\n"
        "Kila mtu ana haki ya kupata elimu. Elimu itakuwa bure.\n",
        encoding="utf-8",
    )
    (corpus / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    run("corpus", paths=(str(corpus),), out=str(tmp_path / "o"), country="KE")
    doc = load_results(tmp_path / "o")
    doc.notes.append(EVIL)
    doc.rows[0]["name"] = EVIL
    assert section_for("corpus").__name__.endswith("sections.corpus")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SectionFallbackWarning)
        html = render_report([doc])
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'id="corpus1-languages"' in html and 'id="corpus1-absent"' in html
    assert "Share of the corpus against share of speakers (Kenya (KE))" in html
    assert "Kikuyu" in html  # a Kenyan language absent from the corpus
    # the plain verdict for the country: its languages present (with ratios), starved, absent
    assert (
        'id="corpus1-verdict"' in html and "languages that CLDR records for Kenya are in the corpus" in html
    )
    assert "Swahili (swa_Latn)" in html and "Absent: Kikuyu" in html
    assert "files skipped (truncated or unreadable)" in html
    version = doc.settings["detector"]["version"]
    assert f">pycld2 {version}<" in html and f"pycld2 {version} pycld2" not in html  # name once
    assert "broken.jsonl.gz" in html  # the skipped file and why
    assert "<svg" in html
