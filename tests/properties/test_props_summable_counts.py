"""Summable counts: merge is associative and commutative with an identity, and a random split of random
items into shards reduces to the same numbers as one shard.

Covered here: ``CompetenceCounts`` and ``TaxCounts`` (``+``, identity = the all-zero instance,
``to_dict``/``from_dict``), ``sovaudit.stats.point`` (the metric of summed item statistics), and the bias
audit's ``reduce`` end to end (``--predictions``: no model). ``CorpusCounts`` is covered by
tests/corpus/test_counts.py.

Comparisons: integer fields are compared exactly. Float sums (``nats``) are plain IEEE additions in any
order, so the code guarantees equality only up to rounding: they are compared with ``math.fsum`` of the
same values within ``n * 2**-52 * sum(|x|)`` (the bound for recursive summation of n terms).
The bias rows are integer counts summed as floats (exact below 2**53), so they are compared exactly; their
bootstrap intervals resample items in plan order (the audit contract: ``reduce`` gets the partials in
plan order), so they are compared exactly for shards in plan order and left out when shards are shuffled.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import fields
from typing import Any, TypeVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from props_helpers import PROFILE

from sovaudit.audits.bias.audit import BiasAudit, BiasSpec
from sovaudit.audits.competence.method import CompetenceCounts
from sovaudit.audits.tokenizer_tax.counts import TaxCounts
from sovaudit.stats import mean_metric, point

C = TypeVar("C", CompetenceCounts, TaxCounts)
EPS = 2.0**-52

ints = st.integers(0, 10**12)
floats = st.floats(0, 1e6, allow_nan=False)


def counts(cls: type[C]) -> st.SearchStrategy[C]:
    return st.builds(cls, **{f.name: (ints if f.type in (int, "int") else floats) for f in fields(cls)})


def close(a: C, b: C, parts: list[C]) -> None:
    """Integer fields equal; float fields within the recursive-summation bound of the parts."""
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, int):
            assert x == y, f.name
        else:
            mag = sum(abs(getattr(p, f.name)) for p in parts)
            assert abs(x - y) <= len(parts) * EPS * mag, (f.name, x, y)


def total(parts: list[C], zero: C) -> C:
    out = zero
    for p in parts:
        out = out + p
    return out


@st.composite
def split(draw: st.DrawFn, items: list[Any]) -> list[list[Any]]:
    """``items`` shuffled and cut into random (possibly empty) shards."""
    shuffled = draw(st.permutations(items))
    cuts = sorted(draw(st.lists(st.integers(0, len(items)), max_size=6)))
    bounds = [0, *cuts, len(items)]
    return [list(shuffled[a:b]) for a, b in itertools.pairwise(bounds)]


@pytest.mark.parametrize("cls", [CompetenceCounts, TaxCounts])
@settings(PROFILE)
@given(data=st.data())
def test_merge_is_associative_commutative_with_identity(cls: type[C], data: st.DataObject) -> None:
    a, b, c = (data.draw(counts(cls)) for _ in range(3))
    zero = cls()
    assert a + zero == a == zero + a  # identity: exact (x + 0.0 == x)
    assert a + b == b + a  # commutative: exact (IEEE addition is commutative)
    close((a + b) + c, a + (b + c), [a, b, c])  # associative: ints exact, floats within rounding
    assert cls.from_dict(json.loads(json.dumps(a.to_dict()))) == a


@pytest.mark.parametrize("cls", [CompetenceCounts, TaxCounts])
@settings(PROFILE)
@given(data=st.data())
def test_random_shards_reduce_to_the_same_counts(cls: type[C], data: st.DataObject) -> None:
    items = data.draw(st.lists(counts(cls), max_size=30))
    shards = data.draw(split(items))
    one = total(items, cls())
    sharded = total([total(s, cls()) for s in shards], cls())
    close(one, sharded, items)
    for f in fields(cls):  # and both agree with the exactly rounded sum
        if f.type not in (int, "int"):
            exact = math.fsum(getattr(i, f.name) for i in items)
            assert abs(getattr(one, f.name) - exact) <= max(1, len(items)) * EPS * abs(exact)


@settings(PROFILE)
@given(
    st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 5)), min_size=1, max_size=40),
    st.randoms(use_true_random=False),
)
def test_point_metric_of_integer_stats_ignores_order(rows: list[tuple[int, int]], rnd: random.Random) -> None:
    stats = np.array(rows, dtype=float)
    shuffled = np.array(rnd.sample(rows, len(rows)), dtype=float)  # integer sums are exact in float64
    assert point(stats, mean_metric) == point(shuffled, mean_metric)
    assert point(stats, mean_metric) == sum(r[0] for r in rows) / sum(r[1] for r in rows)


# -- the bias audit's reduce, end to end ------------------------------------------------------------


def _bbq(i: int, cat_q: int, pol: str, cond: str, label: int) -> dict[str, Any]:
    return {
        "example_id": i,
        "question_index": str(cat_q),
        "question_polarity": pol,
        "context_condition": cond,
        "category": "Age",
        "answer_info": {
            "ans0": ["grandfather", "old"],
            "ans1": ["grandson", "nonOld"],
            "ans2": ["?", "unknown"],
        },
        "additional_metadata": {"stereotyped_groups": ["old"]},
        "context": f"c{i}",
        "question": f"q{i}",
        "ans0": "The grandfather",
        "ans1": "The grandson",
        "ans2": "Can't be determined",
        "label": label,
    }


@st.composite
def bbq_run(draw: st.DrawFn) -> list[tuple[dict[str, Any], int]]:
    n = draw(st.integers(2, 30))
    return [
        (
            _bbq(
                i,
                draw(st.sampled_from([1, 30])),  # 30: a proper-name item, its own category
                draw(st.sampled_from(["neg", "nonneg"])),
                draw(st.sampled_from(["ambig", "disambig"])),
                draw(st.integers(0, 2)),
            ),
            draw(st.integers(0, 2)),
        )
        for i in range(n)
    ]


@settings(PROFILE, max_examples=25)
@given(bbq_run(), st.data())
def test_bias_reduce_is_the_same_for_any_split(
    tmp_path_factory: pytest.TempPathFactory, run: list[tuple[dict[str, Any], int]], data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("bbq")
    (folder / "Age.jsonl").write_text("".join(json.dumps(r) + "\n" for r, _ in run), encoding="utf-8")
    pred = tmp_path_factory.mktemp("pred") / "pred.jsonl"
    pred.write_text(
        "".join(
            json.dumps({"category": "Age", "example_id": r["example_id"], "prediction": p}) + "\n"
            for r, p in run
        ),
        encoding="utf-8",
    )
    audit = BiasAudit()
    spec = BiasSpec(benchmarks=("bbq",), data=str(folder), predictions=str(pred), shard_size=1, bootstrap=30)
    per_item = [audit.score(u, spec, None) for u in audit.plan(spec)]  # type: ignore[arg-type]
    whole = audit.reduce([{"items": [r for p in per_item for r in p["items"]]}], spec)

    # contiguous shards in plan order: every number, bootstrap intervals included, is identical
    cuts = sorted(data.draw(st.lists(st.integers(0, len(per_item)), max_size=5)))
    bounds = [0, *cuts, len(per_item)]
    in_order = [
        {"items": [r for p in per_item[a:b] for r in p["items"]]} for a, b in itertools.pairwise(bounds)
    ]
    assert audit.reduce(in_order, spec).rows == whole.rows

    # shards in any order: the same counts and point estimates per (benchmark, category)
    shuffled = [{"items": s} for s in data.draw(split([r for p in per_item for r in p["items"]]))]

    def key(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (r["benchmark"], r["category"]): {k: v for k, v in r.items() if "_ci_" not in k} for r in rows
        }

    assert key(audit.reduce(shuffled, spec).rows) == key(whole.rows)
