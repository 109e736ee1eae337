"""The bias audit vs lm-evaluation-harness 0.4.13's ``bbq_multiple_choice`` task, side by side in one run.

Both score the same BBQ items (a local copy: the first ``--n`` items of each chosen shipped category;
default the first 50 of each of the 6 shipped categories = 300 items, ambiguous and disambiguated, both
polarities) with the same model folder (the embedded Gemma 3 270M, fp32, CPU). lm-eval runs its own task
definition (``lm_eval/tasks/bbq/bbq_multiple_choice.yaml`` + ``utils.py``: the 2 named answers + its 10
"unknown" phrasings as choices, ``{{context}}\n\nQ: {{question}}\nA:``) as one task per category pointed
at the local jsonl (its requests run together); sovaudit runs ``bias`` with ``unknown_variants`` (the same
12 continuations). Reported: the largest |difference| of per-answer log-likelihoods, whether the chosen
answers agree, whether the bias scores agree (the audit run again on lm-eval's chosen answers through
``--predictions``: every row column must equal the model run's), and wall and CPU seconds of each (model
loading excluded), with the load average and the CPU's SIMD flags.

``.venv/bin/python benchmarks/bias_vs_lm_eval.py [--n 50] [--category Age ...] [--batch-size 8]``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sovaudit.results import cpu_info

SHIPPED = (
    "Age",
    "Disability_status",
    "Nationality",
    "Physical_appearance",
    "Religion",
    "Sexual_orientation",
)


def bbq_items(categories: list[str], n: int, into: Path) -> dict[str, Path]:
    """The first ``n`` items of each shipped BBQ category, written as local ``data/<Category>.jsonl``."""
    from sovaudit.audits.bias.data import benchmark_folder

    folder, _ = benchmark_folder("bbq", None)
    out = {}
    for cat in categories:
        lines = (folder / "data" / f"{cat}.jsonl").read_text(encoding="utf-8").splitlines()[:n]
        path = into / "data" / f"{cat}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out[cat] = path
    return out


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def run_lm_eval(
    folder: Path, files: dict[str, Path], batch_size: int
) -> tuple[dict[tuple[str, str], dict[str, float]], dict[tuple[str, str], int], float, float]:
    """lm-eval's bbq task on the local copy, one task per category: per (category, example_id)
    {choice text: loglik}, chosen answer index (0-2), wall and CPU seconds."""
    from lm_eval import evaluator
    from lm_eval.models.huggingface import HFLM
    from lm_eval.tasks.bbq import utils

    lm = HFLM(pretrained=str(folder), device="cpu", dtype="float32", batch_size=batch_size)
    configs = [
        {
            "task": f"bbq_local_{cat}",
            "dataset_path": "json",
            "dataset_kwargs": {"data_files": {"test": str(path)}},
            "test_split": "test",
            "output_type": "multiple_choice",
            "process_docs": utils.process_docs,
            "process_results": utils.process_results_multiple_choice,
            "doc_to_text": "{{context}}\n\nQ: {{question}}\nA:",
            "doc_to_target": utils.doc_to_target,
            "doc_to_choice": utils.doc_to_choice,
            "metric_list": _metric_list(utils),
        }
        for cat, path in files.items()
    ]
    w0, c0 = _clock()
    res = evaluator.simple_evaluate(model=lm, tasks=configs, log_samples=True, verbosity="ERROR")
    w1, c1 = _clock()
    lls: dict[tuple[str, str], dict[str, float]] = {}
    chosen: dict[tuple[str, str], int] = {}
    for cat in files:
        for s in res["samples"][f"bbq_local_{cat}"]:
            doc = s["doc"]
            choices = utils.doc_to_choice(doc)
            vals = [float(r[0]) for r in s["filtered_resps"]]
            key = (str(doc["category"]), str(doc["example_id"]))
            lls[key] = dict(zip(choices, vals, strict=True))
            best = choices[max(range(len(vals)), key=lambda i: (vals[i], -i))]
            answers = [doc["ans0"], doc["ans1"], doc["ans2"]]
            unk = next(i for i in range(3) if doc["answer_info"][f"ans{i}"][1] == "unknown")
            named = best in answers and best not in utils.UNKNOWN_RESPONSES
            chosen[key] = answers.index(best) if named else unk
    return lls, chosen, w1 - w0, c1 - c0


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


def run_sovaudit(
    data_dir: Path, categories: list[str], out: Path, predictions: Path | None = None
) -> tuple[dict[str, Any], float, float]:
    """The bias audit on the same copy (model preloaded, no cache), or on given predictions: its
    document, wall and CPU seconds."""
    from sovaudit.audits.base import ModelRef
    from sovaudit.runner import RunOptions, _resources, run_audit

    ref = ModelRef(spec="gemma3-270m", cache=False)
    spec: dict[str, Any] = {
        "benchmarks": ("bbq",),
        "data": str(data_dir),
        "categories": tuple(categories),
        "bootstrap": 200,
    }
    if predictions is None:
        _resources().model(ref)  # load outside the timing, as HFLM above
        spec |= {"model": ref, "unknown_variants": True}
    else:
        spec["predictions"] = str(predictions)
    w0, c0 = _clock()
    doc, _ = run_audit("bias", spec, RunOptions(out=out))
    w1, c1 = _clock()
    return doc.model_dump(), w1 - w0, c1 - c0


def same_rows(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[str]:
    """Row columns that differ between two bias documents' rows (by category); [] when all equal."""
    by_cat = {r["category"]: r for r in b}
    diffs = []
    for r in a:
        other = by_cat.get(r["category"], {})
        diffs += [f"{r['category']}.{k}" for k, v in r.items() if other.get(k) != v]
    return diffs + [f"{c} missing" for c in by_cat.keys() - {r["category"] for r in a}]


