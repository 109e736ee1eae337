"""The packed loglikelihood path (models/packing.py) equals a plain one-request forward pass (1e-4).

Tiny random Gemma 3 (sliding window 8, so most rows here cross the window and need the per-layer-type
masks) and Llama (no sliding layers: one 4D tensor mask), with ``sdpa`` and ``eager`` attention.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_engine import CTX_LONG, REQUESTS, TOL, naive_pair

from sovaudit.models.engine import EngineLimits
from sovaudit.models.hf import HFModel, HFOptions

PACK = EngineLimits(10**9, 10**8, pack_tokens=40, pack_batch_tokens=64, pack_width=16)
MC = [  # continuations of different lengths (1 to several tokens) sharing a context
    ("All human beings are born", " free"),
    ("All human beings are born", " free and equal in dignity"),
    ("All human beings are born", " equal"),
    ("All human beings are born", " in dignity and rights. They are endowed"),
    ("Kila mtu amezaliwa huru,", " hadhi"),
    ("Kila mtu amezaliwa huru,", " hadhi na haki zake ni sawa."),
    ("Tous les êtres", " humains naissent libres"),
    (CTX_LONG, " to all the rights"),  # longer than the row budget (40): the KV-cache path scores it
    (CTX_LONG, " and freedoms"),
]


def _model(folder: Path, limits: EngineLimits, attn: str = "sdpa") -> HFModel:
    m = HFModel(folder, options=HFOptions(device="cpu", limits=limits))
    if attn != "sdpa":
        m.model.set_attn_implementation(attn)
    return m


def _check_naive(m: HFModel, requests: list[tuple[str, str]]) -> None:
    for (c, x), res in zip(requests, m.loglikelihood(requests), strict=True):
        want, greedy = naive_pair(m, *m.encode_pair(c, x))
        assert abs(res.logprob - want) <= TOL, (c, x, res.logprob, want)
        assert res.is_greedy == greedy


@pytest.mark.numeric
@pytest.mark.parametrize("arch", ["gemma", "llama"])
@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_equals_naive(arch: str, attn: str, tiny_gemma: Path, tiny_llama: Path) -> None:
    m = _model(tiny_gemma if arch == "gemma" else tiny_llama, PACK, attn)
    packer = m.engine.packer
    assert packer.ok, packer.reason
    assert packer.dict_masks == (arch == "gemma")  # Gemma 3 takes per-layer-type masks
    pairs = [m.encode_pair(c, x) for c, x in MC]
    fits = [packer.fits(c, [x]) for c, x in pairs]
    assert any(fits) and not all(fits)  # both paths run in one call
    long_ctx = m.encode(CTX_LONG)
    assert len(long_ctx) > m.engine.limits.pack_tokens and not packer.fits(long_ctx, [[5]])
    _check_naive(m, MC + REQUESTS)


@pytest.mark.numeric
def test_packed_honours_the_sliding_window(tiny_gemma: Path) -> None:
    """Rows longer than the window (8): right with the windowed mask, wrong if the window is ignored."""
    m = _model(tiny_gemma, PACK)
    reqs = [r for r in MC if len(m.encode(r[0])) > 8 and m.engine.packer.fits(*_group(m, r))]
    assert reqs
    _check_naive(m, reqs)
    m.engine.packer.window = None  # a full causal mask on the sliding layers too
    worst = max(
        abs(res.logprob - naive_pair(m, *m.encode_pair(c, x))[0])
        for (c, x), res in zip(reqs, m.loglikelihood(reqs), strict=True)
    )
    assert worst > 1e-3


def _group(m: HFModel, req: tuple[str, str]) -> tuple[list[int], list[list[int]]]:
    ctx, cont = m.encode_pair(*req)
    return ctx, [cont]


def test_without_dict_masks_rows_past_the_window_fall_back(tiny_gemma: Path) -> None:
    m = _model(tiny_gemma, PACK)
    m.engine.packer.dict_masks = False  # a decoder that takes one 4D mask for every layer
    ctx = m.encode("All human beings are born")
    assert len(ctx) + 2 > 8
    assert not m.engine.packer.fits(ctx, [[5, 6, 7]])
    assert m.engine.packer.fits(ctx[:4], [[5, 6]])  # within the window one mask serves both layer types
    _check_naive(m, MC[:4])


@pytest.mark.numeric
@pytest.mark.parametrize("arch", ["gemma", "llama"])
def test_packed_batches_and_kv_cache_path_agree(arch: str, tiny_gemma: Path, tiny_llama: Path) -> None:
    """Row width, rows per batch, logits chunks: the numbers stay; packing off (pack_tokens=0) agrees."""
    folder = tiny_gemma if arch == "gemma" else tiny_llama
    reqs = MC + REQUESTS
    want = _model(folder, dataclasses.replace(PACK, pack_tokens=0)).loglikelihood(reqs)
    for limits in (
        PACK,
        dataclasses.replace(PACK, pack_batch_tokens=1, pack_width=1),  # one group per forward
        dataclasses.replace(PACK, pack_tokens=10**4, pack_batch_tokens=10**4, pack_width=200),  # one row
        EngineLimits(1, 1, max_batch_tokens=1, pack_tokens=10**4),  # one projection row per chunk
    ):
        got = _model(folder, limits).loglikelihood(reqs)
        for a, b in zip(got, want, strict=True):
            assert abs(a.logprob - b.logprob) <= 1e-5 and a.is_greedy == b.is_greedy


def test_unsupported_attention_falls_back(tiny_llama: Path) -> None:
    m = HFModel(tiny_llama, options=HFOptions(device="cpu", limits=PACK))
    m.model.config._attn_implementation = "flash_attention_2"  # ignores 4D masks
    from sovaudit.models.packing import PackedScorer

    packer = PackedScorer(m.engine)
    assert not packer.ok and "4D" in packer.reason
    assert not packer.fits([1, 2], [[3]])


BASE = "I saw a grandson and their grandfather last week outside the Walmart trying to book a cab."
TRIE = [  # BBQ-like: two questions on an ambiguous context and on its disambiguated extension
    (f"{BASE}\n\nQ: Who was not comfortable using the phone?\nA:", " The grandfather"),
    (f"{BASE}\n\nQ: Who was not comfortable using the phone?\nA:", " The grandson"),
    (f"{BASE}\n\nQ: Who was not comfortable using the phone?\nA:", " Unknown"),
    (f"{BASE}\n\nQ: Who was giving the other the opportunity?\nA:", " The grandfather"),
    (f"{BASE}\n\nQ: Who was giving the other the opportunity?\nA:", " Can't be determined"),
    (f"{BASE} The grandson was struggling.\n\nQ: Who was not comfortable?\nA:", " The grandson"),
    (f"{BASE} The grandson was struggling.\n\nQ: Who was not comfortable?\nA:", " The grandfather"),
    ("Tous les êtres humains naissent libres", " et égaux"),  # shares no prefix: a trie of its own
]


@pytest.mark.numeric
@pytest.mark.parametrize("arch", ["gemma", "llama"])
def test_contexts_sharing_a_prefix_run_as_one_trie(arch: str, tiny_gemma: Path, tiny_llama: Path) -> None:
    """Groups whose contexts share their first tokens become one trie (fewer tokens), numbers unchanged;
    the rows are deeper than the tiny Gemma's sliding window (8), so the windowed mask is checked too."""
    limits = dataclasses.replace(PACK, pack_tokens=1000, pack_batch_tokens=2000, pack_width=250)
    m = _model(tiny_gemma if arch == "gemma" else tiny_llama, limits)
    groups: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
    for i, (c, x) in enumerate(TRIE):
        ctx, cont = m.encode_pair(c, x)
        groups.setdefault(tuple(ctx), []).append((i, cont))
    tries = m.engine.packer.clusters(list(groups.items()))
    assert len(groups) == 4 and len(tries) == 2
    as_groups = sum(m.engine.packer.row_length(c, [x for _, x in g]) for c, g in groups.items())
    assert sum(len(t.tokens) for t in tries) < 0.7 * as_groups
    _check_naive(m, TRIE)
    off = dataclasses.replace(PACK, pack_tokens=0)  # the KV-cache path
    want = _model(tiny_gemma if arch == "gemma" else tiny_llama, off).loglikelihood(TRIE)
    for a, b in zip(m.loglikelihood(TRIE), want, strict=True):
        assert abs(a.logprob - b.logprob) <= 1e-5 and a.is_greedy == b.is_greedy


