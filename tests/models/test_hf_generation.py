"""Batched greedy generation equals transformers' ``generate`` run on each prompt alone, and stops early."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from sovaudit.models.base import GenerateRequest
from sovaudit.models.engine import EngineLimits
from sovaudit.models.generation import GreedyGenerator, cut_at_until, plan_batches, reference_generate
from sovaudit.models.hf import HFModel, HFOptions

PROMPTS = [
    "All human",
    "They are endowed with reason and conscience and should act",  # longer than the sliding window (8)
    "Kila mtu",
    "Tous les êtres humains naissent",
    "Die",
    "Everyone is entitled to all the rights and",
    "Όλοι οι άνθρωποι",
]


def _requests() -> list[GenerateRequest]:
    return [
        GenerateRequest(p, until=until, max_tokens=k)
        for p in PROMPTS
        for until in ((), ("e",), (" a", "r"))
        for k in (0, 1, 6, 18)
    ]


def _reference(model: HFModel, reqs: list[GenerateRequest]) -> list[str]:
    pad = model.tokenizer.pad_token_id
    return [
        reference_generate(model.model, model.tokenizer, model.encode(r.prompt), r.until, r.max_tokens, pad)
        for r in reqs
    ]


@pytest.fixture(params=["gemma", "llama"])
def model(request: pytest.FixtureRequest, tiny_gemma: Path, tiny_llama: Path) -> HFModel:
    return HFModel(tiny_gemma if request.param == "gemma" else tiny_llama, options=HFOptions(device="cpu"))


def test_batched_text_equals_one_prompt_at_a_time(model: HFModel) -> None:
    """Mixed prompt lengths (left padding), stop strings, caps and finished rows leaving the batch."""
    reqs = _requests()
    got = model.generate(reqs)
    assert got == _reference(model, reqs)
    assert all(g == "" for g, r in zip(got, reqs, strict=True) if r.max_tokens == 0)
    assert any(len(g) > 10 for g in got)


def test_small_batches_give_the_same_text(tiny_gemma: Path) -> None:
    """A memory budget of a few rows splits the requests into many batches: same text."""
    tight = EngineLimits(batch_bytes=1 << 16, logits_bytes=1 << 16)
    small = HFModel(tiny_gemma, options=HFOptions(device="cpu", limits=tight))
    assert small.engine.rows_per_batch(30) < 5
    reqs = _requests()
    assert small.generate(reqs) == HFModel(tiny_gemma, options=HFOptions(device="cpu")).generate(reqs)


def test_rows_stop_at_their_until_string(tiny_gemma: Path) -> None:
    """A row stops generating as soon as its text holds an ``until`` string, not at the token cap."""
    model = HFModel(tiny_gemma, options=HFOptions(device="cpu"))
    (full,) = model.generate([GenerateRequest(PROMPTS[0], max_tokens=20)])
    gen = model._generator
    assert gen is not None and gen.last_generated == 20
    stop = full.strip()[:2]  # occurs within the first few tokens
    (cut,) = model.generate([GenerateRequest(PROMPTS[0], until=(stop,), max_tokens=20)])
    assert cut == full[: full.find(stop)]
    assert gen.last_generated < 20


def test_eos_stops_a_row(tiny_gemma: Path) -> None:
    """With the first greedy token declared EOS, generation stops at once, as transformers' does."""
    model = HFModel(tiny_gemma, options=HFOptions(device="cpu"))
    ids = model.encode(PROMPTS[1])
    with torch.inference_mode():
        first = model.model(input_ids=torch.tensor([ids])).logits[0, -1].argmax().item()
    model.model.generation_config.eos_token_id = int(first)
    gen = GreedyGenerator(model.model, model.tokenizer, model.engine.rows_per_batch, 0)
    assert gen.eos == {int(first)}
    texts = gen.generate([ids, model.encode(PROMPTS[0])], [(), ()], [10, 10])
    ref = [reference_generate(model.model, model.tokenizer, ids, (), 10, 0)]
    assert texts[0] == ref[0] == model.tokenizer.decode([first], skip_special_tokens=True)


def test_plan_batches_sorts_and_bounds_padding() -> None:
    lengths = [10, 40, 12, 38, 11, 200]
    # 200 with 40: 160 pad tokens > half of 240 real; 40, 38, 12: 30 pad <= 45; then the 3-row limit
    assert plan_batches(lengths, [8] * 6, rows_for=lambda _n: 3) == [[5], [1, 3, 2], [4, 0]]
    seen: list[int] = []
    assert plan_batches(lengths, [8, 30, 8, 8, 8, 8], rows_for=lambda n: seen.append(n) or 9)
    assert 40 + 30 in seen and 38 + 8 not in seen  # the budget covers the longest prompt + most new tokens


def test_cut_at_until() -> None:
    assert cut_at_until("Paris\n\nQ: next", ("\n\n",)) == "Paris"
    assert cut_at_until("a.b;c", (";", ".")) == "a"
    assert cut_at_until("abc", ("", "x")) == "abc"


INST4 = (  # BLEnD's prompts/*_prompts.csv, inst-4 (the culture audit's default)
    "Read the following question and provide a single answer without any explanations.\n\n"
    "Question: {q}\nAnswer:"
)
BLEND_STYLE = [
    "What is a common snack for preschool kids in South Korea?",
    "대한민국의 유치원생들이 흔히 먹는 간식은 무엇인가요?",
    "What is the most popular sport in Algeria?",
    "ما هي الرياضة الأكثر شعبية في الجزائر؟",
    "What do people in Greece usually eat for breakfast?",
    "Ποιο είναι το πιο δημοφιλές άθλημα στην Ελλάδα;",
]


@pytest.mark.slow
def test_gemma3_270m_batched_equals_one_at_a_time() -> None:
    """The embedded Gemma 3 270M (sliding-window layers, left padding): BLEnD-style prompts in four
    scripts, the culture audit's settings (``until`` a blank line, 32 tokens), same text as one
    ``generate`` call per prompt."""
    from sovaudit.models.loading import load_model

    model = load_model("gemma3-270m", cache=False)
    assert isinstance(model, HFModel)
    reqs = [GenerateRequest(INST4.replace("{q}", q), ("\n\n",), 32) for q in BLEND_STYLE]
    reqs.append(GenerateRequest(INST4.replace("{q}", BLEND_STYLE[0]), (), 12))  # no stop string
    got = model.generate(reqs)
    assert got == _reference(model, reqs)
    assert all(g.strip() for g in got)
