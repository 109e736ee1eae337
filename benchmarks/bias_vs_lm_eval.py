"""The bias audit vs lm-evaluation-harness 0.4.13's ``bbq`` multiple-choice task, side by side in one run.

Both score the same BBQ items (a local copy: the first N items of a shipped category) with the same model
folder (the embedded Gemma 3 270M, fp32, CPU). lm-eval runs its own task definition
(``lm_eval/tasks/bbq/bbq_multiple_choice.yaml`` + ``utils.py``: 2 named answers + its 10 "unknown"
phrasings as choices) pointed at the local jsonl; sovaudit runs ``bias`` with ``unknown_variants`` (the
same 12 continuations). Reported: the largest |difference| of per-answer log-likelihoods, whether the chosen
answers agree, and wall time of each (model loading excluded).

``.venv/bin/python benchmarks/bias_vs_lm_eval.py [--n 100] [--category Age] [--batch-size 8]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any


def bbq_items(category: str, n: int, into: Path) -> Path:
    """The first ``n`` items of a shipped BBQ category, written as a local jsonl copy."""
    from sovaudit.audits.bias.data import benchmark_folder

    folder, _ = benchmark_folder("bbq", None)
    lines = (folder / "data" / f"{category}.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    path = into / "data" / f"{category}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_lm_eval(
    folder: Path, jsonl: Path, batch_size: int
) -> tuple[dict[str, dict[str, float]], dict[str, int], float]:
    """lm-eval's bbq task on the local copy: per item {choice text: loglik}, chosen index (0-2), seconds."""
    from lm_eval import evaluator
    from lm_eval.models.huggingface import HFLM
    from lm_eval.tasks.bbq import utils

    lm = HFLM(pretrained=str(folder), device="cpu", dtype="float32", batch_size=batch_size)
    config = {
        "task": "bbq_local",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(jsonl)}},
        "test_split": "test",
        "output_type": "multiple_choice",
        "process_docs": utils.process_docs,
        "process_results": utils.process_results_multiple_choice,
        "doc_to_text": "{{context}}\n\nQ: {{question}}\nA:",
        "doc_to_target": utils.doc_to_target,
        "doc_to_choice": utils.doc_to_choice,
        "metric_list": _metric_list(utils),
    }
    t0 = time.perf_counter()
    res = evaluator.simple_evaluate(model=lm, tasks=[config], log_samples=True, verbosity="ERROR")
    seconds = time.perf_counter() - t0
    lls: dict[str, dict[str, float]] = {}
    chosen: dict[str, int] = {}
    for s in res["samples"]["bbq_local"]:
        doc = s["doc"]
        choices = utils.doc_to_choice(doc)
        vals = [float(r[0]) for r in s["filtered_resps"]]
        key = str(doc["example_id"])
        lls[key] = dict(zip(choices, vals, strict=True))
        best = choices[max(range(len(vals)), key=lambda i: (vals[i], -i))]
        answers = [doc["ans0"], doc["ans1"], doc["ans2"]]
        unk = next(i for i in range(3) if doc["answer_info"][f"ans{i}"][1] == "unknown")
        chosen[key] = answers.index(best) if best in answers and best not in utils.UNKNOWN_RESPONSES else unk
    return lls, chosen, seconds


def _metric_list(utils: Any) -> list[dict[str, Any]]:
    """The metric_list of bbq_multiple_choice.yaml (each key process_results returns needs an aggregation)."""
    from sovaudit.audits.bias.bbq import BBQ_CATEGORIES

    agg = {
        "accuracy_amb": utils.agg_accuracy_amb,
        "accuracy_disamb": utils.agg_accuracy_disamb,
        "amb_bias_score": utils.agg_amb_bias_scores,
        "disamb_bias_score": utils.agg_disamb_bias_scores,
    }
    for c in BBQ_CATEGORIES:
        agg[f"amb_bias_score_{c}"] = utils.agg_amb_bias_scores
        agg[f"disamb_bias_score_{c}"] = utils.agg_disamb_bias_scores
    out: list[dict[str, Any]] = [{"metric": "acc", "aggregation": "mean", "higher_is_better": True}]
    return out + [{"metric": k, "aggregation": f, "higher_is_better": False} for k, f in agg.items()]


def run_sovaudit(data_dir: Path, category: str, out: Path) -> tuple[dict[str, Any], float]:
    """The bias audit on the same copy (model preloaded, no cache): its document and seconds."""
    from sovaudit.audits.base import ModelRef
    from sovaudit.runner import RunOptions, _resources, run_audit

    ref = ModelRef(spec="gemma3-270m", cache=False)
    _resources().model(ref)  # load outside the timing, as HFLM above
    spec = {
        "model": ref,
        "benchmarks": ("bbq",),
        "data": str(data_dir),
        "categories": (category,),
        "unknown_variants": True,
        "bootstrap": 200,
    }
    t0 = time.perf_counter()
    doc, _ = run_audit("bias", spec, RunOptions(out=out))
    return doc.model_dump(), time.perf_counter() - t0


def compare(n: int, category: str, batch_size: int) -> dict[str, Any]:
    """Run both and compare; returns the numbers."""
    from sovaudit.models.loading import load_model

    folder = load_model("gemma3-270m", cache=False).folder  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = bbq_items(category, n, Path(tmp))
        docs = {str(d["example_id"]): d for d in map(json.loads, jsonl.read_text().splitlines())}
        doc, ours_s = run_sovaudit(jsonl.parent, category, Path(tmp) / "out")
        lls, chosen, peer_s = run_lm_eval(folder, jsonl, batch_size)
    from sovaudit.audits.bias.scoring import UNKNOWN_RESPONSES

    worst, agree, compared = 0.0, 0, 0
    for it in doc["items"]:
        d, ref = docs[it["example_id"]], lls[it["example_id"]]
        texts = [d["ans0"], d["ans1"], d["ans2"]]
        extra = [u for u in UNKNOWN_RESPONSES if u not in texts]
        for text, lp in [
            *zip(texts, it["logprobs"], strict=True),
            *zip(extra, it.get("unknown_variant_logprobs") or [], strict=True),
        ]:
            if text in ref:
                worst = max(worst, abs(lp - ref[text]))
                compared += 1
        agree += it["prediction"] == chosen[it["example_id"]]
    return {
        "items": len(doc["items"]),
        "logliks_compared": compared,
        "max_abs_loglik_diff": worst,
        "choices_agree": agree,
        "sovaudit_s": ours_s,
        "lm_eval_s": peer_s,
        "speedup": peer_s / ours_s if ours_s else None,
        "rows": doc["rows"],
        "cpu": platform.processor() or platform.machine(),
        "cpu_flags": _flags(),
        "torch_threads": _threads(),
        "batch_size": batch_size,
    }


def _flags() -> list[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []
    )
    return [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_tile") if f in flags]


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--category", default="Age")
    ap.add_argument("--batch-size", type=int, default=8)
    a = ap.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    print(json.dumps(compare(a.n, a.category, a.batch_size), indent=1, default=str))


if __name__ == "__main__":
    main()
