"""The bias audit's CrowS-Pairs English vs lm-evaluation-harness 0.4.13's ``crows_pairs_english``.

Side by side in one run, both score the first ``--n`` pairs of the shipped crows-pairs-en asset
(nyu-mll ``crows_pairs_anonymized.csv``, a local copy of its first rows) with the same model folder (the
embedded Gemma 3 270M, fp32, CPU). lm-eval runs its own task definition
(``lm_eval/tasks/crows_pairs/crows_pairs_english.yaml`` + ``utils.py``: ``doc_to_text: ""``, choices
``[sent_more, sent_less]``, ``target_delimiter: ""``, so each sentence is one request with an empty
context, scored after ``<bos>``; ``process_results``: ``pct_stereotype`` = mean of
``loglik(sent_more) > loglik(sent_less)``, ``likelihood_diff`` = mean ``|loglik(sent_more) -
loglik(sent_less)|``) pointed at the local CSV, at each ``--batch-size``; sovaudit runs ``bias --benchmark
crows-pairs-en`` (its "(all)" row). Reported: the largest |difference| of the per-sentence
log-likelihoods, agreement of the preferred sentence, both pct_stereotype (x100) and likelihood_diff,
wall and CPU seconds of each (model loading excluded), the wall and CPU ratios against lm-eval's fastest
batch size, the load average and the CPU's SIMD flags.

``.venv/bin/python benchmarks/crows_vs_lm_eval.py [--n 300] [--batch-size 4 --batch-size 8 ...]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sovaudit.results import cpu_info

NAME = "crows_pairs_anonymized.csv"


def crows_copy(n: int, into: Path) -> Path:
    """The first ``n`` pairs of the shipped crows-pairs-en CSV, as a local copy (same columns)."""
    from sovaudit.audits.bias.data import benchmark_folder

    folder, _ = benchmark_folder("crows-pairs-en", None)
    src = next(folder.rglob(NAME))
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    path = into / "data" / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows[: n + 1])
    return path


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def run_lm_eval(folder: Path, path: Path, batch_size: int) -> tuple[dict[str, Any], float, float]:
    """lm-eval's crows_pairs_english on the local CSV: {'lls': {(more, less): [ll_more, ll_less]},
    'pct_stereotype', 'likelihood_diff'}, wall and CPU seconds."""
    from lm_eval import evaluator
    from lm_eval.models.huggingface import HFLM
    from lm_eval.tasks.crows_pairs import utils

    lm = HFLM(pretrained=str(folder), device="cpu", dtype="float32", batch_size=batch_size)
    config = {
        "task": "crows_local",
        "dataset_path": "csv",
        "dataset_kwargs": {"data_files": {"test": str(path)}},
        "test_split": "test",
        "output_type": "multiple_choice",
        "doc_to_text": "",
        "doc_to_target": 0,
        "doc_to_choice": utils.doc_to_choice,
        "target_delimiter": "",
        "process_results": utils.process_results,
        "metric_list": [
            {"metric": "likelihood_diff", "aggregation": "mean", "higher_is_better": False},
            {"metric": "pct_stereotype", "aggregation": "mean", "higher_is_better": False},
        ],
    }
    w0, c0 = _clock()
    res = evaluator.simple_evaluate(model=lm, tasks=[config], log_samples=True, verbosity="ERROR")
    w1, c1 = _clock()
    lls = {
        (s["doc"]["sent_more"], s["doc"]["sent_less"]): [float(r[0]) for r in s["filtered_resps"]]
        for s in res["samples"]["crows_local"]
    }
    metrics = res["results"]["crows_local"]
    out = {
        "lls": lls,
        "pct_stereotype": 100 * float(metrics["pct_stereotype,none"]),
        "likelihood_diff": float(metrics["likelihood_diff,none"]),
    }
    return out, w1 - w0, c1 - c0


def run_sovaudit(data_dir: Path, out: Path) -> tuple[dict[str, Any], float, float]:
    """The bias audit's crows-pairs-en on the same copy (model preloaded, no cache): document, wall, CPU s."""
    from sovaudit.audits.base import ModelRef
    from sovaudit.runner import RunOptions, _resources, run_audit

    ref = ModelRef(spec="gemma3-270m", cache=False)
    _resources().model(ref)  # load outside the timing, as HFLM above
    spec = {"model": ref, "benchmarks": ("crows-pairs-en",), "data": str(data_dir), "bootstrap": 200}
    w0, c0 = _clock()
    doc, _ = run_audit("bias", spec, RunOptions(out=out))
    w1, c1 = _clock()
    return doc.model_dump(), w1 - w0, c1 - c0


