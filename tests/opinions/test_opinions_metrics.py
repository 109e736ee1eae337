"""The similarity formula pinned to hand-computed values (5 questions x 3 countries) and to scipy."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from opinions_fixtures import QUESTIONS, write_csv

from sovaudit.audits.opinions import metrics
from sovaudit.audits.opinions.audit import OpinionsSpec
from sovaudit.audits.opinions.readers import read_opinions
from sovaudit.audits.opinions.reduce import reduce_opinions

# Hand computation. JSD((1,0), (.5,.5)): m = (.75,.25); KL(p||m) = log2(4/3) = 0.4150375,
# KL(q||m) = .5 log2(2/3) + .5 log2 2 = 0.2075187; JSD = 0.3112781; similarity = 1 - sqrt(JSD) = 0.4420770.
A = 0.4420769547
# JSD((1,0), (.25,.75)): m = (.625,.375); KL(p||m) = log2(1.6) = 0.6780719,
# KL(q||m) = .25 log2(.4) + .75 log2 2 = 0.4195180; JSD = 0.5487949; similarity = 0.2591930.
B = 0.2591930476
MODEL = [[0.5, 0.5], [0.5, 0.25, 0.25], [0.5, 0.5], [1.0, 0.0], [1.0, 0.0, 0.0]]
# per question: US, Germany, Kenya (- = missing)
#   q1 (.5,.5):      A, 1, A
#   q2 (.5,.25,.25): 1, A (same JSD as above: m=(.25,.375,.375)), 1
#   q3 (.5,.5):      1, 1, -
#   q4 (1,0):        A (file's (.4,.4) renormalised to (.5,.5)), B, 1
#   q5 (1,0,0):      1, 0 (disjoint), -
EXPECTED = {"United States": (3 + 2 * A) / 5, "Germany": (2 + A + B) / 5, "Kenya": (2 + A) / 3}


@pytest.mark.parametrize(
    ("p", "q", "want"),
    [
        ([1, 0], [1, 0], 1.0),
        ([1, 0], [0, 1], 0.0),
        ([1, 0], [0.5, 0.5], A),
        ([1, 0], [0.25, 0.75], B),
        ([0.5, 0.25, 0.25], [0, 0.5, 0.5], A),
        ([2, 2], [0.4, 0.4], 1.0),
    ],
)
def test_similarity_hand_values(p: list[float], q: list[float], want: float) -> None:
    assert metrics.similarity(p, q) == pytest.approx(want, abs=1e-9)


def test_similarity_matches_scipy() -> None:
    from scipy.spatial.distance import jensenshannon

    rng = np.random.default_rng(0)
    for n in (2, 3, 5, 26):
        for _ in range(20):
            p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n) * 0.3)
            q[0] = 0.0  # an option nobody chose
            want = 1 - jensenshannon(p, q, base=2)
            assert metrics.similarity(p, q) == pytest.approx(want, abs=1e-9)


def test_reduce_on_five_questions_three_countries(tmp_path: Path) -> None:
    from scipy.spatial.distance import jensenshannon

    path = write_csv(tmp_path / "global_opinions.csv")
    read = read_opinions(path)
    assert [q.row for q in read.questions] == [1, 2, 3, 4, 5]
    assert read.questions[3].notes == ("United States: shares sum to 0.8; renormalised to 1",)
    partials = [
        {
            "questions": [q.to_payload() for q in read.questions],
            "permutations": [[{"shift": 0, "distribution": d, "outside_mass": 0.25}] for d in MODEL],
        }
    ]
    spec = OpinionsSpec(data=str(path), countries=("KE",), bootstrap=200)
    doc = reduce_opinions(partials, spec, ["Kenya"], [])
    rows = {r["country"]: r for r in doc.rows}
    for country, want in EXPECTED.items():
        assert rows[country]["similarity"] == pytest.approx(want, abs=1e-9)
    assert [r["country"] for r in doc.rows] == ["Kenya", "United States", "Germany"]
    assert [r["rank"] for r in doc.rows] == [1, 2, 3]
    assert rows["Kenya"]["n_questions"] == 3 and rows["Germany"]["n_questions"] == 5
    # the uniform answerer through scipy's distance, over each country's own questions
    for country, r in rows.items():
        qs = [q for q in QUESTIONS if country in q["selections"]]
        want = np.mean(
            [1 - jensenshannon(np.ones(len(q["options"])), q["selections"][country], base=2) for q in qs]
        )
        assert r["uniform_similarity"] == pytest.approx(want, abs=1e-9)
        assert r["ci_low"] <= r["similarity"] <= r["ci_high"]
    assert doc.summary["user_countries"] == [
        {"country": "Kenya", "rank": 1, "similarity": rows["Kenya"]["similarity"], "of": 3}
    ]
    assert any("renormalised" in n for n in doc.notes)
    assert doc.items[3]["model_distribution"] == [1.0, 0.0] and doc.items[0]["outside_mass"] == 0.25


def test_bootstrap_goes_through_the_same_metric() -> None:
    from sovaudit.stats import bootstrap, mean_metric

    values = [0.2, 0.9, 0.5, 0.7]
    sim, ci = metrics.country_similarity(values, 500, 3)
    assert sim == pytest.approx(np.mean(values))
    assert ci == bootstrap(metrics.country_stats(values), mean_metric, 500, 3)


def test_rank_ties_share_the_better_rank() -> None:
    assert metrics.rank_of("b", {"a": 0.9, "b": 0.8, "c": 0.8}) == 2
    assert metrics.rank_of("c", {"a": 0.9, "b": 0.8, "c": 0.8}) == 2
    assert metrics.rank_of("z", {"a": 0.9}) is None
