"""The language tax of tokenizers: how many more tokens the same content costs in each language.

Method (Petrov et al., NeurIPS 2023, "Language Model Tokenizers Introduce Unfairness Between Languages",
``compute/compute_tokenizations.py``): join all of a language's segments with a single space, tokenize the
joined text once with no special tokens, and divide its token count by the reference language's count on the
same content. Here "the same content" is explicit: for each language we use the segments it shares with the
reference (``ParallelCorpus.aligned(lang, ref)``) and tokenize the reference's text of exactly those
segments, so a partial translation is compared with the matching part of the reference, never dropped.

Checked against the reference code (repository ``AleksandarPetrov/tokenization-fairness``, files
``compute/compute_tokenizations.py`` and ``compute/tokenizer_interface.py``):

- Joining: ``process_one_language`` reads ``dev/<lang>.dev`` and ``devtest/<lang>.devtest``, splits each on
  ``"\\n"``, concatenates ``data_dev + data_devtest`` and tokenizes ``" ".join(data)`` once. Same here
  (:func:`join_segments`). One difference, on purpose, by default: their ``split("\\n")`` keeps the empty
  string after each file's final newline, so their text has a doubled space between the splits and a
  trailing space (at most two characters in ~2,000 sentences, 1-2 tokens); ``@all`` joins the segments with
  exactly one space. ``--corpus flores200:DIR@petrov`` reads the files as their script does, so the joined
  text is theirs character for character (the results notes say so).
- Special tokens: none. tiktoken's ``encode(text)`` adds none; for Hugging Face tokenizers they count
  ``convert_tokens_to_ids(tokenize(text))``, which adds no BOS/EOS. Our adapters encode without special
  tokens (``add_special_tokens=False`` and the like; tests pin this per bundled tokenizer).
- FLORES split: they use dev followed by devtest (2,009 sentences). ``--corpus flores200:DIR@all`` reads
  exactly that; plain ``flores200:DIR`` reads devtest only (1,012 sentences), so its premiums are close to,
  not identical with, their published table.
- Premium: their ``assets/tokenization_lengths.csv`` holds one token count per language and tokenizer; the
  premium is a language's count over English's (``eng_Latn``). Same ratio here: ``tokens / ref_tokens``.
- Unknown tokens: they count only ``<unk>`` (estimated for Hugging Face tokenizers from the characters lost
  when decoding without it) and blank out languages above 10 %; byte-fallback tokens are not counted. Our
  ``fallback_fraction`` counts unknown and byte-fallback tokens exactly and blanks nothing, so it is higher
  for SentencePiece tokenizers with byte fallback (llama2, mistral, gemma3) and not comparable one to one.

Sanity check against their published counts: Shan over English on FLORES-200 (their CSV) is 15.05 for
cl100k_base, 18.76 for GPT-2 and 11.85 for LLaMA; the default UDHR audit gives 17.65, 21.85 and 13.92 (llama2)
-- the same 1.16-1.17x factor for all three, i.e. the corpus differs, not the method.

Everything below :class:`TaxCounts` is a pure function of summable counts; :class:`TokenizerTaxAudit` plans
the tokenizer x language work, batches it through the tokenizer libraries and reduces it to a results
document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...corpora.base import ParallelCorpus
from ...errors import SovauditError
from ...tokenizers.base import Tokenizer, count_batch

if TYPE_CHECKING:
    from ...results import ResultsDocument

from .counts import (
    AUDIT,
    BATCH,
    DEFAULT_CONTEXT_TOKENS,
    ROW_COLUMNS,
    TaxCounts,
    context_chars,
    metrics,
    premium,
)
from .doc import build_document

__all__ = [
    "AUDIT",
    "BATCH",
    "DEFAULT_CONTEXT_TOKENS",
    "ROW_COLUMNS",
    "LanguageText",
    "TaxCounts",
    "TaxSpec",
    "TokenizerTaxAudit",
    "context_chars",
    "join_segments",
    "measure",
    "measure_all",
    "metrics",
    "plan_texts",
    "premium",
]


# -- planning: the texts to tokenize ------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageText:
    """One language's joined text over the segments it shares with the reference."""

    language: str
    text: str
    segment_ids: tuple[str, ...]
    ref_segments: int
    bytes: int  # UTF-8 bytes of the text


def join_segments(segments: Sequence[str]) -> str:
    """Petrov et al.'s joining: all segments separated by a single space."""
    return " ".join(segments)