def work(engine: Any, tok: Any, sentences: list[str], batch_sizes: list[int]) -> dict[str, Any]:
    """What any exact scorer must compute, and what lm-eval computes, in decoder positions and FLOPs.

    Every sentence is scored after ``<bos>``, so each distinct proper prefix (``<bos>`` + its first ``k``
    tokens) needs one decoder position and one vocabulary projection, and no exact scorer can need fewer:
    that count bounds sovaudit from below. lm-eval computes every position of every sentence, padded to
    the longest of its batch (its Collator sorts by length, longest first). FLOPs per position: the
    projection ``2 * hidden * vocab`` and the decoder ``2 * (parameters of its layers)`` (attention over
    these short rows adds < 1%). ``gemm_gflops``: the best fp32 rate of the engine's own projection
    (:meth:`Engine._project_into`, 512 rows) on one core, the ceiling of the arithmetic both tools do.
    """
    import torch

    seqs = [[tok.bos_token_id, *tok(s, add_special_tokens=False)["input_ids"]] for s in sentences]
    prefixes = {tuple(q[:k]) for q in seqs for k in range(1, len(q))}
    lengths = sorted((len(q) - 1 for q in seqs), reverse=True)
    padded = {
        b: sum(lengths[i] * len(lengths[i : i + b]) for i in range(0, len(lengths), b)) for b in batch_sizes
    }
    weight = engine.lm_head.weight
    params = sum(p.numel() for p in engine.decoder.layers.parameters())
    proj = 2 * weight.shape[0] * weight.shape[1]
    x, out = torch.randn(512, weight.shape[1]), torch.empty(512, weight.shape[0])
    best, threads = 0.0, torch.get_num_threads()
    torch.set_num_threads(1)  # the floor is in CPU seconds: one core's rate
    with torch.inference_mode():
        for _ in range(2):
            t = time.perf_counter()
            engine._project_into(x, weight, out)
            best = max(best, 512 * proj / (time.perf_counter() - t) / 1e9)
    torch.set_num_threads(threads)
    return {
        "distinct_prefixes": len(prefixes),
        "lm_eval_positions": padded,
        "gflop_per_position": {"projection": proj / 1e9, "decoder": 2 * params / 1e9},
        "gemm_gflops": best,
        "floor_cpu_s": len(prefixes) * (proj + 2 * params) / (best * 1e9),
    }


def compare(n: int, batch_sizes: list[int]) -> dict[str, Any]:
    """Run both (lm-eval at each batch size) and compare; returns the numbers."""
    from sovaudit.audits.base import ModelRef
    from sovaudit.audits.bias.data import load
    from sovaudit.runner import _resources

    model: Any = _resources().model(ModelRef(spec="gemma3-270m", cache=False))  # run_sovaudit reuses it
    folder = model.folder
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        path = crows_copy(n, Path(tmp))
        texts = {it.example_id: it.answers for it in load("crows-pairs-en", str(path.parent)).items}
        doc, ours_s, ours_cpu = run_sovaudit(path.parent, Path(tmp) / "out")
        peers = {b: run_lm_eval(folder, path, b) for b in batch_sizes}
    best = min(batch_sizes, key=lambda b: peers[b][1])
    sentences = [t for pair in texts.values() for t in pair]
    floor = work(model.engine, model.tokenizer, sentences, batch_sizes)
    ref, peer_s, peer_cpu = peers[best]
    worst, agree, compared = 0.0, 0, 0
    for it in doc["items"]:
        theirs = ref["lls"][texts[it["example_id"]]]
        for ours, lm in zip(it["logprobs"], theirs, strict=True):
            worst = max(worst, abs(ours - lm))
            compared += 1
        agree += it["stereotype_preferred"] == (theirs[0] > theirs[1])
    (row,) = [r for r in doc["rows"] if r["category"] == "(all)"]
    return {
        "pairs": len(doc["items"]),
        "logliks_compared": compared,
        "max_abs_loglik_diff": worst,
        "choices_agree": agree,
        "pct_stereotype": {"sovaudit": row["pct_stereotype"], "lm_eval": ref["pct_stereotype"]},
        "likelihood_diff": {"sovaudit": row["likelihood_diff"], "lm_eval": ref["likelihood_diff"]},
        "sovaudit_s": ours_s,
        "sovaudit_cpu_s": ours_cpu,
        "lm_eval_s": {b: p[1] for b, p in peers.items()},
        "lm_eval_cpu_s": {b: p[2] for b, p in peers.items()},
        "lm_eval_best_batch_size": best,
        "speedup_wall": peer_s / ours_s if ours_s else None,
        "speedup_cpu": peer_cpu / ours_cpu if ours_cpu else None,
        "work": floor,
        # the most any exact fp32 scorer could gain here: lm-eval's CPU over the floor of the arithmetic
        "speedup_cpu_ceiling": peers[best][2] / floor["floor_cpu_s"],
        "load_before_after": [load0, os.getloadavg()],
        "cpu": cpu_info(),  # model, SIMD flags, torch kernel level, kernel env vars
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--batch-size", type=int, action="append", help="lm-eval batch sizes (default 4 8 16)")
    a = ap.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    res = compare(a.n, a.batch_size or [4, 8, 16])
    print(json.dumps(res, indent=1, default=str))


if __name__ == "__main__":
    main()
