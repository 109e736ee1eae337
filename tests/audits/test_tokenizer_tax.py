"""The tokenizer-tax audit: metrics, Petrov et al.'s joining, alignment, properties, summaries, document."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovaudit.audits.tokenizer_tax.method import (
    ROW_COLUMNS,
    TaxCounts,
    TaxSpec,
    TokenizerTaxAudit,
    metrics,
    premium,
)
from sovaudit.audits.tokenizer_tax.summary import country_summary, language_summary, tokenizer_summary
from sovaudit.corpora import ParallelCorpus
from sovaudit.errors import SovauditError
from sovaudit.results import load_results, write_results
from sovaudit.signature import parse_signature
from sovaudit.tokenizers import Tokenizer, TokenizerInfo, load_tokenizer
from sovaudit.tokenizers.bpe import TiktokenTokenizer

R50K = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""


def tiny_bpe() -> Tokenizer:
    """A real tiktoken encoding over 256 byte tokens plus a few merges (no asset needed)."""
    ranks = {bytes([b]): b for b in range(256)}
    for i, tok in enumerate([b"th", b"the", b" the", b"he", b"in", b" in"]):
        ranks[tok] = 256 + i
    info = TokenizerInfo(kind="local", format="tiktoken", pattern="r50k")
    return TiktokenTokenizer.from_ranks("tinybpe", ranks, R50K, "ab" * 32, info)


def corpus(texts: dict[str, dict[str, str]], ids: tuple[str, ...] | None = None) -> ParallelCorpus:
    seg_ids = ids or tuple(sorted({s for t in texts.values() for s in t}, key=lambda s: (len(s), s)))
    return ParallelCorpus(name="test", segment_ids=seg_ids, texts=texts, license="CC0", origin="tests")


def rows_by_key(doc) -> dict[tuple[str, str], dict]:  # type: ignore[no-untyped-def]
    return {(r["tokenizer"], r["language"]): r for r in doc.rows}


# -- pure functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (
            TaxCounts(2, 4, tokens=30, bytes=120, chars=60, fallback_tokens=3, ref_tokens=10),
            {
                "coverage": 0.5, "premium": 3.0, "relative_price": 3.0, "tokens_per_byte": 0.25,
                "tokens_per_char": 0.5, "fallback_fraction": 0.1, "context_chars": 8192 * 60 / 30,
            },
        ),
        (
            TaxCounts(1, 1, tokens=0, bytes=0, chars=0, fallback_tokens=0, ref_tokens=0),
            {
                "coverage": 1.0, "premium": None, "relative_price": None, "tokens_per_byte": None,
                "tokens_per_char": None, "fallback_fraction": None, "context_chars": None,
            },
        ),
        (
            TaxCounts(0, 0, tokens=5, bytes=5, chars=5, fallback_tokens=5, ref_tokens=5),
            {"coverage": None, "premium": 1.0, "fallback_fraction": 1.0, "context_chars": 8192.0},
        ),
    ],
)  # fmt: skip
def test_metrics_table(counts: TaxCounts, expected: dict) -> None:  # type: ignore[type-arg]
    got = metrics(counts, 8192)
    for key, value in expected.items():
        assert got[key] == value, key
    assert got["tokens"] == counts.tokens and got["ref_tokens"] == counts.ref_tokens


def test_counts_add_and_round_trip() -> None:
    a = TaxCounts(1, 2, 3, 4, 5, 6, 7)
    b = TaxCounts(10, 20, 30, 40, 50, 60, 10)
    assert a + b == TaxCounts(11, 22, 33, 44, 55, 66, 17)
    assert TaxCounts.from_dict((a + b).to_dict()) == a + b
    assert premium(a + b) == 33 / 17  # ratio of sums, not a mean of ratios
    assert premium(a + b) != (premium(a) + premium(b)) / 2  # type: ignore[operator]


def test_petrov_joining_and_alignment_on_a_partial_language() -> None:
    c = corpus({"eng": {"1": "ab", "2": "cde", "3": "f"}, "xx": {"1": "abcd", "3": "gh"}, "yy": {"2": "z"}})
    chars = load_tokenizer("chars")
    doc = TokenizerTaxAudit(c, [chars], TaxSpec(reference="eng")).run(progress=False)
    rows = rows_by_key(doc)
    eng, xx = rows[("chars", "eng")], rows[("chars", "xx")]
    assert eng["tokens"] == len("ab cde f") and eng["premium"] == 1.0 and eng["coverage"] == 1.0
    # xx shares segments 1 and 3 with eng: "abcd gh" (7) against eng's "ab f" (4)
    assert xx["tokens"] == 7 and xx["ref_tokens"] == 4 and xx["premium"] == 7 / 4
    assert xx["segments"] == 2 and xx["coverage"] == pytest.approx(2 / 3)
    assert rows[("chars", "yy")]["premium"] == 1 / 3
    assert any(n.startswith("xx: partial (2 of 3") for n in doc.notes)


def test_bytes_and_chars_count_what_they_say() -> None:
    c = corpus({"eng": {"1": "ab"}, "ell": {"1": "αβγ"}})
    doc = TokenizerTaxAudit(c, [load_tokenizer("bytes"), load_tokenizer("chars")], TaxSpec("eng")).run(False)
    rows = rows_by_key(doc)
    assert rows[("bytes", "ell")]["tokens"] == rows[("bytes", "ell")]["bytes"] == 6
    assert rows[("chars", "ell")]["tokens"] == rows[("chars", "ell")]["chars"] == 3
    assert rows[("bytes", "ell")]["premium"] == 3.0 and rows[("chars", "ell")]["premium"] == 1.5
    assert rows[("bytes", "ell")]["context_chars"] == 8192 * 3 / 6


# -- bad input ----------------------------------------------------------------------------------------------


def test_reference_missing_or_empty() -> None:
    c = corpus({"eng": {"1": "  "}, "swh": {"1": "x"}})
    with pytest.raises(SovauditError, match="'fra' is not in corpus test"):
        TokenizerTaxAudit(c, [load_tokenizer("bytes")], TaxSpec("fra"))
    with pytest.raises(SovauditError, match="'eng' has no text"):
        TokenizerTaxAudit(c, [load_tokenizer("bytes")], TaxSpec("eng"))


def test_empty_language_named_is_an_error_unnamed_is_a_note() -> None:
    c = corpus({"eng": {"1": "a"}, "swh": {"2": "b"}, "fra": {"1": "c"}}, ids=("1", "2"))
    with pytest.raises(SovauditError, match="'swh' shares no text with the reference"):
        TokenizerTaxAudit(c, [load_tokenizer("bytes")], TaxSpec("eng", languages=("swh",), skip_empty=False))
    audit = TokenizerTaxAudit(c, [load_tokenizer("bytes")], TaxSpec("eng"))
    assert [p.language for p in audit.plans] == ["eng", "fra"]
    assert any("swh: no text shared" in n for n in audit.notes)


def test_duplicate_tokenizers_and_bad_context() -> None:
    c = corpus({"eng": {"1": "a"}})
    with pytest.raises(SovauditError, match="named twice"):
        TokenizerTaxAudit(c, [load_tokenizer("bytes"), load_tokenizer("bytes")], TaxSpec("eng"))
    with pytest.raises(SovauditError, match="must be positive"):
        TokenizerTaxAudit(c, [load_tokenizer("bytes")], TaxSpec("eng", context_tokens=0))
    with pytest.raises(SovauditError, match="no tokenizer"):
        TokenizerTaxAudit(c, [], TaxSpec("eng"))


# -- properties --------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(list("the in ab  αβ人é\u0301-1'")), min_size=1, max_size=30).filter(
    lambda s: s.strip() != ""
)


@st.composite
def corpora(draw: st.DrawFn) -> ParallelCorpus:
    n_seg = draw(st.integers(1, 6))
    ids = tuple(str(i) for i in range(n_seg))
    texts = {"ref": {i: draw(TEXT) for i in ids}}
    for k in range(draw(st.integers(1, 5))):
        present = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        texts[f"l{k}"] = {i: draw(TEXT) for i in present}
    return corpus(texts, ids)


TOKENIZERS = [tiny_bpe(), load_tokenizer("bytes"), load_tokenizer("chars")]


@settings(max_examples=60, deadline=None)
@given(corpora())
def test_reference_premium_is_exactly_one(c: ParallelCorpus) -> None:
    doc = TokenizerTaxAudit(c, TOKENIZERS, TaxSpec("ref")).run(progress=False)
    for tok in TOKENIZERS:
        row = rows_by_key(doc)[(tok.name, "ref")]
        assert row["premium"] == 1.0 and row["coverage"] == 1.0


@settings(max_examples=40, deadline=None)
@given(corpora(), st.randoms(use_true_random=False))
def test_language_order_does_not_change_numbers(c: ParallelCorpus, rnd: random.Random) -> None:
    langs = [lang for lang in c.languages if lang != "ref"]
    shuffled = langs[:]
    rnd.shuffle(shuffled)
    a = TokenizerTaxAudit(c, TOKENIZERS, TaxSpec("ref", languages=tuple(langs), batch=2)).run(False)
    b = TokenizerTaxAudit(c, TOKENIZERS, TaxSpec("ref", languages=tuple(shuffled), batch=3)).run(False)
    assert rows_by_key(a) == rows_by_key(b)
    assert a.summary == b.summary


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_language_and_reference_are_measured_on_the_same_segments(c: ParallelCorpus) -> None:
    doc = TokenizerTaxAudit(c, TOKENIZERS, TaxSpec("ref")).run(progress=False)
    by = {t.name: t for t in TOKENIZERS}
    for row in doc.rows:
        tok, lang = by[row["tokenizer"]], row["language"]
        shared = c.aligned(lang, "ref")
        assert row["segments"] == len(shared)
        assert row["tokens"] == len(tok.encode(" ".join(c.segments(lang, shared))))
        assert row["ref_tokens"] == len(tok.encode(" ".join(c.segments("ref", shared))))
        assert row["premium"] == row["tokens"] / row["ref_tokens"]


# -- summaries --------------------------------------------------------------------------------


def _rows(table: dict[str, dict[str, float]]) -> list[dict]:  # type: ignore[type-arg]
    return [
        {"tokenizer": t, "language": lang, "premium": p} for t, by in table.items() for lang, p in by.items()
    ]


def test_tokenizer_summary_spread_excludes_the_reference() -> None:
    prem = {"eng": 1.0, "a": 1.5, "b": 4.0, "c": 2.0, "d": 9.0, "e": 3.0, "f": 2.5}
    got = tokenizer_summary(_rows({"tok": prem}), reference="eng", worst=3)["tok"]
    values = np.array([v for k, v in prem.items() if k != "eng"])
    assert got["median_premium"] == float(np.percentile(values, 50)) == 2.75
    assert got["p90_premium"] == float(np.percentile(values, 90))
    assert got["max_premium"] == 9.0 and got["languages"] == 6
    assert got["worst"] == [["d", 9.0], ["b", 4.0], ["e", 3.0]]


def test_language_summary_prefers_real_tokenizers_over_baselines() -> None:
    rows = _rows({"x": {"a": 2.0, "b": 1.2}, "y": {"a": 3.0, "b": 1.1}, "chars": {"a": 0.5, "b": 0.9}})
    got = language_summary(rows)
    assert got["a"] == {"cheapest": "x", "cheapest_premium": 2.0, "dearest": "y", "dearest_premium": 3.0}
    assert got["b"]["cheapest"] == "y" and got["b"]["dearest"] == "x"
    only_baseline = language_summary(_rows({"chars": {"a": 0.5}}))
    assert only_baseline["a"]["cheapest"] == "chars"


def test_country_summary_lists_country_languages_and_the_missing_ones() -> None:
    got = country_summary(["swh", "eng", "fra"], countries=["KE"])
    assert list(got) == ["KE"] and got["KE"]["name"] == "Kenya"
    entries = got["KE"]["languages"]
    pops = [e["population"] for e in entries]
    assert pops == sorted(pops, reverse=True)
    in_corpus = [e["language"] for e in entries if e["in_corpus"]]
    assert in_corpus[:2] == ["swh", "eng"] and "fra" not in in_corpus
    assert any(e["name"] == "Kikuyu" and not e["in_corpus"] for e in entries)
    codes = ["swh", "eng", "swc", "fra", "kik", "cmn_hans", "cmn_hant"]
    assert country_summary(codes) == country_summary(codes[::-1])
    everywhere = country_summary(["swh"])
    assert {"KE", "TZ"} <= set(everywhere)
    assert all(any(e["in_corpus"] for e in c["languages"]) for c in everywhere.values())


# -- the results document ----------------------------------------------------------------------


def test_document_signature_provenance_and_files(tmp_path: Path) -> None:
    c = corpus({"eng": {"1": "the thin", "2": "in the"}, "swh": {"1": "ab", "2": "αβ"}})
    toks = [tiny_bpe(), load_tokenizer("bytes")]
    doc = TokenizerTaxAudit(c, toks, TaxSpec("eng", context_tokens=100, countries=())).run(progress=False)
    assert re.fullmatch(
        r"corpus:test@[0-9a-f]{8}(\|tok:[^|@]+@[0-9a-f]{8}){2}\|ref:eng\|v:[\w.+-]+", doc.signature
    )
    parts = parse_signature(doc.signature)
    assert [v for k, v in parts if k == "tok"] == [f"tinybpe@{'ab' * 4}", f"bytes@{toks[1].digest[:8]}"]
    assert doc.audit == "tokenizers" and doc.settings["context_tokens"] == 100
    assert doc.summary["reference"] == "eng" and doc.summary["context_tokens"] == 100
    assert doc.summary["countries"] == {}
    kinds = [(a.kind, a.name) for a in doc.provenance.assets]
    assert kinds == [("corpus", "test"), ("tokenizer", "tinybpe"), ("tokenizer", "bytes")]
    assert doc.provenance.assets[0].sha256 == c.digest and doc.provenance.assets[0].license == "CC0"
    assert doc.settings["patterns"] == {"tinybpe": "r50k"}
    for row in doc.rows:
        assert list(row) == ROW_COLUMNS
    path = write_results(doc, tmp_path, csv_columns=ROW_COLUMNS)
    back = load_results(path)
    assert back.rows == doc.rows and back.signature == doc.signature
    header = (tmp_path / "rows.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ROW_COLUMNS
    assert math.isclose(
        rows_by_key(doc)[("bytes", "swh")]["premium"], len("ab αβ".encode()) / len("the thin in the")
    )


def test_rows_describe_languages_from_metadata_codes_and_text() -> None:
    c = ParallelCorpus(
        name="test",
        segment_ids=("1",),
        texts={"eng": {"1": "a"}, "swh": {"1": "b"}, "013": {"1": "tekst"}, "xyz": {"1": "Ελλάδα"}},
        language_meta={"013": {"bcp47": "und", "iso639_3": "und", "name": "(Mijisa)"}},
    )
    doc = TokenizerTaxAudit(c, [load_tokenizer("chars")], TaxSpec("eng")).run(progress=False)
    rows = {r["language"]: r for r in doc.rows}
    assert (rows["swh"]["language_name"], rows["swh"]["iso639_3"], rows["swh"]["script"]) == (
        "Swahili",
        "swa",
        "Latn",
    )
    assert (rows["013"]["language_name"], rows["013"]["iso639_3"], rows["013"]["script"]) == (
        "(Mijisa)",
        "und",
        "Latn",
    )
    assert rows["xyz"]["script"] == "Grek"  # unknown code: the script comes from the text
