"""The one runner, measured side by side with the scoring functions it drives; prints ratios.

1. Overhead (target <= 1.03x): each audit through ``run_audit`` (plan -> executor -> shard store ->
   reduce -> atomic write into a fresh folder) versus its scoring functions called directly on the same
   inputs: tokenizers (``TokenizerTaxAudit(...).run``, UDHR, 4 tokenizers, every language) and competence
   (smollm2-135m on 2 UDHR languages, answer cache off: ``loglikelihood_rolling`` on every text, then
   ``score_plans`` + ``build_document``). Interleaved (direct, runner, runner, direct), best wall time.
2. Scale-out (target >= 1.6x): competence on 8 UDHR languages with smollm2-135m, cache off: local (one
   worker, every core) versus ``--executor process -j 2`` (one model per worker process, cores shared out)
   and ``--executor ray -j 2``; rows must be identical; wall times and ratios printed with the load average
   (other processes on this machine take cores from the workers).

Run: ``.venv/bin/python benchmarks/runner_bench.py [--only overhead,scale] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

LANGS8 = ["swh", "fra", "wol", "amh", "hau", "yor", "zul", "som"]


def _cpu() -> str:
    flags = (
        Path("/proc/cpuinfo").read_text().split("flags")[1].split("\n")[0]
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    simd = "avx512f" if "avx512f" in flags else "avx2" if "avx2" in flags else "other"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {simd}"


def _best(fn: Any, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def overhead(rounds: int) -> None:
    from sovaudit.audits.competence.audit import CompetenceRun, CompetenceSpec
    from sovaudit.audits.competence.doc import build_document
    from sovaudit.audits.competence.method import plan_languages, score_plans
    from sovaudit.audits.tokenizer_tax.method import TaxSpec, TokenizerTaxAudit
    from sovaudit.corpora import load_corpus, select_languages
    from sovaudit.models.loading import load_model
    from sovaudit.runner import RunOptions, run_audit
    from sovaudit.tokenizers import load_tokenizer

    toks = ["cl100k_base", "gemma3", "llama3", "bytes"]
    corpus = load_corpus("udhr")

    def tok_direct() -> None:
        TokenizerTaxAudit(corpus, [load_tokenizer(n) for n in toks], TaxSpec("eng")).run(progress=False)

    def tok_runner() -> None:
        with tempfile.TemporaryDirectory() as d:
            run_audit("tokenizers", {"tokenizers": toks}, RunOptions(Path(d)))

    langs = ["swh", "fra"]
    spec = CompetenceSpec.model_validate(
        {"model": {"spec": "smollm2-135m", "cache": False}, "languages": langs}
    )
    model = load_model("smollm2-135m", cache=False)

    def comp_direct() -> None:
        sel, _ = select_languages(corpus, langs, None, "eng")
        plans, notes = plan_languages(sel, "eng", ("eng", *langs), skip_empty=False)
        texts = list(dict.fromkeys(t for p in plans for t in p.texts))
        res = model.loglikelihood_rolling(texts)
        scored = {t: (-r.logprob, r.n_tokens) for t, r in zip(texts, res, strict=True)}
        build_document(
            CompetenceRun(sel, model.info, spec, "eng", plans, notes), score_plans(plans, scored, "eng", 5)
        )

    def comp_runner() -> None:
        with tempfile.TemporaryDirectory() as d:
            run_audit("competence", spec, RunOptions(Path(d)))

    for name, direct, runner in (
        ("tokenizers", tok_direct, tok_runner),
        ("competence", comp_direct, comp_runner),
    ):
        runner()  # warm: corpus parse, tokenizer files, model load in the worker's resources
        d1 = _best(direct, rounds)
        r1 = _best(runner, rounds)
        r2 = _best(runner, rounds)
        d2 = _best(direct, rounds)
        d, r = min(d1, d2), min(r1, r2)
        print(
            f"overhead {name}: direct {d:.2f} s, runner {r:.2f} s, ratio {r / d:.3f} "
            f"(load {os.getloadavg()[0]:.1f})"
        )


def scale(rounds: int) -> None:
    from sovaudit.runner import RunOptions, run_audit

    spec = {"model": {"spec": "smollm2-135m", "cache": False}, "languages": LANGS8}
    times: dict[str, float] = {}
    rows: dict[str, Any] = {}
    for name, ex, j in (
        ("local", "local", None),
        ("process-2", "process", 2),
        ("ray-2", "ray", 2),
        ("local", "local", None),
    ):
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as d:
                t0 = time.perf_counter()
                doc, _ = run_audit("competence", spec, RunOptions(Path(d), ex, j))
                t = time.perf_counter() - t0
            times[name] = min(times.get(name, t), t)
            rows[name] = doc.rows
            print(f"  {name}: {t:.1f} s (load {os.getloadavg()[0]:.1f})")
    same = all(r == rows["local"] for r in rows.values())
    base = times["local"]
    print(
        f"scale: local {base:.1f} s; process -j2 {times['process-2']:.1f} s "
        f"({base / times['process-2']:.2f}x); "
        f"ray -j2 {times['ray-2']:.1f} s ({base / times['ray-2']:.2f}x); identical rows: {same}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="overhead,scale")
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    print(f"machine: {_cpu()}; load {os.getloadavg()}")
    if "overhead" in a.only:
        overhead(a.rounds)
    if "scale" in a.only:
        scale(1)


if __name__ == "__main__":
    main()