def compare(n: int, categories: list[str] | tuple[str, ...], batch_size: int) -> dict[str, Any]:
    """Run both and compare; returns the numbers."""
    from sovaudit.audits.base import ModelRef
    from sovaudit.runner import _resources

    cats = list(categories)
    model: Any = _resources().model(ModelRef(spec="gemma3-270m", cache=False))  # run_sovaudit reuses it
    folder = model.folder
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        files = bbq_items(cats, n, Path(tmp))
        docs = {
            (str(d["category"]), str(d["example_id"])): d
            for p in files.values()
            for d in map(json.loads, p.read_text().splitlines())
        }
        doc, ours_s, ours_cpu = run_sovaudit(Path(tmp) / "data", cats, Path(tmp) / "out")
        lls, chosen, peer_s, peer_cpu = run_lm_eval(folder, files, batch_size)
        cat_of = {(d["category"], d["example_id"]) for d in doc["items"]}
        pred = Path(tmp) / "lm_eval_predictions.jsonl"
        pred.write_text(
            "".join(
                json.dumps({"category": c, "example_id": int(e), "prediction": p}) + "\n"
                for (c, e), p in chosen.items()
            ),
            encoding="utf-8",
        )
        given, _, _ = run_sovaudit(Path(tmp) / "data", cats, Path(tmp) / "out_pred", pred)
    from sovaudit.audits.bias.scoring import UNKNOWN_RESPONSES

    worst, agree, compared = 0.0, 0, 0
    for it in doc["items"]:
        key = (it["category"], it["example_id"])
        d, ref = docs[key], lls[key]
        texts = [d["ans0"], d["ans1"], d["ans2"]]
        extra = [u for u in UNKNOWN_RESPONSES if u not in texts]
        for text, lp in [
            *zip(texts, it["logprobs"], strict=True),
            *zip(extra, it.get("unknown_variant_logprobs") or [], strict=True),
        ]:
            if text in ref:
                worst = max(worst, abs(lp - ref[text]))
                compared += 1
        agree += it["prediction"] == chosen[key]
    return {
        "items": len(doc["items"]),
        "items_by_condition": {
            c: sum(it["condition"] == c for it in doc["items"]) for c in ("ambig", "disambig")
        },
        "categories": cats,
        "keys_match": cat_of == set(chosen),
        "logliks_compared": compared,
        "max_abs_loglik_diff": worst,
        "choices_agree": agree,
        "score_columns_differing": same_rows(doc["rows"], given["rows"]),
        "sovaudit_s": ours_s,
        "sovaudit_cpu_s": ours_cpu,
        "lm_eval_s": peer_s,
        "lm_eval_cpu_s": peer_cpu,
        "speedup_wall": peer_s / ours_s if ours_s else None,
        "speedup_cpu": peer_cpu / ours_cpu if ours_cpu else None,
        "rows": doc["rows"],
        "load_before_after": [load0, os.getloadavg()],
        "cpu": cpu_info(),  # model, SIMD flags, torch kernel level, kernel env vars
        "torch_threads": _threads(),
        "batch_size": batch_size,
    }


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="first N items of each category")
    ap.add_argument("--category", action="append", help=f"default: the shipped {', '.join(SHIPPED)}")
    ap.add_argument("--batch-size", type=int, default=8)
    a = ap.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    res = compare(a.n, a.category or list(SHIPPED), a.batch_size)
    print(json.dumps(res, indent=1, default=str))


if __name__ == "__main__":
    main()
