"""The scoring engine (``hf`` backend) vs lm-evaluation-harness 0.4.13 ``HFLM``, side by side in one run.

Same model folder for both: the safetensors conversion of the embedded Gemma 3 270M (fp32, CPU), made by
``sovaudit.load_model("gemma3-270m")``. The answer cache is off. Three measurements:

- (a) multiple choice, multi-token answers sharing contexts (``--mc`` items x 3 answers): lm-eval at each
  of ``--lm-eval-batches`` (its best counts) vs the engine before (the KV-cache path, ``pack_tokens=0``)
  and after (the packed path, :mod:`sovaudit.models.packing`), interleaved ``--repeat`` times, then
  lm-eval at batch 1 (its reference answers). Target: >= 4x lm-eval's best, every logprob within 1e-4 of
  lm-eval's batch 1, is_greedy equal. The CPU's SIMD flags and torch's kernel level are printed: run it
  natively and under ``ATEN_CPU_CAPABILITY=avx2`` (an AVX2-only CPU's kernels) to compare; ``--threads 1``
  keeps CPU seconds comparable on a machine shared with other jobs (2 threads wait on each other there).
- (b) rolling log-likelihood of whole UDHR texts (``--rolling`` texts): lm-eval batch 1 vs the engine.
  Like with like: lm-eval runs with ``add_bos_token=False``, so both score ``[<bos>] + tokens(text)`` with
  every text token predicted (lm-eval's default would add a second ``<bos>`` for Gemma and score
  ``log p(<bos>|<bos>)``). Target: >= 1.2x, totals within 1e-4 relative.
- (c) the engine's tokens/s on the competence workload (UDHR segments, each a rolling request) vs a bare
  batched forward loop over the same token sequences (sorted by length, batches of ``--bare-batch``,
  ``model(ids).logits`` -> log-softmax -> gather; the least any scorer must compute when every position is
  scored). Target: >= 70%.

Workloads: the lm-eval reference workload file when present (``--workloads``; BBQ Age items, whole UDHR
texts), else built from the ``udhr`` asset (contexts: UDHR sentences + a question; answers: three phrases).
Times are wall seconds and CPU seconds of this process (all threads); the machine may be shared, so ratios
of CPU seconds are printed too, and (b) alternates the two sides ``--repeat`` times and keeps each side's
best. Run:
``.venv/bin/python benchmarks/engine_vs_lm_eval.py [--mc 100] [--rolling 3] [--segments-langs 4]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Any

import torch

import sovaudit
from sovaudit.models.hf import HFModel
from sovaudit.results import cpu_info

REFERENCE = Path("/work/shared/data/lm-eval-reference/workloads.json")
LANGS = ("eng", "fra", "swh", "hin", "rus", "arb", "cmn_hans", "spa")


def builtin_workload() -> dict[str, Any]:
    """MC items and whole texts from the UDHR asset (used when no reference workload file is present)."""
    from sovaudit.corpora import load_corpus

    corpus = load_corpus("udhr")
    eng = corpus.segments("eng")
    answers = [" The person in the first sentence", " Nobody at all", " It cannot be determined"]
    mc = []
    for i, seg in enumerate(eng * 10):
        question = ["Who is protected here?", "Whose right is this?", "Who may claim it?"][i % 3]
        mc.append({"id": i, "context": f"{seg.split('.')[0]}. {question}\nAnswer:", "continuations": answers})
    rolling = [{"lang": x, "text": "\n".join(corpus.segments(x))} for x in LANGS if corpus.has(x)]
    return {"mc": mc, "rolling": rolling}


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float, float]:
    """Result, wall seconds, CPU seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0, time.process_time() - c0


def lm_eval_model(folder: Path, batch_size: int, add_bos_token: bool | None = None) -> Any:
    """lm-eval's HFLM on the folder, fp32 CPU."""
    from lm_eval.models.huggingface import HFLM

    kwargs: dict[str, Any] = {}
    if add_bos_token is not None:
        kwargs["add_bos_token"] = add_bos_token
    return HFLM(pretrained=str(folder), device="cpu", dtype="float32", batch_size=batch_size, **kwargs)


def lm_eval_ll(lm: Any, pairs: list[tuple[str, str]]) -> list[tuple[float, bool]]:
    from lm_eval.api.instance import Instance

    reqs = [Instance("loglikelihood", {}, pair, i) for i, pair in enumerate(pairs)]
    return [(float(a), bool(b)) for a, b in lm.loglikelihood(reqs, disable_tqdm=True)]


def lm_eval_rolling(lm: Any, texts: list[str]) -> list[float]:
    from lm_eval.api.instance import Instance

    reqs = [Instance("loglikelihood_rolling", {}, (t,), i) for i, t in enumerate(texts)]
    return [float(x) for x in lm.loglikelihood_rolling(reqs, disable_tqdm=True)]


