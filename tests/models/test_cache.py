"""The SQLite answer cache: cached answers are not recomputed, keys separate models and settings."""

from __future__ import annotations

from pathlib import Path

from sovaudit.models.base import GenerateRequest
from sovaudit.models.cache import AnswerCache, CachedModel, model_key, request_key
from sovaudit.models.hf import HFModel, HFOptions

PAIRS = [("All human beings", " are born"), ("All human beings", " free"), ("Kila mtu", " huru")]


def test_cached_answers_are_reused(tiny_gemma: Path, tmp_path: Path) -> None:
    inner = HFModel(tiny_gemma)
    model = CachedModel(inner, AnswerCache(tmp_path / "a.sqlite"), chunk_chars=10)
    first = model.loglikelihood(PAIRS)
    assert model.computed == 3
    again = CachedModel(inner, AnswerCache(tmp_path / "a.sqlite"))
    assert again.loglikelihood(PAIRS) == first and again.computed == 0
    assert again.loglikelihood([*PAIRS, ("x", " y")])[:3] == first and again.computed == 1
    rolled = again.loglikelihood_rolling(["abc", "All human beings"])
    assert again.loglikelihood_rolling(["All human beings", "abc"]) == rolled[::-1]
    assert again.computed == 3
    gen = again.generate([GenerateRequest("All human", max_tokens=3)])
    assert again.generate([GenerateRequest("All human", max_tokens=3)]) == gen and again.computed == 4
    for x, y in zip(first, inner.loglikelihood(PAIRS), strict=True):  # other batch shapes: float noise only
        assert abs(x.logprob - y.logprob) <= 1e-5 and x.is_greedy == y.is_greedy


def test_keys_separate_models_and_settings(tiny_gemma: Path, tiny_llama: Path) -> None:
    a, b = HFModel(tiny_gemma), HFModel(tiny_llama)
    c = HFModel(tiny_gemma, options=HFOptions(max_length=16))
    assert len({model_key(a), model_key(b), model_key(c)}) == 3
    assert request_key(["a", "b"]) != request_key(["ab", ""])


def test_cache_survives_reopen(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "c.sqlite")
    cache.put_many("m", "rolling", [("k1", [-1.5, 3])])
    cache.close()
    assert AnswerCache(tmp_path / "c.sqlite").get_many("m", "rolling", ["k1", "k2"]) == {"k1": [-1.5, 3]}
