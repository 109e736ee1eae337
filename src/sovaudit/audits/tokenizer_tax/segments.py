"""Per-segment token counts of a country tax audit: the items the country index's interval resamples.

The premium of a row is Petrov et al.'s: one count of the joined text. To give the speaker-weighted country
index an interval, a country run also counts each shared segment on its own (``tokens``) beside the
reference's text of the same segment (``ref_tokens``), per tokenizer and language; the index and its
bootstrap are then computed from these summed counts (:mod:`sovaudit.country.index`). Counting segments on
their own differs from the joined count only at the joins (a space and a token boundary per segment).
"""

from __future__ import annotations

from typing import Any, Protocol

from ...corpora.base import ParallelCorpus
from ...tokenizers.base import Tokenizer, count_batch


class TaxRun(Protocol):
    """What the document and segment builders read of a tax run (:class:`.method.TokenizerTaxAudit`):
    a protocol, so they need not import the method module, which imports them."""

    corpus: ParallelCorpus
    tokenizers: list[Tokenizer]
    spec: Any  # .method.TaxSpec: reference, context_tokens, countries
    plans: list[Any]  # .method.LanguageText per language
    notes: list[str]


def segment_items(audit: TaxRun) -> list[dict[str, Any]]:
    """``{"tokenizer", "language", "segment", "tokens", "ref_tokens"}`` per tokenizer, language, segment."""
    corpus, ref = audit.corpus, audit.spec.reference
    items: list[dict[str, Any]] = []
    for tok in audit.tokenizers:
        ref_ids = corpus.aligned(ref)
        ref_tokens = {
            i: n for i, (n, _) in zip(ref_ids, count_batch(tok, corpus.segments(ref, ref_ids)), strict=True)
        }
        for plan in audit.plans:
            texts = corpus.segments(plan.language, plan.segment_ids)
            for seg, (n, _) in zip(plan.segment_ids, count_batch(tok, texts), strict=True):
                items.append(
                    {
                        "tokenizer": tok.name,
                        "language": plan.language,
                        "segment": seg,
                        "tokens": n,
                        "ref_tokens": ref_tokens[seg],
                    }
                )
    return items


__all__ = ["segment_items"]