def bare_loop(model: HFModel, seqs: list[list[int]], batch: int) -> float:
    """Sum of log p over every position after the first: full forward, full logits, batched right-padded."""
    order = sorted(range(len(seqs)), key=lambda k: -len(seqs[k]))
    total = 0.0
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            chunk = [seqs[k] for k in order[i : i + batch]]
            width = len(chunk[0])
            ids = torch.zeros((len(chunk), width), dtype=torch.long)
            for r, s in enumerate(chunk):
                ids[r, : len(s)] = torch.tensor(s)
            logits = model.model(ids).logits
            lsm = torch.log_softmax(logits[:, :-1].float(), dim=-1)
            got = lsm.gather(2, ids[:, 1:, None])[:, :, 0]
            for r, s in enumerate(chunk):
                total += float(got[r, : len(s) - 1].sum())
            del logits, lsm
    return total


def report(name: str, peer: tuple[float, float], ours: tuple[float, float], target: float) -> dict[str, Any]:
    wall, cpu = peer[0] / ours[0], peer[1] / max(ours[1], 1e-9)
    ok = "MEETS" if wall >= target else "BELOW"
    print(f"  {name}: peer {peer[0]:.1f}s wall / {peer[1]:.1f}s cpu; engine {ours[0]:.1f}s / {ours[1]:.1f}s")
    print(f"  speed ratio (peer / engine): wall {wall:.2f}x, cpu {cpu:.2f}x  [target >= {target}x: {ok}]")
    return {"peer_wall": peer[0], "peer_cpu": peer[1], "wall": ours[0], "cpu": ours[1], "ratio_wall": wall,
            "ratio_cpu": cpu}  # fmt: skip


