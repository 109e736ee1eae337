"""The engine equals a plain one-request-at-a-time forward pass of the same model (|delta| <= 1e-4, fp32)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sovaudit.models.engine import EngineLimits, rolling_windows
from sovaudit.models.hf import HFModel, HFOptions

TOL = 1e-4
CTX_LONG = (
    "All human beings are born free and equal in dignity and rights. They are endowed with reason and "
    "conscience and should act towards one another in a spirit of brotherhood. Everyone is entitled"
)
REQUESTS = [
    ("All human beings are born", " free and equal"),
    ("All human beings are born", " equal"),
    ("All human beings are born", " in dignity and rights."),
    ("All human beings are born ", "free"),  # trailing space moves to the continuation
    ("Kila mtu amezaliwa huru,", " hadhi na haki zake ni sawa."),
    (CTX_LONG, " to all the rights"),  # longer than the sliding window (8)
    (CTX_LONG, " x"),
    (CTX_LONG * 2, " and freedoms set forth in this Declaration."),  # longer than max_length (48): truncated
    ("", "Tous les êtres humains"),  # empty context -> BOS/EOS prefix
    ("Όλοι οι άνθρωποι", " γεννιούνται ελεύθεροι."),
]
TEXTS = [
    "short text",
    "Kila mtu",
    "All human beings are born free and equal in dignity and rights.",
    " ".join([CTX_LONG] * 3),  # several windows
    "Die Würde des Menschen ist unantastbar.",
]


def naive_pair(model: HFModel, ctx: list[int], cont: list[int]) -> tuple[float, bool]:
    """One request, one full forward pass, full-vocabulary logits: lm-eval's computation."""
    inp = (ctx + cont)[-(model.max_length + 1) :][:-1]
    with torch.no_grad():
        logits = model.model(torch.tensor([inp])).logits[0, -len(cont) :]
    lsm = torch.log_softmax(logits.float(), dim=-1)
    target = torch.tensor(cont)
    return float(lsm.gather(1, target[:, None]).sum()), bool((logits.argmax(-1) == target).all())


def naive_rolling(model: HFModel, text: str, context_len: int) -> tuple[float, int]:
    toks = model.encode(text, specials=False)
    total = 0.0
    for ctx, pred in rolling_windows(toks, model.prefix_token, model.max_length, context_len):
        total += naive_pair(model, ctx, pred)[0]
    return total, len(toks)


@pytest.fixture(params=["gemma", "llama"])
def model(request: pytest.FixtureRequest, tiny_gemma: Path, tiny_llama: Path) -> HFModel:
    folder = tiny_gemma if request.param == "gemma" else tiny_llama
    return HFModel(folder, options=HFOptions(device="cpu"))


@pytest.mark.numeric  # also run under ATEN_CPU_CAPABILITY=avx2 and default (make test)
def test_loglikelihood_equals_naive(model: HFModel) -> None:
    got = model.loglikelihood(REQUESTS)
    for (c, x), res in zip(REQUESTS, got, strict=True):
        want, greedy = naive_pair(model, *model.encode_pair(c, x))
        assert abs(res.logprob - want) <= TOL, (c, x, res.logprob, want)
        assert res.is_greedy == greedy
        assert res.logprob < 0


@pytest.mark.numeric
def test_typed_requests_and_tuples_agree(model: HFModel) -> None:
    from sovaudit.models.base import LoglikelihoodRequest

    typed = model.loglikelihood([LoglikelihoodRequest(c, x) for c, x in REQUESTS[:3]])
    assert [r.logprob for r in typed] == [r.logprob for r in model.loglikelihood(REQUESTS[:3])]


@pytest.mark.numeric
def test_is_greedy_true_for_the_argmax_continuation(model: HFModel) -> None:
    ctx = model.encode("All human beings")
    cont: list[int] = []
    for _ in range(3):
        with torch.no_grad():
            logits = model.model(torch.tensor([ctx + cont])).logits[0, -1]
        cont.append(int(logits.argmax()))
    ((_lp, greedy),) = model.engine.loglikelihood([(ctx, cont)])
    assert greedy
    ((_lp2, greedy2),) = model.engine.loglikelihood([(ctx, [*cont[:2], (cont[2] + 1) % model.engine.vocab])])
    assert not greedy2


