"""The language-tax audit on the audit contract: one unit per tokenizer, counts per language, one reduce.

The method and its pure functions are in :mod:`.tokenizer_tax`; this module only plans (which tokenizers,
which languages of which corpus), scores one tokenizer per unit (:func:`.tokenizer_tax.measure`) and
reduces the summed counts with :func:`.tokenizer_tax_doc.build_document`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field

from ..results import ResultsDocument
from .base import Audit, AuditSpec, Resources, Unit
from .tokenizer_tax import ROW_COLUMNS, TaxCounts, TaxSpec, TokenizerTaxAudit


class TokenizersSpec(AuditSpec):
    """Settings of a language-tax run (``tokenizers`` empty: every bundled tokenizer)."""

    corpus: str = "udhr"
    tokenizers: tuple[str, ...] = ()
    pattern: str | None = None
    reference: str = "eng"
    languages: tuple[str, ...] = ()
    country: str | None = None
    context_tokens: int = Field(default=8192, gt=0)


@lru_cache(maxsize=4)
def _selection(corpus: str, reference: str, languages: tuple[str, ...], country: str | None) -> Any:
    from ..corpora import load_corpus, resolve_reference, select_languages

    loaded = load_corpus(corpus)
    ref = resolve_reference(loaded, reference)
    selected, notes = select_languages(loaded, list(languages) or None, country, ref)
    return selected, ref, notes


@lru_cache(maxsize=64)
def _tokenizer(name: str, pattern: str | None) -> Any:
    from ..tokenizers import load_tokenizer

    return load_tokenizer(name, pattern)


def _names(spec: TokenizersSpec) -> list[str]:
    from ..tokenizers import bundled_names

    return list(dict.fromkeys(spec.tokenizers or bundled_names()))


def _audit(spec: TokenizersSpec, names: Sequence[str]) -> tuple[TokenizerTaxAudit, list[str]]:
    from ..tokenizers.registry import distinct_names

    selected, ref, notes = _selection(spec.corpus, spec.reference, spec.languages, spec.country)
    toks = distinct_names([_tokenizer(n, spec.pattern) for n in names])
    tax = TaxSpec(
        reference=ref,
        context_tokens=spec.context_tokens,
        skip_empty=not spec.languages,
        countries=(spec.country.upper(),) if spec.country else None,
    )
    return TokenizerTaxAudit(selected, toks, tax), notes


class TokenizersAudit(Audit[TokenizersSpec]):
    """How many more tokens the same content costs in each language (Petrov et al. 2023)."""

    name = "tokenizers"
    version = "1"
    Spec = TokenizersSpec
    summary = "language tax of tokenizers: token premium per language against the reference"
    row_columns: ClassVar[tuple[str, ...]] = tuple(ROW_COLUMNS)

    def plan(self, spec: TokenizersSpec) -> Sequence[Unit]:
        _selection.cache_clear()  # a new run re-reads (and re-checks the hashes of) corpus and tokenizers
        _tokenizer.cache_clear()
        names = _names(spec)
        # what the user named is checked before the corpus is read (cheap first, and independent of it)
        if spec.country:
            from ..languages import require_country

            require_country(spec.country)
        for n in names:
            _tokenizer(n, spec.pattern)
        _audit(spec, names)  # load and check everything (names, languages, reference) before any unit runs
        return [Unit(f"tok-{i:03d}", {"tokenizer": n}) for i, n in enumerate(names)]

    def score(self, unit: Unit, spec: TokenizersSpec, resources: Resources) -> dict[str, Any]:
        audit, _ = _audit(spec, [unit.payload["tokenizer"]])
        counts = audit.counts(progress=False)
        return {"counts": {lang: c.to_dict() for (_, lang), c in counts.items()}}

    def reduce(self, partials: Sequence[dict[str, Any]], spec: TokenizersSpec) -> ResultsDocument:
        from .tokenizer_tax_doc import build_document

        audit, notes = _audit(spec, _names(spec))
        counts = {
            (tok.name, lang): TaxCounts.from_dict(c)
            for tok, part in zip(audit.tokenizers, partials, strict=True)
            for lang, c in part["counts"].items()
        }
        doc = build_document(audit, counts)
        doc.notes = [*notes, *doc.notes]
        return doc