def part_a(
    engine_model: HFModel,
    folder: Path,
    pairs: list[tuple[str, str]],
    batches: list[int],
    repeat: int,
    batch1: bool = True,
) -> dict[str, Any]:
    """lm-eval at each batch size vs the engine before (KV-cache path, ``pack_tokens=0``) and after
    (packed path), interleaved ``repeat`` times; each side's best time; lm-eval batch 1 as the reference
    (``batch1=False``: lm-eval's answers at ``batches[0]``)."""
    engine = engine_model.engine
    after = engine.limits
    before = dataclasses.replace(after, pack_tokens=0)
    lm = lm_eval_model(folder, 1)  # one HFLM; its batch size is switched per run (HFLM.batch_size_per_gpu)
    times: dict[str, list[tuple[float, float]]] = {}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for b in batches:
            lm.batch_size_per_gpu = b
            results[f"lm-eval batch {b}"], w, c = timed(lm_eval_ll, lm, pairs)
            times.setdefault(f"lm-eval batch {b}", []).append((w, c))
        for name, limits in (("engine before (KV cache)", before), ("engine after (packed)", after)):
            engine.limits = limits
            results[name], w, c = timed(engine_model.loglikelihood, pairs)
            times.setdefault(name, []).append((w, c))
    engine.limits = after
    ref_name = "lm-eval batch 1"
    if batch1:
        lm.batch_size_per_gpu = 1
        ref, w1, c1 = timed(lm_eval_ll, lm, pairs)
        print(f"  lm-eval batch 1 (reference answers): {w1:.1f}s wall / {c1:.1f}s cpu")
    else:
        ref_name = f"lm-eval batch {batches[0]}"
        ref = results[ref_name]
    del lm
    for name, ts in times.items():
        print(f"  {name}: wall {[round(t[0], 1) for t in ts]} s, cpu {[round(t[1], 1) for t in ts]} s")
    peer_name = min((k for k in times if k.startswith("lm-eval")), key=lambda k: min(times[k]))
    peer = min(times[peer_name])
    out: dict[str, Any] = {"requests": len(pairs), "best_lm_eval": peer_name, "runs": times}
    for name in ("engine before (KV cache)", "engine after (packed)"):
        print(f"  {name} vs best lm-eval ({peer_name}), best times:")
        out[name] = report(peer_name, peer, min(times[name]), 4.0)
        per_rep = [  # ratio within each repetition (same load), lm-eval's best size of that repetition
            min(times[k][r][0] for k in times if k.startswith("lm-eval")) / times[name][r][0]
            for r in range(repeat)
        ]
        diff = max(abs(o.logprob - r[0]) for o, r in zip(results[name], ref, strict=True))
        greedy = sum(o.is_greedy == r[1] for o, r in zip(results[name], ref, strict=True))
        out[name] |= {
            "ratio_wall_per_repeat": per_rep,
            "diff_reference": ref_name,
            "max_abs_diff_vs_lm_eval": diff,
            "greedy_agree": greedy,
        }
        print(f"  per repetition: {', '.join(f'{x:.2f}x' for x in per_rep)};"
              f" max |logprob - {ref_name}| = {diff:.2e} [<= 1e-4: {'OK' if diff <= 1e-4 else 'FAIL'}];"
              f" is_greedy equal {greedy}/{len(pairs)}")  # fmt: skip
    b, a = min(times["engine before (KV cache)"]), min(times["engine after (packed)"])
    print(f"  engine after / before: {b[0] / a[0]:.2f}x wall, {b[1] / max(a[1], 1e-9):.2f}x cpu")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="gemma3-270m")
    ap.add_argument("--workloads", type=Path, default=REFERENCE)
    ap.add_argument("--mc", type=int, default=100, help="multiple-choice items (x3 requests)")
    ap.add_argument("--rolling", type=int, default=3, help="whole UDHR texts for (b)")
    ap.add_argument("--segments-langs", type=int, default=4, help="UDHR languages whose segments make (c)")
    ap.add_argument("--bare-batch", type=int, default=8)
    ap.add_argument("--parts", default="abc")
    ap.add_argument(
        "--repeat", type=int, default=2, help="(a), (b): alternate the sides this often, keep the best"
    )
    ap.add_argument("--lm-eval-batches", default="8,16", help="(a): lm-eval batch sizes; the best counts")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument(
        "--no-batch1",
        action="store_true",
        help="(a): skip lm-eval batch 1; compare with its first batch size",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args()
    os.environ.setdefault("SOVAUDIT_QUIET", "1")
    if args.threads:  # one thread: CPU seconds stay comparable on a machine shared with other jobs
        torch.set_num_threads(args.threads)

    work = json.loads(args.workloads.read_text()) if args.workloads.is_file() else builtin_workload()
    source = str(args.workloads) if args.workloads.is_file() else "built-in (udhr asset)"
    engine_model = sovaudit.load_model(args.model, cache=False)
    assert isinstance(engine_model, HFModel)
    folder = engine_model.folder
    print(f"model folder: {folder} (fp32, CPU, torch threads {torch.get_num_threads()}); workload: {source}")
    cpu = cpu_info()  # CPU model, SIMD flags, torch's kernel level (ATEN_CPU_CAPABILITY lowers it)
    print("cpu: " + "; ".join(f"{k}={v}" for k, v in cpu.items()))
    out: dict[str, Any] = {"model": args.model, "folder": str(folder), "workload": source, "cpu": cpu}

    if "a" in args.parts:
        items = work["mc"][: args.mc]
        pairs = [(it["context"], c) for it in items for c in it["continuations"]]
        print(f"(a) multiple choice: {len(items)} items, {len(pairs)} requests")
        batches = [int(b) for b in args.lm_eval_batches.split(",")]
        out["a"] = part_a(engine_model, folder, pairs, batches, args.repeat, not args.no_batch1)

    if "b" in args.parts:
        texts = [t["text"] for t in work["rolling"][: args.rolling]]
        n_tok = sum(len(engine_model.encode(t, specials=False)) for t in texts)
        print(f"(b) rolling: {len(texts)} whole UDHR texts, {n_tok} tokens")
        lm1 = lm_eval_model(folder, 1, add_bos_token=False)
        peer_t, ours_t = [], []
        for _ in range(args.repeat):  # alternate the two sides; keep each side's best time
            ref_r, w1, c1 = timed(lm_eval_rolling, lm1, texts)
            ours_r, w, c = timed(engine_model.loglikelihood_rolling, texts)
            peer_t.append((w1, c1))
            ours_t.append((w, c))
        del lm1
        (w1, c1), (w, c) = min(peer_t), min(ours_t)
        if args.repeat > 1:
            print(
                f"  runs (wall s): lm-eval {[round(x[0], 1) for x in peer_t]},"
                f" engine {[round(x[0], 1) for x in ours_t]}"
            )
        rel = max(abs(o.logprob - r) / abs(r) for o, r in zip(ours_r, ref_r, strict=True))
        out["b"] = report("vs lm-eval batch 1", (w1, c1), (w, c), 1.2) | {
            "max_rel_diff": rel,
            "tokens": n_tok,
        }
        print(f"  max relative |total - lm-eval| = {rel:.2e}")

    if "c" in args.parts:
        from sovaudit.corpora import load_corpus

        corpus = load_corpus("udhr")
        langs = [x for x in LANGS if corpus.has(x)][: args.segments_langs]
        segs = [s for x in langs for s in corpus.segments(x)]
        tok = [engine_model.encode(s, specials=False) for s in segs]
        seqs = [[engine_model.prefix_token, *t] for t in tok]
        n = sum(len(t) for t in tok)
        print(f"(c) competence workload: {len(segs)} UDHR segments of {', '.join(langs)}, {n} scored tokens")
        bare, wb, cb = timed(bare_loop, engine_model, seqs, args.bare_batch)
        ours_c, w, c = timed(engine_model.loglikelihood_rolling, segs)
        total = sum(r.logprob for r in ours_c)
        print(f"  bare loop (batch {args.bare_batch}): {n / wb:.0f} tok/s wall, {n / cb:.0f} tok/s cpu;"
              f" engine: {n / w:.0f} tok/s wall, {n / c:.0f} tok/s cpu")  # fmt: skip
        frac, frac_cpu = wb / w, cb / max(c, 1e-9)
        ok = "MEETS" if frac >= 0.7 else "BELOW"
        print(f"  engine / bare: wall {frac:.0%}, cpu {frac_cpu:.0%} [target >= 70%: {ok}];"
              f" totals differ by {abs(total - bare) / abs(bare):.1e} relative")  # fmt: skip
        out["c"] = {"tokens": n, "bare_wall": wb, "bare_cpu": cb, "wall": w, "cpu": c, "fraction_wall": frac,
                    "fraction_cpu": frac_cpu}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
