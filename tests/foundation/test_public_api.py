"""The public API: every name in ``sovaudit.__all__`` resolves, heavy parts load lazily, and a whole audit
runs through it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sovaudit as sa


def test_every_public_name_resolves() -> None:
    for name in sa.__all__:
        assert getattr(sa, name) is not None, name
    assert set(sa.__all__) <= set(dir(sa))


def test_import_is_light() -> None:
    code = (
        "import sys, sovaudit; "
        "print(sorted(m for m in ('torch', 'transformers', 'jinja2', 'langcodes', 'tiktoken', 'yaml',"
        " 'sovaudit.models.loading', 'sovaudit.corpora', 'sovaudit.report') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        sa.no_such_name  # noqa: B018
    except AttributeError as err:
        assert "no_such_name" in str(err)
    else:
        raise AssertionError("no AttributeError")


def test_an_audit_through_the_public_api(tmp_path: Path) -> None:
    lines = {"eng_Latn": ["All human beings are born free."], "swh_Latn": ["Watu wote wamezaliwa huru."]}
    for split in ("dev", "devtest"):
        (tmp_path / "flores" / split).mkdir(parents=True)
        for code, text in lines.items():
            (tmp_path / "flores" / split / f"{code}.{split}").write_text("\n".join(text) + "\n", "utf-8")
    corpus = sa.load_corpus(f"flores200:{tmp_path / 'flores'}")
    ref = sa.resolve_reference(corpus, "eng")
    corpus, notes = sa.select_languages(corpus, ["sw"], None, ref)
    assert notes == []
    toks = [sa.load_tokenizer(name) for name in ("bytes", "chars")]
    doc = sa.TokenizerTaxAudit(corpus, toks, sa.TaxSpec(reference=ref)).run(progress=False)
    path = sa.write_results(doc, tmp_path / "out")
    report = sa.write_report([path], tmp_path / "report.html")
    rows = {(r["tokenizer"], r["language"]): r for r in json.loads(path.read_text())["rows"]}
    assert rows[("bytes", "swh_Latn")]["premium"] == len(lines["swh_Latn"][0].encode()) / len(
        lines["eng_Latn"][0].encode()
    )
    assert sa.load_results(path).signature == doc.signature
    assert "Language tax of tokenizers" in report.read_text(encoding="utf-8")
    assert sa.resolve("sw").iso639_3 == "swa" and sa.resolve("swh_Latn").script == "Latn"
    assert sa.country_languages("KE")[0][0].name == "Swahili"
