"""Reduce the tokenizer audit's counts to a results document: rows, summary, provenance, signature."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import hashed, make_signature
from ...tokenizers.base import TokenizerInfo
from .._doc import corpus_part, corpus_record, describe_language
from .counts import AUDIT, TaxCounts, metrics
from .segments import TaxRun
from .summary import summarize

if TYPE_CHECKING:
    from ...corpora.base import ParallelCorpus
    from ...tokenizers.base import Tokenizer


def tokenizer_info(tok: Tokenizer) -> TokenizerInfo | None:
    """The adapter's :class:`TokenizerInfo`, if it has one (user-made tokenizers may not)."""
    info = getattr(tok, "info", None)
    return info if isinstance(info, TokenizerInfo) else None


def signature(corpus: ParallelCorpus, tokenizers: list[Tokenizer], reference: str) -> str:
    """``corpus:<name>@<8hex>|tok:<name>@<8hex>|...|ref:<code>|v:<version>``."""
    parts = [corpus_part(corpus)]
    parts += [("tok", hashed(t.name, t.digest)) for t in tokenizers]
    parts.append(("ref", reference))
    return make_signature(parts)


def asset_records(corpus: ParallelCorpus, tokenizers: list[Tokenizer]) -> list[AssetRecord]:
    """Provenance records: the corpus (content hash) and each tokenizer (file hash, license, origin)."""
    records = [corpus_record(corpus)]
    for tok in tokenizers:
        info = tokenizer_info(tok)
        origin = ""
        if info is not None:
            where = f"asset {info.asset}: {info.member}" if info.asset else info.path
            origin = "; ".join(x for x in (info.description, info.origin, where) if x)
        records.append(
            AssetRecord(
                name=tok.name,
                kind="tokenizer",
                version=info.version if info else "",
                sha256=tok.digest,
                license=info.license if info else "",
                origin=origin,
            )
        )
    return records


def build_rows(audit: TaxRun, counts: Mapping[tuple[str, str], TaxCounts]) -> list[dict[str, Any]]:
    """One row per tokenizer x language, tokenizers in the order given, languages in plan order."""
    described = {p.language: describe_language(audit.corpus, p.language, p.text) for p in audit.plans}
    rows = []
    for tok in audit.tokenizers:
        for plan in audit.plans:
            c = counts[(tok.name, plan.language)]
            rows.append(
                {
                    "tokenizer": tok.name,
                    "language": plan.language,
                    **described[plan.language],
                    **metrics(c, audit.spec.context_tokens),
                }
            )
    return rows


def build_document(audit: TaxRun, counts: Mapping[tuple[str, str], TaxCounts]) -> ResultsDocument:
    """The results document of a finished audit."""
    spec, corpus = audit.spec, audit.corpus
    rows = build_rows(audit, counts)
    from ...corpora import language_aliases

    variants = {code for code, m in corpus.language_meta.items() if m.get("variant")}
    summary = summarize(
        rows, spec.reference, spec.context_tokens, language_aliases(corpus), spec.countries, variants
    )
    from ...coverage import coverage_summary

    summary.update(
        coverage_summary(spec.countries[0] if spec.countries else None, rows, language_aliases(corpus))
    )
    settings = {
        "corpus": corpus.name,
        "reference": spec.reference,
        "context_tokens": spec.context_tokens,
        "tokenizers": [t.name for t in audit.tokenizers],
        "languages": [p.language for p in audit.plans],
        "countries": list(spec.countries) if spec.countries is not None else None,
        "method": "Petrov et al. 2023: segments shared with the reference joined by one space, tokenized "
        "once, no special tokens; premium = tokens / reference tokens on the same segments",
    }
    infos = {t.name: tokenizer_info(t) for t in audit.tokenizers}
    patterns = {n: i.pattern for n, i in infos.items() if i is not None and i.kind == "local" and i.pattern}
    if patterns:
        settings["patterns"] = patterns
    return ResultsDocument(
        audit=AUDIT,
        signature=signature(corpus, audit.tokenizers, spec.reference),
        settings=settings,
        provenance=make_provenance(asset_records(corpus, audit.tokenizers)),
        rows=rows,
        summary=summary,
        notes=[*corpus.notes, *audit.notes],
        items=_segment_items(audit) if spec.countries else [],
    )


def _segment_items(audit: TaxRun) -> list[dict[str, Any]]:
    from .segments import segment_items

    return segment_items(audit)
