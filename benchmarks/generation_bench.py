"""Short-answer generation: sovaudit's batched ``generate`` against a bare transformers ``generate()`` loop.

Both run the same BLEnD prompts (the bundled ``blend`` asset, the culture audit's default template
``inst-4``, local language and English, ``until=("\\n\\n",)``, 32 new tokens at most: the audit's
settings) on the embedded gemma3-270m (hf backend, fp32), interleaved round by round so load on a shared
machine hits both alike. The bare loop is what the hf backend did before: one prompt at a time,
``model.generate(do_sample=False, max_new_tokens=32)``, text cut after generation
(:func:`sovaudit.models.generation.reference_generate`). A third arm adds transformers' own
``stop_strings`` to that loop, to separate what early stopping gives from what batching gives.

Prints wall time, answer tokens/s (tokens of the returned answers, the same for every arm when the texts
agree), generated tokens/s (what each arm computed), the ratios, whether every text is identical to the
bare loop's, and the CPU flags. Run: ``.venv/bin/python benchmarks/generation_bench.py [--n 40 --rounds 2]``
(``sovaudit assets install gemma3-270m blend`` first).

Measured (40 prompts in 2 slots of 20, 2 shared AMD EPYC cores with AVX-512, torch 2.13 CPU, load ~6):
sovaudit 216 s, bare loop 679 s (3.14x), bare loop with ``stop_strings`` 413 s (1.91x); 3.63 against
1.89 generated tokens/s; 40/40 texts identical to the bare loop's.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import torch

from sovaudit.assets.store import AssetStore
from sovaudit.audits.culture.blend import (
    COUNTRIES,
    DEFAULT_PROMPT,
    make_prompt,
    read_prompts,
    read_questions,
    replace_country_name,
)
from sovaudit.models.base import GenerateRequest
from sovaudit.models.generation import cut_at_until
from sovaudit.models.hf import HFModel
from sovaudit.models.loading import load_model
from sovaudit.results import cpu_info


def blend_requests(
    n: int, countries: tuple[str, ...] = ("DZ", "KR"), max_tokens: int = 32
) -> list[GenerateRequest]:
    """``n`` BLEnD prompts as the culture audit builds them: per country, local language then English."""
    root = AssetStore().path("blend") / "blend"
    per = max(1, n // (2 * len(countries)))
    reqs: list[GenerateRequest] = []
    for code in countries:
        templates = read_prompts(root, code)[DEFAULT_PROMPT]
        questions = read_questions(root, code)[:per]
        stem = COUNTRIES[code][0]
        for q in questions:
            reqs.append(GenerateRequest(make_prompt(templates[1], q.question), ("\n\n",), max_tokens))
        for q in questions:
            text = replace_country_name(q.en_question, stem)
            reqs.append(GenerateRequest(make_prompt(templates[0], text), ("\n\n",), max_tokens))
    return reqs[:n]


def bare_loop(model: HFModel, reqs: list[GenerateRequest], stop: bool) -> tuple[list[str], int]:
    """One prompt at a time through ``model.generate`` (``stop``: with transformers' ``stop_strings``);
    returns the texts cut before the first ``until`` string, and the tokens generated."""
    out, generated = [], 0
    pad = model.tokenizer.pad_token_id
    for r in reqs:
        t = torch.tensor([model.encode(r.prompt)])
        extra: dict[str, Any] = {"stop_strings": list(r.until), "tokenizer": model.tokenizer} if stop else {}
        with torch.inference_mode():
            gen = model.model.generate(
                t,
                attention_mask=torch.ones_like(t),
                max_new_tokens=r.max_tokens,
                do_sample=False,
                use_cache=True,
                pad_token_id=pad,
                **extra,
            )
        generated += gen.shape[1] - t.shape[1]
        text = model.tokenizer.decode(gen[0, t.shape[1] :], skip_special_tokens=True)
        out.append(cut_at_until(text, r.until))
    return out, generated


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="prompts")
    ap.add_argument("--chunk", type=int, default=20, help="prompts per interleaving slot")
    ap.add_argument("--rounds", type=int, default=1, help="passes over all prompts")
    args = ap.parse_args()
    model = load_model("gemma3-270m", cache=False)
    assert isinstance(model, HFModel)
    reqs = blend_requests(args.n)
    arms = ["sovaudit", "bare", "bare+stop_strings"]
    wall = dict.fromkeys(arms, 0.0)
    generated = dict.fromkeys(arms, 0)
    texts: dict[str, list[str]] = {a: [""] * len(reqs) for a in arms}
    model.generate(reqs[:2])  # warm-up (first-call allocations), not timed
    gen = model._generator
    slot = 0
    # interleaved: every chunk of prompts runs through all three arms, the order alternating per chunk
    for _ in range(args.rounds):
        for lo in range(0, len(reqs), args.chunk):
            part = reqs[lo : lo + args.chunk]
            for arm in arms if slot % 2 == 0 else arms[::-1]:
                t0 = time.perf_counter()
                if arm == "sovaudit":
                    out = model.generate(part)
                    n_gen = gen.last_generated if gen is not None else 0  # tokens of this call
                else:
                    out, n_gen = bare_loop(model, part, stop=arm != "bare")
                dt = time.perf_counter() - t0
                wall[arm] += dt
                generated[arm] += n_gen
                texts[arm][lo : lo + len(part)] = out
                print(f"slot {slot} prompts {lo}-{lo + len(part) - 1} {arm:18s} {dt:8.1f} s", flush=True)
            slot += 1
    answer_tokens = args.rounds * sum(len(model.encode(t, specials=False)) for t in texts["bare"])
    print(f"\n{len(reqs)} BLEnD prompts x {args.rounds} round(s) (DZ, KR; local + English; inst-4; ")
    print(f"until \\n\\n; max 32 new tokens); batches of up to {args.chunk} prompts")
    print(f"answer tokens (bare loop's texts): {answer_tokens}")
    for arm in arms:
        w = wall[arm]
        print(
            f"{arm:18s} {w:7.1f} s  answer tok/s {answer_tokens / w:6.2f}  generated {generated[arm]:5d} tok"
            f" ({generated[arm] / w:6.2f}/s)  speed-up vs bare {wall['bare'] / w:5.2f}x"
        )
    for arm in ("sovaudit", "bare+stop_strings"):
        same = [a == b for a, b in zip(texts[arm], texts["bare"], strict=True)]
        print(f"{arm} texts identical to the bare loop's: {sum(same)}/{len(same)}")
        for i, ok in enumerate(same):
            if not ok:
                print(f"  differs at {i}: {texts[arm][i]!r} vs {texts['bare'][i]!r}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; cpu: {cpu_info()}")


if __name__ == "__main__":
    main()
