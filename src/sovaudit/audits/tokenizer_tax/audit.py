"""The language-tax audit on the audit contract: one unit per tokenizer, counts per language, one reduce.

The method and its pure functions are in :mod:`.tokenizer_tax`; this module only plans (which tokenizers,
which languages of which corpus), scores one tokenizer per unit (:func:`.tokenizer_tax.measure`) and
reduces the summed counts with :func:`.doc.build_document`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field

from ...inputs import input_field
from ...results import ResultsDocument
from ..base import Audit, AuditSpec, Metric, Plan, Resources, Unit
from ..country import TAX_CORPUS, CountryOptions, CountryPlan, Headline, Planned, fmt, slug
from .method import ROW_COLUMNS, TaxCounts, TaxSpec, TokenizerTaxAudit

# the bundled tokenizer of each embedded model (a model folder's own tokenizer.json is used otherwise)
MODEL_TOKENIZERS = {"gemma3-270m": "gemma3"}


class TokenizersSpec(AuditSpec):
    """Settings of a language-tax run (``tokenizers`` empty: every bundled tokenizer)."""

    corpus: str = input_field("udhr", kind="corpus")
    tokenizers: tuple[str, ...] = input_field((), kind="tokenizer")
    pattern: str | None = None
    reference: str = "eng"
    languages: tuple[str, ...] = ()
    country: str | None = None
    context_tokens: int = Field(default=8192, gt=0)


def _selection(spec: TokenizersSpec) -> tuple[Any, str, list[str]]:
    """The selected corpus, its reference code and the selection's notes, read now."""
    from ...corpora import load_corpus, resolve_reference, select_languages

    loaded = load_corpus(spec.corpus)
    ref = resolve_reference(loaded, spec.reference)
    selected, notes = select_languages(loaded, list(spec.languages) or None, spec.country, ref)
    return selected, ref, notes


def _names(spec: TokenizersSpec) -> list[str]:
    from ...tokenizers import bundled_names

    return list(dict.fromkeys(spec.tokenizers or bundled_names()))


def _audit(
    spec: TokenizersSpec, selection: tuple[Any, str, list[str]], toks: Sequence[Any]
) -> TokenizerTaxAudit:
    from ...tokenizers.registry import distinct_names

    selected, ref, _ = selection
    tax = TaxSpec(
        reference=ref,
        context_tokens=spec.context_tokens,
        skip_empty=not spec.languages,
        countries=(spec.country.upper(),) if spec.country else None,
    )
    return TokenizerTaxAudit(selected, distinct_names(list(toks)), tax)


@lru_cache(maxsize=4)
def _worker_selection(spec_text: str, content: str) -> tuple[Any, str, list[str]]:
    """A worker's copy of the selection, kept per spec and per content digest of the inputs (``content``,
    from the runner), so an edited corpus is never served from this cache."""
    return _selection(TokenizersSpec.model_validate_json(spec_text))


@lru_cache(maxsize=64)
def _worker_tokenizer(name: str, pattern: str | None, content: str) -> Any:
    from ...tokenizers import load_tokenizer

    return load_tokenizer(name, pattern)


class TokenizersAudit(Audit[TokenizersSpec]):
    """How many more tokens the same content costs in each language (Petrov et al. 2023)."""

    name = "tokenizers"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "premium": Metric(False, "tokens for the same content relative to the reference (1 = parity)"),
        "tokens_per_byte": Metric(False, "tokens per UTF-8 byte of text"),
        "relative_price": Metric(False, "what the same content costs against the reference, by tokens"),
        "fallback_fraction": Metric(False, "share of tokens that are byte fallbacks (no real piece)"),
    }
    version = "1"
    Spec = TokenizersSpec
    summary = "language tax of tokenizers: token premium per language against the reference"
    row_columns: ClassVar[tuple[str, ...]] = tuple(ROW_COLUMNS)

    def plan(self, spec: TokenizersSpec) -> Plan:
        """One unit per tokenizer; context: the audit over every tokenizer and the selection's notes."""
        from ...tokenizers import load_tokenizer

        names = _names(spec)
        # what the user named is checked before the corpus is read (cheap first, and independent of it)
        if spec.country:
            from ...languages import require_country

            require_country(spec.country)
        toks = [load_tokenizer(n, spec.pattern) for n in names]
        # then the corpus, languages and reference: all checked before any unit runs
        selection = _selection(spec)
        context = (_audit(spec, selection, toks), selection[2])
        return Plan([Unit(f"tok-{i:03d}", {"tokenizer": n}) for i, n in enumerate(names)], context)

    def score(self, unit: Unit, spec: TokenizersSpec, resources: Resources) -> dict[str, Any]:
        key = resources.input_key
        selection = _worker_selection(spec.model_dump_json(), key)
        audit = _audit(spec, selection, [_worker_tokenizer(unit.payload["tokenizer"], spec.pattern, key)])
        counts = audit.counts(progress=False)
        return {"counts": {lang: c.to_dict() for (_, lang), c in counts.items()}}

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: TokenizersSpec, context: Any = None
    ) -> ResultsDocument:
        from .doc import build_document

        audit, notes = context if context is not None else self.plan(spec).context
        counts = {
            (tok.name, lang): TaxCounts.from_dict(c)
            for tok, part in zip(audit.tokenizers, partials, strict=True)
            for lang, c in part["counts"].items()
        }
        doc = build_document(audit, counts)
        doc.notes = [*notes, *doc.notes]
        return doc

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Language tax"
    dimension_order = 10
    country_runs_last = True  # a model without a bundled tokenizer needs its converted folder first

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """The model's own tokenizer over every language of the country (shipped corpora, FLORES first)."""
        if model is None:
            return ()
        from ...corpora.shipped import with_text

        # bundled for known models, else the model's tokenizer.json (resolved by country_prepare)
        tok = MODEL_TOKENIZERS.get(model, f"model:{model}")
        spec = {
            "tokenizers": (tok,),
            "country": opts.country.upper(),
            "corpus": with_text(TAX_CORPUS, opts.text),
        }
        return [Planned(self.name, model, spec, f"tokenizers/{slug(model)}")]

    def country_prepare(self, planned: Planned) -> Planned:
        """``model:SPEC`` -> the model's own tokenizer.json (a GGUF's converted folder, a model folder)."""
        from .country import resolve_model_tokenizer

        return resolve_model_tokenizer(planned)

    def headline(self, doc: ResultsDocument) -> Headline:
        """The largest token premium against English, with the language's name."""
        from ...names import row_label

        ref = doc.summary.get("reference")
        rows = [r for r in doc.rows if r.get("premium") is not None and r.get("language") != ref]
        if not rows:
            return "no language besides the reference", None
        worst = max(rows, key=lambda r: r["premium"])
        text = f"up to {fmt(worst['premium'])}x the tokens of English ({row_label(worst)})"
        return text, float(worst["premium"])