@pytest.mark.numeric
@pytest.mark.parametrize("context_len", [None, 1])
def test_rolling_equals_naive(model: HFModel, context_len: int | None) -> None:
    if context_len is not None:
        model.rolling_context = context_len
    got = model.loglikelihood_rolling(TEXTS)
    for text, res in zip(TEXTS, got, strict=True):
        want, n = naive_rolling(model, text, model.rolling_context)
        assert res.n_tokens == n
        assert abs(res.logprob - want) <= TOL * max(1, n / 50), (text[:20], res.logprob, want)
    assert len(model.encode(TEXTS[3], specials=False)) > 2 * model.max_length  # really windowed


@pytest.mark.parametrize(
    "limits",
    [
        EngineLimits(1, 1, max_batch_tokens=1),  # one row per batch, one row per logits chunk
        EngineLimits(10**9, 10**8, prefill_chunk=5, max_pad_ratio=3.0),  # padded rows, prefill in chunks
        EngineLimits(1, 1, max_batch_tokens=1, prefill_chunk=3),  # chunks shorter than the sliding window
    ],
)
def test_budgets_and_chunking_give_the_same_numbers(tiny_gemma: Path, limits: EngineLimits) -> None:
    """Batch sizes, logit chunks and chunked prefill (across sliding-window layers) change nothing."""
    big = HFModel(tiny_gemma, options=HFOptions(device="cpu"))
    small = HFModel(tiny_gemma, options=HFOptions(device="cpu", limits=limits))
    for a, b in zip(big.loglikelihood(REQUESTS), small.loglikelihood(REQUESTS), strict=True):
        assert abs(a.logprob - b.logprob) <= 1e-5 and a.is_greedy == b.is_greedy
    for a2, b2 in zip(big.loglikelihood_rolling(TEXTS), small.loglikelihood_rolling(TEXTS), strict=True):
        assert abs(a2.logprob - b2.logprob) <= 1e-4 and a2.n_tokens == b2.n_tokens
    for text in TEXTS:  # and both equal the plain forward pass
        want, n = naive_rolling(small, text, small.rolling_context)
        (got,) = small.loglikelihood_rolling([text])
        assert abs(got.logprob - want) <= TOL * max(1, n / 50)


def test_rows_per_batch_from_budget(tiny_gemma: Path) -> None:
    m = HFModel(tiny_gemma, options=HFOptions(device="cpu", limits=EngineLimits(10**8, 10**8, 10**6)))
    assert m.engine.rows_per_batch(10) > m.engine.rows_per_batch(1000) >= 1


def test_rolling_windows_table() -> None:
    toks = list(range(10, 20))
    assert rolling_windows([], 0, 4) == []
    assert rolling_windows(toks[:3], 0, 4) == [([0], [10, 11, 12])]
    # lm-eval (context_len=1): disjoint windows of 4 predictions,
    # later ones with the max_len tokens before their end as input
    assert rolling_windows(toks, 0, 4) == [
        ([0], [10, 11, 12, 13]),
        ([13], [14, 15, 16, 17]),
        ([15, 16, 17], [18, 19]),
    ]
    # strided: at least 2 tokens of context, 3 new predictions per window
    assert rolling_windows(toks, 0, 4, 2) == [
        ([0], [10, 11, 12, 13]),
        ([12, 13], [14, 15, 16]),
        ([15, 16], [17, 18, 19]),
    ]


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 60), max_len=st.integers(1, 12), data=st.data())
def test_rolling_windows_properties(n: int, max_len: int, data: st.DataObject) -> None:
    context_len = data.draw(st.integers(1, max_len))
    toks = list(range(100, 100 + n))
    windows = rolling_windows(toks, 0, max_len, context_len)
    assert [t for _, pred in windows for t in pred] == toks  # every token predicted once, in order
    for ctx, pred in windows:
        inp = (ctx + pred)[:-1]
        assert 1 <= len(inp) <= max_len
        if ctx[0] != 0:  # later windows: the input is the tokens right before the prediction
            start = toks.index(pred[0])
            assert ctx == toks[start - len(ctx) : start]
            assert len(ctx) >= min(context_len, start)


