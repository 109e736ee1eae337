"""With gemma3-270m: letters scored as continuations of one context in one call equal separate requests."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from opinions_fixtures import QUESTIONS

from sovaudit.audits.opinions.prompts import LETTERS, build_prompt, from_logprobs

pytestmark = pytest.mark.slow


def test_one_call_equals_separate_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sovaudit.models.loading import load_model

    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    model = load_model("gemma3-270m", cache=False)
    prompts = []
    for q in QUESTIONS[:3]:
        for shift in range(len(q["options"])):
            prompts.append(
                (build_prompt(q["question"], q["options"], shift, "en", "default"), len(q["options"]))
            )
    together = model.loglikelihood([(p, LETTERS[j]) for p, n in prompts for j in range(n)])
    k = 0
    for (p, n), shift in zip(
        prompts, [s for q in QUESTIONS[:3] for s in range(len(q["options"]))], strict=True
    ):
        alone = [model.loglikelihood([(p, LETTERS[j])])[0].logprob for j in range(n)]
        joint = [r.logprob for r in together[k : k + n]]
        k += n
        a, b = from_logprobs(alone, shift), from_logprobs(joint, shift)
        assert a.distribution == pytest.approx(b.distribution, abs=1e-5)
        assert a.outside_mass == pytest.approx(b.outside_mass, abs=1e-5)
        assert all(math.isfinite(x) for x in joint)