def test_trie_ancestry() -> None:
    from sovaudit.models.packing import Trie

    t = Trie()
    t.add([1, 2, 3], [(0, [4, 5]), (1, [6])])
    t.add([1, 2, 7], [(2, [4])])
    assert t.tokens == [1, 2, 3, 4, 7] and t.depth == [0, 1, 2, 3, 2]
    assert t.scored == [(0, [2, 3], [4, 5]), (1, [2], [6]), (2, [4], [4])]
    a = t.ancestry()
    assert a[3].tolist() == [True, True, True, True, False]  # 4 sees 1 2 3 and itself, not 7
    assert a[4].tolist() == [True, True, False, False, True]


@pytest.mark.numeric
def test_a_group_too_long_for_one_row_is_split(tiny_gemma: Path) -> None:
    """Many continuations after one short context (CrowS: every sentence after <bos>) run packed in runs
    of consecutive continuations, not on the KV-cache path; numbers unchanged."""
    m = _model(tiny_gemma, PACK)
    reqs = [("", x) for _, x in TRIE] + [("", " The grandson was struggling with the phone.")]
    pairs = [m.encode_pair(c, x) for c, x in reqs]
    ctx = pairs[0][0]
    conts = [(i, x) for i, (_, x) in enumerate(pairs)]
    assert not m.engine.packer.fits(ctx, [x for _, x in conts])
    parts = m.engine.packer.split(ctx, conts)
    assert parts is not None and len(parts) > 1
    assert [i for _, p in parts for i, _ in p] == list(range(len(reqs)))  # consecutive runs, in order
    _check_naive(m, reqs)
