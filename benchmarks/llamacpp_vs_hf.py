"""llamacpp vs hf on the same GGUF: speed per request kind, and how far their numbers differ.

Both backends load the same file through ``sovaudit.load_model`` with the answer cache off:
``llamacpp:<model>`` runs the quantised GGUF in llama.cpp; ``hf:<model>`` dequantises it to float32 once
(cached safetensors) and scores it with the engine. Each runs the same two workloads, alternating, with the
same thread count and the same ``max_length`` (so their rolling windows are identical):

- ``mc``: multiple choice, contexts shared by 3 continuations (lm-eval reference workload: BBQ Age items,
  ``"{context} {question}\\nAnswer:"`` + ``" " + answer``), ``--mc`` items;
- ``rolling``: whole UDHR texts (the same workload file), ``--rolling`` texts.

Without the workload file (``--workloads``; default: the lm-eval reference folder of the shared data, when
present) a small built-in workload is used: UDHR texts from the ``udhr`` asset, and MC items made from them.

Printed: wall and CPU seconds per side (CPU seconds of the process count every thread and are fairer on a
shared machine), the ratio hf/llamacpp (above 1: llamacpp is faster), tokens/s, and the
differences: max and median |delta logprob| per request, relative difference of the totals, agreement of
is_greedy and of the chosen answer per item. Quantised kernels against dequantised float32 differ by
about 0.1-1% on totals; a difference well beyond that is a bug in one of the two.

Run: ``.venv/bin/python benchmarks/llamacpp_vs_hf.py [--model gemma3-270m] [--mc 100] [--rolling 4]
[--threads 1] [--max-length 2048] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any

import sovaudit

REFERENCE = Path("/work/shared/data/lm-eval-reference/workloads.json")


def builtin_workload(n_rolling: int) -> dict[str, Any]:
    """Rolling texts from the UDHR asset; MC items: a sentence as context, three sentence starts to choose."""
    from sovaudit.corpora import load_corpus

    corpus = load_corpus("udhr")
    langs = [x for x in ("eng", "fra", "spa", "swh", "hin", "rus", "arb", "cmn_hans") if corpus.has(x)]
    rolling = [{"lang": x, "text": "\n".join(corpus.segments(x))} for x in langs[:n_rolling]]
    eng = corpus.segments("eng")
    mc = []
    for i in range(len(eng) - 3):
        words = [s.split() for s in eng[i + 1 : i + 4]]
        conts = [" " + " ".join(w[:6]) for w in words]
        mc.append({"id": i, "context": eng[i] + "\nNext:", "continuations": conts, "label": 0})
    return {"mc": mc, "rolling": rolling}


def timed(fn: Any, *args: Any) -> tuple[Any, float, float]:
    """The result, wall seconds, and CPU seconds of this process (all threads: fair on a shared machine)."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0, time.process_time() - c0


def compare(a: list[float], b: list[float]) -> dict[str, float]:
    d = [abs(x - y) for x, y in zip(a, b, strict=True)]
    tot_a, tot_b = sum(a), sum(b)
    return {
        "max_abs": max(d),
        "median_abs": statistics.median(d),
        "rel_total": abs(tot_a - tot_b) / abs(tot_b),
        "max_rel_each": max(abs(x - y) / max(abs(y), 1e-9) for x, y in zip(a, b, strict=True)),
    }


