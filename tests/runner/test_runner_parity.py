"""The audits moved onto the runner give the numbers their scoring functions give when called directly.

Tokenizers and openness on the demo data (UDHR, the embedded models' declarations); competence on the tiny
model and a small corpus (the direct path scores every text in one call, the runner in per-language units:
texts share a forward batch with other texts, and the CPU matmul kernels block rows differently, so sums
move by up to 2.5e-9 relative and interval ends by up to 1.1e-8 (measured here, AVX-512); the test
allows 1e-7. Same units -> bit-identical: see test_model_executors).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audits"))

from competence_fixtures import tiny_model, write_corpus

from sovaudit.runner import run_audit
from sovaudit.signature import parse_signature


@pytest.mark.slow
def test_tokenizers_through_the_runner_equal_the_direct_audit() -> None:
    from sovaudit.audits.tokenizer_tax.method import TaxSpec, TokenizerTaxAudit
    from sovaudit.corpora import load_corpus, resolve_reference, select_languages
    from sovaudit.tokenizers import load_tokenizer

    names = ["cl100k_base", "gemma3", "bytes"]
    langs = ["swh", "fra", "wol", "amh"]
    doc, stats = run_audit("tokenizers", {"tokenizers": names, "languages": langs})
    corpus = load_corpus("udhr")
    ref = resolve_reference(corpus, "eng")
    selected, _ = select_languages(corpus, langs, None, ref)
    direct = TokenizerTaxAudit(selected, [load_tokenizer(n) for n in names], TaxSpec(ref, skip_empty=False))
    want = direct.run(progress=False)
    assert doc.rows == want.rows
    # the runner adds the content digest of the inputs (in:) to the audit's own signature
    assert [p for p in parse_signature(doc.signature) if p[0] != "in"] == parse_signature(want.signature)
    assert doc.summary["shards"]["total"] == stats.total == 3


@pytest.mark.slow
def test_openness_through_the_runner_equals_the_subject_audit() -> None:
    from sovaudit.audits.openness.audit import audit_subject, plan_subjects

    doc, _ = run_audit("openness", {})
    rows = [audit_subject(s)[0] for s in plan_subjects([], [], True)]
    assert doc.rows == rows and len(rows) == 2


def test_competence_through_the_runner_equals_direct_scoring(tmp_path, monkeypatch) -> None:
    from sovaudit.audits.competence.audit import CompetenceRun, CompetenceSpec
    from sovaudit.audits.competence.doc import build_document
    from sovaudit.audits.competence.method import plan_languages, score_plans
    from sovaudit.corpora import load_corpus, select_languages
    from sovaudit.models.loading import load_model

    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "a.sqlite"))
    model_dir, corpus_path = tiny_model(tmp_path / "tiny"), write_corpus(tmp_path / "c.tsv", partial="fra")
    spec = CompetenceSpec.model_validate(
        {"model": {"spec": str(model_dir), "cache": False}, "corpus": f"tsv:{corpus_path}",
         "languages": ("swh", "fra"), "bootstrap": 100}
    )  # fmt: skip
    doc, _ = run_audit("competence", spec)

    corpus, _ = select_languages(load_corpus(f"tsv:{corpus_path}"), ["swh", "fra"], None, "eng")
    plans, notes = plan_languages(corpus, "eng", ("eng", "swh", "fra"), skip_empty=False)
    model = load_model(str(model_dir), cache=False)
    texts = list(dict.fromkeys(t for p in plans for t in p.texts))
    scored = {
        t: (-r.logprob, r.n_tokens) for t, r in zip(texts, model.loglikelihood_rolling(texts), strict=True)
    }
    want = build_document(
        CompetenceRun(corpus, model.info, spec, "eng", plans, notes), score_plans(plans, scored, "eng", 5)
    )
    assert [r["language"] for r in doc.rows] == ["eng", "swh", "fra"]
    for got, exp in zip(doc.rows, want.rows, strict=True):
        assert got.keys() == exp.keys()
        for key, value in exp.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-7, abs=1e-12), key
            else:
                assert got[key] == value, key
