"""Opinions: letters scored in one call per prompt (shared context) against one request per letter.

    python benchmarks/opinions_letters.py --questions 200 --model gemma3-270m

Writes N synthetic questions in the GlobalOpinionQA CSV format (2-5 options, 3 countries), scores every
cyclic shift's letters (a) as continuations of one context in one loglikelihood call and (b) as one request
per letter, each in its own call (lm-eval's multiple-choice way), and prints both timings and the largest
difference between the resulting letter distributions. Then runs the whole audit on the file and times it.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def write_questions(path: Path, n: int, seed: int = 0) -> Path:
    """N synthetic questions in the published CSV format."""
    rng = random.Random(seed)
    words = ["economy", "government", "religion", "family", "science", "technology", "climate", "trade"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["question", "selections", "options", "source"])
        w.writeheader()
        for i in range(n):
            k = rng.randint(2, 5)
            opts = [f"Option {j + 1} about {rng.choice(words)}" for j in range(k)]
            sel: defaultdict[str, list[float]] = defaultdict(list)
            for c in ("United States", "Kenya", "Germany"):
                raw = [rng.random() for _ in range(k)]
                sel[c] = [round(x / sum(raw), 4) for x in raw]
            q = f"Question {i}: how do you feel about {rng.choice(words)} and {rng.choice(words)}?"
            w.writerow({"question": q, "selections": repr(sel), "options": repr(opts), "source": "GAS"})
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--permutations", type=int, default=4)
    ap.add_argument("--model", default="gemma3-270m")
    ap.add_argument("--skip-separate", action="store_true")
    a = ap.parse_args()

    from sovaudit.audits.opinions.prompts import LETTERS, build_prompt, from_logprobs, shifts
    from sovaudit.audits.opinions.readers import read_opinions
    from sovaudit.models.loading import load_model
    from sovaudit.runner import RunOptions, run_audit

    tmp = Path(tempfile.mkdtemp())
    data = write_questions(tmp / "global_opinions.csv", a.questions)
    qs = read_opinions(data).questions
    prompts = [
        (build_prompt(q.question, q.options, k, "en", "default"), len(q.options), k)
        for q in qs
        for k in shifts(len(q.options), a.permutations)
    ]
    model = load_model(a.model, cache=False)
    t0 = time.perf_counter()
    joint = model.loglikelihood([(p, LETTERS[j]) for p, n, _ in prompts for j in range(n)])
    t_joint = time.perf_counter() - t0
    print(f"{len(prompts)} prompts, {len(joint)} letters: one call {t_joint:.1f} s")
    if not a.skip_separate:
        t0 = time.perf_counter()
        alone = [model.loglikelihood([(p, LETTERS[j])])[0] for p, n, _ in prompts for j in range(n)]
        t_alone = time.perf_counter() - t0
        diff, i = 0.0, 0
        for _, n, k in prompts:
            da = from_logprobs([r.logprob for r in alone[i : i + n]], k).distribution
            dj = from_logprobs([r.logprob for r in joint[i : i + n]], k).distribution
            diff = max(diff, *(abs(x - y) for x, y in zip(da, dj, strict=True)))
            i += n
        print(f"one request per letter: {t_alone:.1f} s ({t_alone / t_joint:.1f}x); max |diff| {diff:.2e}")
    t0 = time.perf_counter()
    spec = {"model": a.model, "data": str(data), "permutations": a.permutations, "bootstrap": 1000}
    doc, _ = run_audit("opinions", spec, RunOptions(tmp / "out"))
    print(
        f"audit: {len(doc.items)} questions x up to {a.permutations} shifts "
        f"in {time.perf_counter() - t0:.1f} s"
    )


if __name__ == "__main__":
    main()
