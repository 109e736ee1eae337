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
- the n-gram floor (:mod:`.ngram`): a character 5-gram (interpolated Witten-Bell) trained on
  the even-position half of the language's segments and scored on the odd half, beside the model's bits
  per byte on the same odd half (``heldout_bits_per_byte``); ``vs_ngram`` = model / n-gram on that half
  (above 1: the model predicts this language worse than a 5-gram trained on a few pages of it);
- bootstrap 95% intervals over segments (resample segments with replacement, recompute each metric from
  the summed counts of the resample; fixed seed).

Everything here is a pure function; :class:`~sovaudit.audits.competence.audit.CompetenceAudit` plans the
requests, runs them through the runner on any :class:`~sovaudit.models.base.LanguageModel` and reduces them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from ...corpora.base import ParallelCorpus
from ...errors import SovauditError
from .ngram import WittenBellCharLM, split_halves

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
    """All row metrics of one model x language, from its counts alone (bootstrapped ones via METRIC_FNS)."""
    from ...stats import point

    stats = _stat_vector(c).reshape(1, -1)
    return {
        "segments": c.segments,
        "tokens": c.tokens,
        "bytes": c.bytes,
        "chars": c.chars,
        "bits": c.nats / LN2,
        "bits_per_byte": point(stats, METRIC_FNS["bits_per_byte"]),
        "bits_per_english_byte": point(stats, METRIC_FNS["bits_per_english_byte"]),
        "bits_per_token": _ratio(c.nats / LN2, c.tokens),
        "tokens_per_byte": _ratio(c.tokens, c.bytes),
        "ratio_to_reference": point(stats, METRIC_FNS["ratio_to_reference"]),
        "ref_bytes": c.ref_bytes,
        "heldout_segments": c.heldout_segments,
        "heldout_bits_per_byte": bits_per_byte(c.heldout_nats, c.heldout_bytes),
        "ngram_bits_per_byte": bits_per_byte(c.ngram_nats, c.heldout_bytes),
        "vs_ngram": point(stats, METRIC_FNS["vs_ngram"]),
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
# the columns of a segment's summable statistics, in the order the metric functions below index them
STAT_COLUMNS = ("nats", "bytes", "ref_bytes", "ref_nats", "heldout_nats", "ngram_nats")


def _stat_vector(c: CompetenceCounts) -> Any:
    import numpy as np

    return np.array([c.nats, c.bytes, c.ref_bytes, c.ref_nats, c.heldout_nats, c.ngram_nats], dtype=float)


# One function per bootstrapped metric, over summed statistics (``sums[..., k]`` = column k): the point
# estimate of a row and every bootstrap resample call these same functions (sovaudit.stats).
METRIC_FNS: dict[str, Any] = {
    "bits_per_byte": lambda s: s[..., 0] / (s[..., 1] * LN2),
    "bits_per_english_byte": lambda s: s[..., 0] / LN2 / s[..., 2],
    "ratio_to_reference": lambda s: s[..., 0] / s[..., 3],
    "vs_ngram": lambda s: s[..., 4] / s[..., 5],
}


def segment_stats(scores: Sequence[SegmentScore]) -> Any:
    """The segments' statistics as a matrix (segments x :data:`STAT_COLUMNS`)."""
    import numpy as np

    rows = [_stat_vector(s.counts()) for s in scores]
    return np.array(rows, dtype=float).reshape(len(rows), len(STAT_COLUMNS))


def bootstrap_ci(
    scores: Sequence[SegmentScore], n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, tuple[float, float] | None]:
    """Percentile intervals of the metrics in ``BOOTSTRAP_METRICS`` over resamples of the segments.

    Each resample's metric comes from :data:`METRIC_FNS`, the functions that give the point estimate.
    """
    from ...stats import bootstrap

    stats = segment_stats(scores)
    return {name: bootstrap(stats, METRIC_FNS[name], n_boot, seed, level) for name in BOOTSTRAP_METRICS}


@dataclass(frozen=True)
class LanguagePlan:
    """The segments of one language shared with the reference, and which of them form the held-out half."""

    language: str
    segment_ids: tuple[str, ...]
    texts: tuple[str, ...]
    ref_texts: tuple[str, ...]
    train: tuple[int, ...]
    test: tuple[int, ...]


def plan_languages(
    corpus: ParallelCorpus, reference: str, languages: Sequence[str], skip_empty: bool = True
) -> tuple[list[LanguagePlan], list[str]]:
    """Each language's segments shared with the reference (the reference first), and notes."""
    notes: list[str] = []
    plans: list[LanguagePlan] = []
    for lang in dict.fromkeys([reference, *(languages or corpus.languages)]):
        ids = tuple(corpus.aligned(lang, reference))
        if not ids:
            if not skip_empty:
                raise SovauditError(
                    f"language '{lang}' shares no text with the reference '{reference}'",
                    "leave it out, or pick another --reference",
                )
            notes.append(f"{lang}: no text shared with the reference {reference}; left out")
            continue
        train, test = split_halves(len(ids))
        plans.append(
            LanguagePlan(
                lang,
                ids,
                tuple(corpus.segments(lang, ids)),
                tuple(corpus.segments(reference, ids)),
                tuple(train),
                tuple(test),
            )
        )
        if len(ids) < 2:
            notes.append(f"{lang}: one shared segment only; no n-gram floor and no interval")
    return plans, notes


def segment_scores(
    plan: LanguagePlan, scored: dict[str, tuple[float, int]], ref_nats: dict[str, float], ngram_order: int
) -> list[SegmentScore]:
    """The language's segment scores from the model's (nats, tokens) per text and the n-gram floor."""
    ngram = None
    if plan.train and plan.test:
        ngram = WittenBellCharLM(ngram_order).fit([plan.texts[i] for i in plan.train])
    test = set(plan.test) if ngram is not None else set()
    scores = []
    for i, (seg_id, text, ref) in enumerate(zip(plan.segment_ids, plan.texts, plan.ref_texts, strict=True)):
        nats, tokens = scored[text]
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
    return scores


def score_plans(
    plans: Sequence[LanguagePlan], scored: dict[str, tuple[float, int]], reference: str, ngram_order: int
) -> dict[str, list[SegmentScore]]:
    """Every language's segment scores (the reference's nats per segment joined in)."""
    ref_plan = next(p for p in plans if p.language == reference)
    ref_nats = {sid: scored[t][0] for sid, t in zip(ref_plan.segment_ids, ref_plan.texts, strict=True)}
    return {p.language: segment_scores(p, scored, ref_nats, ngram_order) for p in plans}
