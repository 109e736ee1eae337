"""Multiple-choice culture benchmarks (Global-MMLU, INCLUDE, CulturalBench): plan, score, reduce.

Each item is one prompt (question, lettered options, ``Answer:``) whose option letters are scored in one
loglikelihood call (they share the context); the highest is the model's choice (zero-shot, as
lm-evaluation-harness's MMLU-style tasks score letters). CulturalBench-Hard items are true/false
judgements of one option each, with ``True`` / ``False`` as the two continuations; a question counts as
right only when all its judgements are (the dataset card: accuracy "at question level, per question_idx").

Rows: per language (Global-MMLU, INCLUDE) or per country (CulturalBench) and group (Global-MMLU: CS =
culturally sensitive, CA = culturally agnostic; INCLUDE: regional feature), plus ``all``. Global-MMLU's
summary gives each language's CS minus CA accuracy with a bootstrap interval (items resampled jointly,
the same metric function on each resample).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import SovauditError
from ...stats import bootstrap, mean_metric, point
from .mc_readers import LETTERS, MCItem, read_culturalbench, read_global_mmlu, read_include

PER_UNIT = 200
MC_BENCHMARKS = ("global-mmlu", "include", "culturalbench-easy", "culturalbench-hard")


def read_items(benchmark: str, data: str | None, languages: Sequence[str]) -> list[MCItem]:
    """The items of a benchmark from the user's copy (``languages``: only these sub-folders, if given)."""
    if not data:
        raise SovauditError(
            f"{benchmark} is not shipped with sovaudit (it is on a model hub)",
            "download it where you can and pass its folder with --data",
        )
    root = Path(data)
    if benchmark.startswith("culturalbench"):
        return read_culturalbench(root, benchmark.split("-")[1])
    reader = read_global_mmlu if benchmark == "global-mmlu" else read_include
    if not languages:
        return reader(root)
    return [it for lang in languages for it in reader(root, lang)]


def prompt(item: MCItem, benchmark: str) -> str:
    """The zero-shot prompt of an item."""
    if benchmark == "culturalbench-hard":
        return f"Question: {item.question}\nIs this answer true or false for this question?\nAnswer:"
    opts = "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(item.options))
    return f"Question: {item.question}\n{opts}\nAnswer:"


def continuations(item: MCItem, benchmark: str) -> list[str]:
    """What is scored after the prompt, in option order."""
    if benchmark == "culturalbench-hard":
        return [" True", " False"]
    return [f" {LETTERS[i]}" for i in range(len(item.options))]


def score_items(items: Sequence[MCItem], benchmark: str, model: Any) -> list[dict[str, Any]]:
    """One loglikelihood call for the unit; each item's continuations share its prompt."""
    reqs = [(prompt(it, benchmark), c) for it in items for c in continuations(it, benchmark)]
    res = model.loglikelihood(reqs) if reqs else []
    logs, k = [], 0
    for it in items:
        n = len(continuations(it, benchmark))
        lps = [float(r.logprob) for r in res[k : k + n]]
        k += n
        pick = int(np.argmax(lps))
        logs.append({**it.to_dict(), "pick": pick, "correct": int(pick == it.answer), "logprobs": lps})
    return logs


def _question_level(logs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """CulturalBench-Hard: one entry per question_idx, right only when all its judgements are."""
    by: dict[str, dict[str, Any]] = {}
    for e in logs:
        q = by.setdefault(e["group"], {**e, "id": e["group"], "group": "", "correct": 1})
        q["correct"] = int(q["correct"] and e["correct"])
    return list(by.values())


def _cs_minus_ca(sums: np.ndarray) -> Any:
    """CS accuracy minus CA accuracy from summed ``[CS right, CS items, CA right, CA items]``."""
    return sums[..., 0] / sums[..., 1] - sums[..., 2] / sums[..., 3]


def reduce_mc(logs: Sequence[dict[str, Any]], benchmark: str, n_boot: int, seed: int) -> tuple[list, dict]:
    """Rows and summary of a multiple-choice benchmark run."""
    entries = _question_level(logs) if benchmark == "culturalbench-hard" else list(logs)
    key = "country" if benchmark.startswith("culturalbench") else "language"
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in entries:
        groups.setdefault((e[key], "all"), []).append(e)
        if e["group"]:
            groups.setdefault((e[key], e["group"]), []).append(e)
    rows = []
    for (who, group), es in sorted(groups.items()):
        stats = np.array([[e["correct"], 1.0] for e in es], dtype=float)
        ci = bootstrap(stats, mean_metric, n_boot, seed)
        rows.append(
            {
                "benchmark": benchmark,
                "country": who if key == "country" else "",
                "language": who if key == "language" else "en",
                "group": group,
                "score": point(stats, mean_metric),
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "n_questions": len(es),
                "idk_rate": None,
            }
        )
    summary: dict[str, Any] = {"benchmark": benchmark}
    if benchmark == "global-mmlu":
        gaps = {}
        for lang in sorted({e["language"] for e in entries}):
            es = [e for e in entries if e["language"] == lang and e["group"] in ("CS", "CA")]
            stats = np.array(
                [
                    [
                        e["correct"] * (e["group"] == "CS"),
                        e["group"] == "CS",
                        e["correct"] * (e["group"] == "CA"),
                        e["group"] == "CA",
                    ]
                    for e in es
                ],
                dtype=float,
            )
            if not len(stats) or stats[:, 1].sum() == 0 or stats[:, 3].sum() == 0:
                continue
            ci = bootstrap(stats, _cs_minus_ca, n_boot, seed)
            gaps[lang] = {
                "gap": point(stats, _cs_minus_ca),
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "n_cs": int(stats[:, 1].sum()),
                "n_ca": int(stats[:, 3].sum()),
            }
        summary["gap_cs_minus_ca"] = gaps
    return rows, summary
