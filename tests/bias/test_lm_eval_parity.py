"""lm-eval 0.4.13 and the bias audit on the same shipped items with gemma3-270m (benchmarks/).

Marked ``parity`` (and ``slow``): CI runs them on a sample sized for CI — BBQ 8 items per shipped category
(48 items, 576 log-likelihoods), CrowS-Pairs 100 pairs — which checks the same rules (per-answer
log-likelihoods within 1e-4, identical choices and scores) in about a sixth of the full comparisons'
time; the full comparisons below (300 items, 300 pairs) are run by the scripts in benchmarks/ and their
numbers are in benchmarks/README.md.

BBQ (``bias_vs_lm_eval.py``): lm-eval's ``bbq_multiple_choice`` definition pointed at a local copy of the
first 50 items of each of the 6 shipped categories (300 items: 150 ambiguous, 150 disambiguated, both
polarities; 12 choices each = 3,600 lm-eval requests at its batch size 8): per-answer log-likelihoods
within 1e-4, identical chosen answers, and identical bias scores (every row column of the model run equals
the audit run on lm-eval's chosen answers through ``--predictions``).

CrowS-Pairs (``crows_vs_lm_eval.py``): lm-eval's ``crows_pairs_english`` definition on the first 300
pairs of the shipped crows-pairs-en asset: per-sentence log-likelihoods within 1e-4, identical
pct_stereotype and likelihood_diff (1e-4).

Measured on the shared 2-core AMD EPYC (avx2, avx512f, avx512_bf16), load 10 falling to 3, 1 torch thread:
the BBQ test took 31 min 24 s (1,554 CPU s; lm-eval's 3,600 requests 1,474 CPU s of it, sovaudit 61 CPU s):
max |delta| 3.1e-5, 300/300 choices, every bias-score column equal (on a quiet 2-core CI machine with 2
threads expect about half). The CrowS test took 1 min 50 s (2 threads, load 3): max |delta| 5.7e-5,
300/300 preferred sentences, pct_stereotype 59.0 both, likelihood_diff equal to 1.3e-6.
Ratios and the rest: benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("lm_eval")

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BBQ_PER_CATEGORY = 8  # CI sample: 48 items; the full comparison (50 per category) is benchmarks/' job
CROWS_PAIRS = 100


@pytest.mark.slow
@pytest.mark.parity
def test_bbq_matches_lm_eval() -> None:
    mod = _bench("bias_vs_lm_eval")
    res = mod.compare(BBQ_PER_CATEGORY, mod.SHIPPED, 8)
    print(res)
    n = BBQ_PER_CATEGORY * len(mod.SHIPPED)
    assert res["items"] == n and res["keys_match"]
    assert set(res["items_by_condition"]) == {"ambig", "disambig"}
    assert sum(res["items_by_condition"].values()) == n
    assert res["logliks_compared"] == n * 12  # 2 named answers + lm-eval's 10 unknown phrasings
    assert res["max_abs_loglik_diff"] <= 1e-4
    assert res["choices_agree"] == n
    assert res["score_columns_differing"] == []
    assert {r["category"] for r in res["rows"]} == set(mod.SHIPPED)


@pytest.mark.slow
@pytest.mark.parity
def test_crows_pairs_english_matches_lm_eval() -> None:
    mod = _bench("crows_vs_lm_eval")
    res = mod.compare(CROWS_PAIRS, [8])
    print(res)
    assert res["pairs"] == CROWS_PAIRS
    assert res["logliks_compared"] == 2 * CROWS_PAIRS
    assert res["max_abs_loglik_diff"] <= 1e-4
    assert res["choices_agree"] == CROWS_PAIRS
    assert abs(res["pct_stereotype"]["sovaudit"] - res["pct_stereotype"]["lm_eval"]) <= 1e-4
    assert abs(res["likelihood_diff"]["sovaudit"] - res["likelihood_diff"]["lm_eval"]) <= 1e-4