def test_rolling_windows_match_lm_eval_when_installed() -> None:
    utils = pytest.importorskip("lm_eval.utils")
    toks = list(range(1, 40))
    for max_len in (1, 5, 16, 64):
        theirs = [utils.make_disjoint_window(w) for w in utils.get_rolling_token_windows(toks, 0, max_len, 1)]
        assert rolling_windows(toks, 0, max_len, 1) == [(list(a), list(b)) for a, b in theirs]


@pytest.mark.numeric
def test_projection_in_vocabulary_blocks_equals_one_gemm(tiny_gemma: Path) -> None:
    """Blocks of 64 vocabulary entries (the tiny head has 400: 7 blocks, the last partial) give the
    log-softmax of one ``lm_head`` call per chunk within 1e-6 relative, and the same greedy flags."""
    base = dict(batch_bytes=10**8, logits_bytes=3 * 4 * 400 * 7)
    cpu = "cpu"
    blocked = HFModel(tiny_gemma, options=HFOptions(device=cpu, limits=EngineLimits(**base, vocab_block=64)))
    whole = HFModel(tiny_gemma, options=HFOptions(device=cpu, limits=EngineLimits(**base, vocab_block=0)))
    assert blocked.engine.vocab == 400
    torch.manual_seed(2)
    hidden = torch.randn(30, blocked.model.config.hidden_size)
    targets = torch.randint(0, blocked.engine.vocab, (30,))
    logp, greedy = blocked.engine._score_rows(hidden, targets)
    ref_logp, ref_greedy = whole.engine._score_rows(hidden, targets)
    step = whole.engine._logit_rows()
    with torch.no_grad():
        chunks = [whole.model.lm_head(hidden[i : i + step]) for i in range(0, 30, step)]
    per_chunk = torch.cat([torch.log_softmax(c, dim=-1) for c in chunks]).gather(1, targets[:, None])[:, 0]
    assert torch.equal(ref_logp, per_chunk.double())  # vocab_block=0: one GEMM per chunk, as before
    torch.testing.assert_close(logp, ref_logp, rtol=1e-6, atol=0)
    assert torch.equal(greedy, ref_greedy)


@pytest.mark.numeric
def test_projection_is_log_softmax_of_lm_head_chunk_by_chunk(tiny_gemma: Path) -> None:
    """The reused-buffer projection computes exactly torch.log_softmax(lm_head(h)) for each chunk of rows.

    Bit-identical only chunk by chunk: a GEMM's row depends on how many rows share the call (MKL picks
    kernels and splits rows between threads by shape), so against one ``lm_head`` call over all 30 rows the
    guarantee is 1e-6 relative. Measured (20 seeds, torch threads 1 and 2, ATEN_CPU_CAPABILITY
    avx512/avx2/default, MKL_ENABLE_INSTRUCTIONS=AVX2 too): max |delta| 1.9e-6 nats, 2.4e-7 relative;
    per chunk always bit-identical.
    """
    m = HFModel(tiny_gemma, options=HFOptions(device="cpu", limits=EngineLimits(10**8, 3 * 4 * 400 * 7)))
    step = m.engine._logit_rows()
    assert step == 7  # several chunks, the last one partial
    torch.manual_seed(1)
    hidden = torch.randn(30, m.model.config.hidden_size)
    targets = torch.randint(0, m.engine.vocab, (30,))
    logp, greedy = m.engine._score_rows(hidden, targets)
    with torch.no_grad():
        chunks = [m.model.lm_head(hidden[i : i + step]) for i in range(0, 30, step)]
        whole = torch.log_softmax(m.model.lm_head(hidden), dim=-1).gather(1, targets[:, None])[:, 0].double()
    logits = torch.cat(chunks)
    per_chunk = torch.cat([torch.log_softmax(c, dim=-1) for c in chunks]).gather(1, targets[:, None])[:, 0]
    assert torch.equal(logp, per_chunk.double())
    assert torch.equal(greedy, logits.argmax(-1) == targets)
    torch.testing.assert_close(logp, whole, rtol=1e-6, atol=0)