def plan_texts(
    corpus: ParallelCorpus, languages: Sequence[str], reference: str, skip_empty: bool = False
) -> tuple[list[LanguageText], dict[tuple[str, ...], str], list[str]]:
    """The text to tokenize per language, the reference text per distinct segment set, and notes.

    Raises for a missing or empty reference, and for a language with no text in common with the reference
    (unless ``skip_empty``: then it is left out with a note).
    """
    if not corpus.has(reference):
        raise SovauditError(
            f"reference language '{reference}' is not in corpus {corpus.name}",
            "pass --reference with a code the corpus has (e.g. eng for UDHR, eng_Latn for FLORES-200)",
        )
    ref_ids = tuple(corpus.aligned(reference))
    if not ref_ids:
        raise SovauditError(
            f"reference language '{reference}' has no text in corpus {corpus.name}",
            "pick another --reference",
        )
    notes: list[str] = []
    plans: list[LanguageText] = []
    refs: dict[tuple[str, ...], str] = {}
    for lang in dict.fromkeys(languages):
        ids = tuple(corpus.aligned(lang, reference))
        if not ids:
            if not skip_empty:
                raise SovauditError(
                    f"language '{lang}' shares no text with the reference '{reference}' in {corpus.name}",
                    "leave it out, or pick a reference that shares segments with it",
                )
            notes.append(f"{lang}: no text shared with the reference {reference}; left out")
            continue
        scope = set(corpus.scope(lang))  # a composed corpus: the reference's segments of lang's own corpus
        n_ref = sum(1 for i in ref_ids if i in scope)
        if len(ids) < n_ref:
            notes.append(
                f"{lang}: partial ({len(ids)} of {n_ref} reference segments); premium measured on "
                "those segments only, against the reference's text of the same segments"
            )
        text = join_segments(corpus.segments(lang, ids))
        plans.append(LanguageText(lang, text, ids, n_ref, len(text.encode("utf-8"))))
        if ids not in refs:
            refs[ids] = join_segments(corpus.segments(reference, ids))
    return plans, refs, notes


# -- measuring -----------------------------------------------------------------------------------------


def measure(
    tokenizer: Tokenizer, plans: Sequence[LanguageText], refs: dict[tuple[str, ...], str], batch: int = BATCH
) -> Iterator[tuple[str, TaxCounts]]:
    """Counts per language for one tokenizer, yielded language by language (in batches of ``batch``)."""
    keys = list(refs)
    ref_tokens = {
        k: n for k, (n, _) in zip(keys, count_batch(tokenizer, [refs[k] for k in keys]), strict=True)
    }
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        counted = count_batch(tokenizer, [p.text for p in chunk])
        for plan, (tokens, fallback) in zip(chunk, counted, strict=True):
            yield (
                plan.language,
                TaxCounts(
                    segments=len(plan.segment_ids),
                    ref_segments=plan.ref_segments,
                    tokens=tokens,
                    bytes=plan.bytes,
                    chars=len(plan.text),
                    fallback_tokens=fallback,
                    ref_tokens=ref_tokens[plan.segment_ids],
                ),
            )


def measure_all(
    tokenizers: Sequence[Tokenizer],
    plans: Sequence[LanguageText],
    refs: dict[tuple[str, ...], str],
    batch: int = BATCH,
) -> Iterator[tuple[str, str, TaxCounts]]:
    """``(tokenizer, language, counts)`` for every pair, tokenizer by tokenizer."""
    for tok in tokenizers:
        for lang, counts in measure(tok, plans, refs, batch):
            yield tok.name, lang, counts


# -- the audit -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxSpec:
    """Settings of one tokenizer audit run."""

    reference: str
    context_tokens: int = DEFAULT_CONTEXT_TOKENS
    languages: tuple[str, ...] = ()  # empty: every language of the corpus
    skip_empty: bool = True  # leave out (with a note) languages with no text shared with the reference
    countries: tuple[str, ...] | None = None  # per-country view; None: every country an audited language has
    batch: int = BATCH


class TokenizerTaxAudit:
    """Plans tokenizer x language work over a corpus, measures it and reduces it to a results document."""

    def __init__(self, corpus: ParallelCorpus, tokenizers: Sequence[Tokenizer], spec: TaxSpec) -> None:
        if not tokenizers:
            raise SovauditError("no tokenizer to audit", "pass at least one --tokenizer")
        names = [t.name for t in tokenizers]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise SovauditError(f"tokenizer named twice: {', '.join(dup)}", "pass each --tokenizer once")
        if spec.context_tokens <= 0:
            raise SovauditError(
                f"--context-tokens must be positive, not {spec.context_tokens}", "pass e.g. 8192"
            )
        self.corpus = corpus
        self.tokenizers = list(tokenizers)
        self.spec = spec
        languages = list(spec.languages) or corpus.languages
        if spec.reference not in languages:
            languages = [spec.reference, *languages]
        self.plans, self.refs, self.notes = plan_texts(corpus, languages, spec.reference, spec.skip_empty)

    @property
    def total(self) -> int:
        """Number of tokenizer x language pairs."""
        return len(self.tokenizers) * len(self.plans)

    def counts(self, progress: bool = True) -> dict[tuple[str, str], TaxCounts]:
        """Counts for every (tokenizer, language) pair."""
        pairs = measure_all(self.tokenizers, self.plans, self.refs, self.spec.batch)
        if progress:
            from ...progress import track

            pairs = track(pairs, "tokenizing", total=self.total)
        return {(tok, lang): c for tok, lang, c in pairs}

    def run(self, progress: bool = True) -> ResultsDocument:
        """Measure everything and return the :class:`~sovaudit.results.ResultsDocument`."""
        return build_document(self, self.counts(progress))
