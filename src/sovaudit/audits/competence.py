"""Per-language competence: how well a model predicts the same text in each language (bits per byte).

Method. For each language, the segments it shares with the reference (``ParallelCorpus.aligned(lang,
ref)``) are each scored as **one rolling log-likelihood request of their own** (every token of the segment
predicted, the first from ``<bos>``; see :mod:`sovaudit.models.hf`): so results do not depend on how
segments would be joined, a model's context length only matters for segments longer than it (windowed),
and every segment's numbers are cached and logged. From summable counts:

- ``bits_per_byte`` = -sum(log p) / (sum(UTF-8 bytes) * ln 2) (lm-evaluation-harness ``bits_per_byte``);
- ``bits_per_english_byte`` = the language's total bits / UTF-8 bytes of the reference's text of the same
  segments: comparable across scripts (a script that needs 3 bytes a character is not rewarded);
- ``ratio_to_reference`` = the language's bits / the reference's bits on the same segments;
- the n-gram floor (:mod:`.competence_ngram`): a character 5-gram (interpolated Witten-Bell) trained on
  the even-position half of the language's segments and scored on the odd half, beside the model's bits
  per byte on the same odd half (``heldout_bits_per_byte``); ``vs_ngram`` = model / n-gram on that half
  (above 1: the model predicts this language worse than a 5-gram trained on a few pages of it);
- bootstrap 95% intervals over segments (resample segments with replacement, recompute each metric from
  the summed counts of the resample; fixed seed).

Everything below :class:`SegmentScore` is a pure function; :class:`CompetenceAudit` plans the requests,
runs them through any :class:`~sovaudit.models.base.LanguageModel` and reduces them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..corpora.base import ParallelCorpus
from ..errors import SovauditError
from ..models.base import LanguageModel
from .competence_ngram import WittenBellCharLM, split_halves

AUDIT = "competence"
LN2 = math.log(2)


@dataclass(frozen=True)
class CompetenceCounts:
    """Summable counts for one model x language (``ref_*``: the reference's same segments)."""

    segments: int = 0
    tokens: int = 0
    bytes: int = 0
    chars: int = 0
    nats: float = 0.0  # -sum log p
    ref_bytes: int = 0
    ref_nats: float = 0.0
    heldout_segments: int = 0
    heldout_bytes: int = 0
    heldout_nats: float = 0.0  # the model on the n-gram's test half
    ngram_nats: float = 0.0  # the n-gram on its test half

    def __add__(self, other: CompetenceCounts) -> CompetenceCounts:
        return CompetenceCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompetenceCounts:
        """Inverse of :meth:`to_dict`."""
        ints = {"segments", "tokens", "bytes", "chars", "ref_bytes", "heldout_segments", "heldout_bytes"}
        values = {f.name: (int if f.name in ints else float)(data.get(f.name, 0)) for f in fields(cls)}
        return cls(**values)  # type: ignore[arg-type]


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def bits_per_byte(nats: float, n_bytes: int) -> float | None:
    """-sum(log p) / (bytes * ln 2)."""
    return _ratio(nats, n_bytes * LN2)


def metrics(c: CompetenceCounts) -> dict[str, Any]:
    """All row metrics of one model x language, from its counts alone."""
    ref_bits = c.ref_nats / LN2
    return {
        "segments": c.segments,
        "tokens": c.tokens,
        "bytes": c.bytes,
        "chars": c.chars,
        "bits": c.nats / LN2,
        "bits_per_byte": bits_per_byte(c.nats, c.bytes),
        "bits_per_english_byte": _ratio(c.nats / LN2, c.ref_bytes),
        "bits_per_token": _ratio(c.nats / LN2, c.tokens),
        "tokens_per_byte": _ratio(c.tokens, c.bytes),
        "ratio_to_reference": _ratio(c.nats / LN2, ref_bits),
        "ref_bytes": c.ref_bytes,
        "heldout_segments": c.heldout_segments,
        "heldout_bits_per_byte": bits_per_byte(c.heldout_nats, c.heldout_bytes),
        "ngram_bits_per_byte": bits_per_byte(c.ngram_nats, c.heldout_bytes),
        "vs_ngram": _ratio(c.heldout_nats, c.ngram_nats),
    }


@dataclass(frozen=True)
class SegmentScore:
    """One scored segment: the per-item log entry, and the unit the bootstrap resamples."""

    language: str
    segment: str
    nats: float
    tokens: int
    bytes: int
    chars: int
    ref_bytes: int
    ref_nats: float
    heldout: bool = False
    ngram_nats: float = 0.0

    def counts(self) -> CompetenceCounts:
        """This segment's contribution to its language's counts."""
        return CompetenceCounts(
            segments=1,
            tokens=self.tokens,
            bytes=self.bytes,
            chars=self.chars,
            nats=self.nats,
            ref_bytes=self.ref_bytes,
            ref_nats=self.ref_nats,
            heldout_segments=int(self.heldout),
            heldout_bytes=self.bytes if self.heldout else 0,
            heldout_nats=self.nats if self.heldout else 0.0,
            ngram_nats=self.ngram_nats,
        )


def reduce_segments(scores: Sequence[SegmentScore]) -> CompetenceCounts:
    """Sum of the segments' counts."""
    total = CompetenceCounts()
    for s in scores:
        total = total + s.counts()
    return total


BOOTSTRAP_METRICS = ("bits_per_byte", "bits_per_english_byte", "ratio_to_reference", "vs_ngram")


def bootstrap_ci(
    scores: Sequence[SegmentScore], n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, tuple[float, float] | None]:
    """Percentile intervals of the metrics in ``BOOTSTRAP_METRICS`` over resamples of the segments."""
    import numpy as np

    if len(scores) < 2 or n_boot <= 0:
        return dict.fromkeys(BOOTSTRAP_METRICS)
    cols = {
        name: np.array([float(getattr(s, name)) for s in scores])
        for name in ("nats", "bytes", "ref_bytes", "ref_nats", "ngram_nats")
    }
    held = np.array([s.heldout for s in scores], dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(scores), size=(n_boot, len(scores)))
    sums = {k: v[idx].sum(axis=1) for k, v in cols.items()}
    held_nats = (cols["nats"] * held)[idx].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "bits_per_byte": sums["nats"] / (sums["bytes"] * LN2),
            "bits_per_english_byte": sums["nats"] / LN2 / sums["ref_bytes"],
            "ratio_to_reference": sums["nats"] / sums["ref_nats"],
            "vs_ngram": held_nats / sums["ngram_nats"],
        }
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    out: dict[str, tuple[float, float] | None] = {}
    for name, v in values.items():
        v = v[np.isfinite(v)]
        out[name] = (float(np.percentile(v, lo)), float(np.percentile(v, hi))) if len(v) else None
    return out