def chosen(items: list[dict[str, Any]], results: list[Any]) -> list[int]:
    """The index of the most likely continuation of each item."""
    out, k = [], 0
    for it in items:
        vals = [r.logprob for r in results[k : k + len(it["continuations"])]]
        out.append(vals.index(max(vals)))
        k += len(vals)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="gemma3-270m", help="asset name or .gguf path")
    ap.add_argument("--mc", type=int, default=100, help="MC items (3 requests each)")
    ap.add_argument("--rolling", type=int, default=4, help="whole texts for rolling")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-length", type=int, default=2048)
    ap.add_argument("--repeat", type=int, default=1, help="runs per side (best time kept)")
    ap.add_argument("--workloads", type=Path, default=REFERENCE if REFERENCE.is_file() else None)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    work = json.loads(args.workloads.read_text()) if args.workloads else builtin_workload(args.rolling)
    items = work["mc"][: args.mc]
    reqs = [(it["context"], c) for it in items for c in it["continuations"]]
    texts = [r["text"] for r in work["rolling"][: args.rolling]]
    print(
        f"model {args.model}; {len(items)} MC items = {len(reqs)} requests; {len(texts)} rolling texts; "
        f"threads {args.threads}; max_length {args.max_length}; workloads {args.workloads or 'built-in'}"
    )

    models: dict[str, Any] = {}
    for side in ("llamacpp", "hf"):
        kw: dict[str, Any] = {"n_threads": args.threads} if side == "llamacpp" else {}
        m, t, _ = timed(
            lambda s=side, k=kw: sovaudit.load_model(
                f"{s}:{args.model}", cache=False, max_length=args.max_length, **k
            )
        )
        models[side] = m
        print(f"load {side:8s} {t:7.2f} s")

    best: dict[tuple[str, str], tuple[float, float]] = {}
    answers: dict[tuple[str, str], Any] = {}
    for _ in range(args.repeat):
        for side, m in models.items():
            for kind, fn, arg in (("mc", m.loglikelihood, reqs), ("rolling", m.loglikelihood_rolling, texts)):
                out, wall, cpu = timed(fn, arg)
                answers[side, kind] = out
                old = best.get((side, kind), (float("inf"), float("inf")))
                best[side, kind] = (min(wall, old[0]), min(cpu, old[1]))

    n_roll_tokens = sum(r.n_tokens for r in answers["hf", "rolling"])
    print("\n(wall | cpu)   llamacpp s         hf s     hf/llamacpp   units/s wall (llamacpp, hf)")
    for kind, units in (("mc", len(reqs)), ("rolling", n_roll_tokens)):
        (aw, ac), (bw, bc) = best["llamacpp", kind], best["hf", kind]
        print(
            f"{kind:8s} {aw:8.2f} | {ac:7.2f} {bw:7.2f} | {bc:7.2f} {bw / aw:6.2f} | {bc / ac:5.2f}"
            f"   ({units / aw:.1f}, {units / bw:.1f}) {'requests' if kind == 'mc' else 'tokens'}/s"
        )

    lc_mc, hf_mc = answers["llamacpp", "mc"], answers["hf", "mc"]
    c = compare([r.logprob for r in lc_mc], [r.logprob for r in hf_mc])
    greedy = sum(x.is_greedy == y.is_greedy for x, y in zip(lc_mc, hf_mc, strict=True)) / len(reqs)
    same_pick = sum(x == y for x, y in zip(chosen(items, lc_mc), chosen(items, hf_mc), strict=True)) / len(
        items
    )
    print(
        f"\nmc: max |d logprob| {c['max_abs']:.4f}, median {c['median_abs']:.4f}; total rel diff "
        f"{c['rel_total']:.3%}; worst request rel diff {c['max_rel_each']:.2%}; "
        f"is_greedy agree {greedy:.1%}; same answer chosen {same_pick:.1%}"
    )
    lc_r, hf_r = answers["llamacpp", "rolling"], answers["hf", "rolling"]
    assert [r.n_tokens for r in lc_r] == [r.n_tokens for r in hf_r], (
        "token counts differ: tokenisers disagree"
    )
    c = compare([r.logprob for r in lc_r], [r.logprob for r in hf_r])
    bits = {
        k: -sum(r.logprob for r in v) / n_roll_tokens / math.log(2) for k, v in (("lc", lc_r), ("hf", hf_r))
    }
    print(
        f"rolling: {n_roll_tokens} tokens; per-text rel diff max {c['max_rel_each']:.3%}; total rel diff "
        f"{c['rel_total']:.3%}; bits/token llamacpp {bits['lc']:.4f} hf {bits['hf']:.4f}"
    )


if __name__ == "__main__":
    main()
