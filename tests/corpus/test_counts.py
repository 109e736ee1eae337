"""Counts merge: ``+`` is associative and commutative, and survives the JSON round trip."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sovaudit.audits.corpus.counts import BANDS, CorpusCounts, LangCounts, merge_all

labels = st.sampled_from(["eng_Latn", "fra_Latn", "und", "zho_Hans"])


@st.composite
def lang_counts(draw: st.DrawFn) -> LangCounts:
    hashes = draw(st.lists(st.integers(0, 2**64 - 1), max_size=6))
    n = draw(st.integers(0, 3))
    return LangCounts(
        documents=draw(st.integers(0, 50)),
        paragraphs=draw(st.integers(0, 50)),
        bytes=draw(st.integers(0, 10**9)),
        document_bytes=draw(st.integers(0, 10**9)),
        confidence_hist=draw(st.lists(st.integers(0, 9), min_size=10, max_size=10)),
        script_mismatch=draw(st.integers(0, 5)),
        scripts=draw(st.dictionaries(st.sampled_from(["Latn", "Cyrl"]), st.integers(1, 9))),
        doc_hashes=np.unique(np.array(hashes, dtype=np.uint64)),
        doc_bands=np.arange(n * BANDS, dtype=np.uint64).reshape(n, BANDS),
    )


@st.composite
def corpus_counts(draw: st.DrawFn) -> CorpusCounts:
    c = CorpusCounts(languages=draw(st.dictionaries(labels, lang_counts(), max_size=3)))
    c.read["documents"] = draw(st.integers(0, 100))
    c.read["skipped_files"] = draw(st.integers(0, 2))
    return c


def canon(c: CorpusCounts) -> str:
    d = c.to_dict()
    for lang in d["languages"].values():
        lang["doc_bands"] = sorted(
            np.frombuffer(__import__("base64").b64decode(lang["doc_bands"]), "<u8").tolist()
        )
    return json.dumps(d, sort_keys=True)


@settings(max_examples=60, deadline=None)
@given(corpus_counts(), corpus_counts(), corpus_counts())
def test_add_is_associative_commutative_and_roundtrips(
    a: CorpusCounts, b: CorpusCounts, c: CorpusCounts
) -> None:
    assert canon((a + b) + c) == canon(a + (b + c))
    assert canon(a + b) == canon(b + a)
    assert canon(CorpusCounts.from_dict(json.loads(json.dumps(a.to_dict())))) == canon(a)
    assert canon(merge_all([a, b, c])) == canon(a + b + c)


def test_exact_duplicates_merge_across_shards() -> None:
    a = LangCounts(documents=3, doc_hashes=np.array([1, 2, 3], dtype=np.uint64))
    b = LangCounts(documents=2, doc_hashes=np.array([3, 4], dtype=np.uint64))
    total = a + b
    assert total.documents == 5 and len(total.doc_hashes) == 4  # one document seen in both shards


def test_a_macrolanguage_whose_members_are_in_the_corpus_is_marked() -> None:
    """Kenya's Luyia (luy, a macrolanguage) when a detector names one of its members (Marachi, lri)."""
    from sovaudit.audits.corpus.counts import CorpusCounts, LangCounts
    from sovaudit.audits.corpus.reduce import build_rows

    total = CorpusCounts({"lri_Latn": LangCounts(documents=1, paragraphs=1, bytes=100)})
    _rows, summary = build_rows(total, "KE")
    absent = {a["language"]: a for a in summary["absent_languages"]}
    assert absent["luy_Latn"]["members_in_corpus"] == "lri_Latn"
    assert "members_in_corpus" not in absent["kik_Latn"]