# -- the audit -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetenceSpec:
    """Settings of one competence run."""

    reference: str
    languages: tuple[str, ...] = ()  # empty: every language of the corpus
    ngram_order: int = 5
    bootstrap: int = 1000
    seed: int = 0
    skip_empty: bool = True


@dataclass(frozen=True)
class LanguagePlan:
    """The segments of one language shared with the reference, and which of them form the held-out half."""

    language: str
    segment_ids: tuple[str, ...]
    texts: tuple[str, ...]
    ref_texts: tuple[str, ...]
    train: tuple[int, ...]
    test: tuple[int, ...]


class CompetenceAudit:
    """Plans the rolling requests of a competence run over a corpus, scores them and reduces them."""

    def __init__(self, corpus: ParallelCorpus, model: LanguageModel, spec: CompetenceSpec) -> None:
        if not corpus.has(spec.reference):
            raise SovauditError(
                f"reference language '{spec.reference}' is not in corpus {corpus.name}",
                "pass --reference with a code the corpus has (eng for UDHR, eng_Latn for FLORES-200)",
            )
        self.corpus, self.model, self.spec = corpus, model, spec
        self.notes: list[str] = []
        first = getattr(model, "rolling_first_token_scored", True)
        if first is not True:
            self.notes.append(
                f"The {getattr(model, 'backend', 'model')} backend "
                + ("does not score" if first is False else "may not score")
                + " the first token of each segment (an OpenAI-compatible server gives the first prompt token"
                " no logprob; vLLM scores it after bos_text, llama-cpp-python's server does not): bits per"
                " byte then leave out that token's bits while counting its bytes, and read lower than a local"
                " backend's. Compare runs of the same backend only."
            )
        languages = list(dict.fromkeys([spec.reference, *(spec.languages or corpus.languages)]))
        self.plans: list[LanguagePlan] = []
        for lang in languages:
            ids = tuple(corpus.aligned(lang, spec.reference))
            if not ids:
                if not spec.skip_empty:
                    raise SovauditError(
                        f"language '{lang}' shares no text with the reference '{spec.reference}'",
                        "leave it out, or pick another --reference",
                    )
                self.notes.append(f"{lang}: no text shared with the reference {spec.reference}; left out")
                continue
            train, test = split_halves(len(ids))
            self.plans.append(
                LanguagePlan(
                    lang,
                    ids,
                    tuple(corpus.segments(lang, ids)),
                    tuple(corpus.segments(spec.reference, ids)),
                    tuple(train),
                    tuple(test),
                )
            )
            if len(ids) < 2:
                self.notes.append(f"{lang}: one shared segment only; no n-gram floor and no interval")

    def texts(self) -> list[str]:
        """Every text the model scores: each language's segments (the reference's included), deduplicated."""
        return list(dict.fromkeys(t for p in self.plans for t in p.texts))

    def score(self) -> dict[str, list[SegmentScore]]:
        """Score every segment with the model (one rolling request each) and the n-gram floor."""
        texts = self.texts()
        results = self.model.loglikelihood_rolling(texts)
        by_text = {t: (-r.logprob, r.n_tokens) for t, r in zip(texts, results, strict=True)}
        ref_nats = {}
        ref_plan = next(p for p in self.plans if p.language == self.spec.reference)
        for seg_id, text in zip(ref_plan.segment_ids, ref_plan.texts, strict=True):
            ref_nats[seg_id] = by_text[text][0]
        out: dict[str, list[SegmentScore]] = {}
        for plan in self.plans:
            ngram = None
            if plan.train and plan.test:
                ngram = WittenBellCharLM(self.spec.ngram_order).fit([plan.texts[i] for i in plan.train])
            test = set(plan.test) if ngram is not None else set()
            scores = []
            for i, (seg_id, text, ref) in enumerate(
                zip(plan.segment_ids, plan.texts, plan.ref_texts, strict=True)
            ):
                nats, tokens = by_text[text]
                scores.append(
                    SegmentScore(
                        language=plan.language,
                        segment=seg_id,
                        nats=nats,
                        tokens=tokens,
                        bytes=len(text.encode("utf-8")),
                        chars=len(text),
                        ref_bytes=len(ref.encode("utf-8")),
                        ref_nats=ref_nats[seg_id],
                        heldout=i in test,
                        ngram_nats=ngram.segment_nats(text) if ngram is not None and i in test else 0.0,
                    )
                )
            out[plan.language] = scores
        return out

    def run(self) -> Any:
        """Score everything and return the :class:`~sovaudit.results.ResultsDocument`."""
        from .competence_doc import build_document

        return build_document(self, self.score())
