"""Reduce the competence audit's segment scores to a results document: rows, items, summary, signature."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...corpora.base import ParallelCorpus
from ...models.base import ModelInfo
from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import hashed, make_signature
from .._doc import LANGUAGE_COLUMNS, corpus_kind, corpus_part, corpus_record, describe_language
from .method import (
    AUDIT,
    BOOTSTRAP_METRICS,
    LanguagePlan,
    SegmentScore,
    bootstrap_ci,
    metrics,
    reduce_segments,
)
from .spec import CompetenceSpec


@dataclass
class CompetenceRun:
    """What the document builder needs: corpus, model info, spec, language plans and notes."""

    corpus: ParallelCorpus
    model: ModelInfo
    spec: CompetenceSpec
    reference: str
    plans: list[LanguagePlan]
    notes: list[str] = field(default_factory=list)


ROW_COLUMNS = [
    "model",
    *LANGUAGE_COLUMNS,
    "bits",
    "bits_per_byte",
    "bits_per_byte_ci_low",
    "bits_per_byte_ci_high",
    "bits_per_english_byte",
    "bits_per_english_byte_ci_low",
    "bits_per_english_byte_ci_high",
    "ratio_to_reference",
    "ratio_to_reference_ci_low",
    "ratio_to_reference_ci_high",
    "bits_per_token",
    "tokens_per_byte",
    "ref_bytes",
    "heldout_segments",
    "heldout_bits_per_byte",
    "ngram_bits_per_byte",
    "vs_ngram",
    "vs_ngram_ci_low",
    "vs_ngram_ci_high",
]
UDHR_NOTE = (
    "The UDHR is among the most translated and most copied texts on the web, so it is very likely in the "
    "model's training data: memorised text looks easy, and bits per byte on it flatter the model. Prefer "
    "FLORES-200 / FLORES+ (--corpus flores200:DIR or floresplus:DIR) where you have it."
)


def backend(audit: CompetenceRun) -> str:
    """The model's backend name."""
    return audit.model.backend


def _scored_tokens(audit: CompetenceRun) -> str:
    """Which tokens of a segment the backend scores (OpenAI-compatible servers give the first none)."""
    return audit.model.scored_tokens()


def signature(audit: CompetenceRun) -> str:
    """``corpus:<name>@<8hex>|model:<name>@<8hex>|backend:<b>|ref:<code>|ngram:wb<n>|v:<version>``."""
    return make_signature(
        [
            corpus_part(audit.corpus),
            ("model", hashed(audit.model.name, audit.model.digest)),
            ("backend", backend(audit)),
            ("ref", audit.reference),
            ("ngram", f"wb{audit.spec.ngram_order}"),
        ]
    )


def asset_records(audit: CompetenceRun) -> list[AssetRecord]:
    """Provenance: the corpus (content hash) and the model (weights hash; catalogue license if an asset)."""
    records = [corpus_record(audit.corpus)]
    from ...assets.catalogue import catalogue

    asset = catalogue().get(audit.model.name)
    records.append(
        AssetRecord(
            name=audit.model.name,
            kind="model",
            version=asset.version if asset else "",
            sha256=audit.model.digest,
            license=asset.license if asset else "",
            origin=asset.origin if asset else audit.model.origin,
        )
    )
    return records


def language_row(audit: CompetenceRun, language: str, scores: Sequence[SegmentScore]) -> dict[str, Any]:
    """One row: identity, metrics from the summed counts, and bootstrap intervals."""
    row: dict[str, Any] = {
        "model": audit.model.name,
        "language": language,
        **describe_language(audit.corpus, language),
        "coverage": audit.corpus.coverage(language),
        **metrics(reduce_segments(scores)),
    }
    cis = bootstrap_ci(scores, audit.spec.bootstrap, audit.spec.seed)
    for name in BOOTSTRAP_METRICS:
        ci = cis[name]
        row[f"{name}_ci_low"], row[f"{name}_ci_high"] = ci if ci else (None, None)
    return row


def summarize(rows: Sequence[Mapping[str, Any]], reference: str) -> dict[str, Any]:
    """Reference, languages ranked by bits per English byte, and those below the n-gram floor."""
    ranked = sorted(
        (r for r in rows if r["bits_per_english_byte"] is not None), key=lambda r: r["bits_per_english_byte"]
    )
    return {
        "reference": reference,
        "languages": len(rows),
        "ranked_by_bits_per_english_byte": [r["language"] for r in ranked],
        "worse_than_ngram": [r["language"] for r in rows if (r.get("vs_ngram") or 0) > 1],
    }


def _coverage(audit: CompetenceRun, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from ...corpora import language_aliases
    from ...coverage import coverage_summary

    return coverage_summary(audit.spec.country, rows, language_aliases(audit.corpus))


def build_document(audit: CompetenceRun, scores: Mapping[str, Sequence[SegmentScore]]) -> ResultsDocument:
    """The results document of a finished competence run (rows, per-segment ``items``, summary)."""
    spec = audit.spec
    rows = [language_row(audit, p.language, scores[p.language]) for p in audit.plans]
    settings = {
        "corpus": audit.corpus.name,
        "reference": audit.reference,
        "model": audit.model.name,
        "backend": backend(audit),
        "model_settings": audit.model.settings,
        "languages": [p.language for p in audit.plans],
        "ngram_order": spec.ngram_order,
        "ngram_smoothing": "interpolated Witten-Bell over characters, byte-uniform spelling base",
        "ngram_split": "train on even-position shared segments, test on odd-position ones",
        "bootstrap": spec.bootstrap,
        "seed": spec.seed,
        "method": f"each shared segment scored as its own rolling request ({_scored_tokens(audit)}); "
        "bits per byte = -sum(log p) / (sum(UTF-8 bytes) * ln 2) over the segments shared with the reference",
    }
    notes = [*audit.corpus.notes, *audit.notes]
    if corpus_kind(audit.corpus).startswith("udhr"):
        notes.append(UDHR_NOTE)
    items = [
        {
            "language": s.language,
            "segment": s.segment,
            "nats": s.nats,
            "tokens": s.tokens,
            "bytes": s.bytes,
            "heldout": s.heldout,
            "ngram_nats": s.ngram_nats if s.heldout else None,
        }
        for p in audit.plans
        for s in scores[p.language]
    ]
    doc = ResultsDocument(
        audit=AUDIT,
        signature=signature(audit),
        settings=settings,
        provenance=make_provenance(asset_records(audit)),
        rows=rows,
        summary={**summarize(rows, audit.reference), **_coverage(audit, rows)},
        notes=notes,
        items=items,
    )
    return doc
