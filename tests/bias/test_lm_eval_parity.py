"""lm-eval 0.4.13's bbq task and the bias audit on the same 30 shipped BBQ items with gemma3-270m:
per-answer log-likelihoods within 1e-4 and identical chosen answers (benchmarks/bias_vs_lm_eval.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("lm_eval")

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bias_vs_lm_eval.py"


@pytest.mark.slow
def test_bbq_matches_lm_eval() -> None:
    spec = importlib.util.spec_from_file_location("bias_vs_lm_eval", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.compare(30, "Age", 8)
    assert res["items"] == 30
    assert res["logliks_compared"] == 30 * 12  # 2 named answers + lm-eval's 10 unknown phrasings
    assert res["max_abs_loglik_diff"] <= 1e-4
    assert res["choices_agree"] == 30
