"""The competence audit on the audit contract: plan rolling requests per language, score, reduce.

Units are shards of at most ``SEGMENTS_PER_UNIT`` texts of one language, so a process pool or Ray spreads
even one language over workers; each unit scores its texts with one rolling request each (see
:mod:`.competence` for the method) and returns ``(nats, tokens)`` per text with the model's
:class:`~sovaudit.models.base.ModelInfo`. The reduce joins them with the reference's scores, fits the
n-gram floor (pure, deterministic) and builds the document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ...models.base import ModelInfo
from ...results import ResultsDocument
from ..base import Audit, Metric, Plan, Resources, Unit
from ..country import CountryOptions, CountryPlan, Headline, Planned, fmt, model_ref, slug
from .doc import CompetenceRun
from .method import plan_languages, score_plans
from .spec import CompetenceSpec

SEGMENTS_PER_UNIT = 64


def _selection(corpus: str, reference: str, languages: tuple[str, ...], country: str | None) -> Any:
    """The loaded corpus, its reference code, the language plans and notes (read now: the plan's context)."""
    from ...corpora import load_corpus, resolve_reference, select_languages

    loaded = load_corpus(corpus)
    ref = resolve_reference(loaded, reference)
    selected, notes = select_languages(loaded, list(languages) or None, country, ref)
    wanted = tuple(selected.texts) if (languages or country) else ()
    plans, plan_notes = plan_languages(selected, ref, wanted, skip_empty=not languages)
    return selected, ref, plans, [*notes, *plan_notes]


class CompetenceAudit(Audit[CompetenceSpec]):
    """Bits per byte of a model on parallel text per language, against the reference and an n-gram floor."""

    name = "competence"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "bits_per_byte": Metric(False, "model's bits per UTF-8 byte of the text"),
        "bits_per_english_byte": Metric(False, "bits per byte of the aligned English text (content-fair)"),
        "ratio_to_reference": Metric(False, "bits relative to the reference language (1 = parity)"),
    }
    version = "2"
    Spec = CompetenceSpec
    summary = "bits per byte of a model per language on parallel text, with an n-gram floor"
    row_columns: ClassVar[tuple[str, ...]] = ()  # set below from .doc

    def plan(self, spec: CompetenceSpec) -> Plan:
        """Shards of at most ``SEGMENTS_PER_UNIT`` texts per language; context: corpus, plans, notes."""
        context = _selection(spec.corpus, spec.reference, spec.languages, spec.country)
        _, _, plans, _ = context
        units = []
        for p in plans:
            for k in range(0, len(p.texts), SEGMENTS_PER_UNIT):
                texts = list(p.texts[k : k + SEGMENTS_PER_UNIT])
                # the texts travel in the payload (so they key the unit); the unit reads only the model
                shard = f"{p.language}-{k // SEGMENTS_PER_UNIT:04d}"
                units.append(Unit(shard, {"texts": texts}, reads=("model",)))
        return Plan(units, context)

    def score(self, unit: Unit, spec: CompetenceSpec, resources: Resources) -> dict[str, Any]:
        model = resources.model(spec.model)
        texts = unit.payload["texts"]
        results = model.loglikelihood_rolling(texts)
        return {
            "texts": texts,
            "nats": [-r.logprob for r in results],
            "tokens": [r.n_tokens for r in results],
            "model": model_info_dict(model.info),
        }

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: CompetenceSpec, context: Any = None
    ) -> ResultsDocument:
        from .doc import build_document

        if context is None:
            context = _selection(spec.corpus, spec.reference, spec.languages, spec.country)
        corpus, ref, plans, notes = context
        scored: dict[str, tuple[float, int]] = {}
        for part in partials:
            for text, nats, tokens in zip(part["texts"], part["nats"], part["tokens"], strict=True):
                scored[text] = (float(nats), int(tokens))
        info = ModelInfo(**{**partials[0]["model"], "caveats": tuple(partials[0]["model"]["caveats"])})
        run = CompetenceRun(corpus, info, spec, ref, plans, [*notes, *info.caveats])
        return build_document(run, score_plans(plans, scored, ref, spec.ngram_order))

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Language competence"
    dimension_order = 20

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """Bits per byte of the model on every language of the country (a sample of the shipped corpora)."""
        if model is None:
            return ()
        from ...corpora.shipped import with_text

        spec = {
            "model": model_ref(model, opts),
            "country": opts.country.upper(),
            "bootstrap": opts.bootstrap,
            "corpus": with_text(opts.competence_corpus, opts.text),
        }
        return [Planned(self.name, model, spec, f"competence/{slug(model)}")]

    def headline(self, doc: ResultsDocument) -> Headline:
        """The worst language by bits per byte, and where the model is worse than a 5-gram."""
        from ...names import row_label

        ref = doc.summary.get("reference")
        rows = [r for r in doc.rows if r.get("language") != ref and r.get("bits_per_byte") is not None]
        if not rows:
            return "no language besides the reference", None
        worst = max(rows, key=lambda r: r["bits_per_byte"])
        floor = [row_label(r) for r in rows if (r.get("vs_ngram") or 0) > 1]
        text = f"worst {row_label(worst)} {fmt(worst['bits_per_byte'])} bits/byte"
        if floor:
            text += f"; worse than a 5-gram in {', '.join(floor)}"
        return text, float(worst["bits_per_byte"])


def model_info_dict(info: ModelInfo) -> dict[str, Any]:
    """Plain-JSON form of a :class:`ModelInfo` (for unit results)."""
    from dataclasses import asdict

    d = asdict(info)
    d["caveats"] = list(info.caveats)
    return d


def _row_columns() -> tuple[str, ...]:
    from .doc import ROW_COLUMNS

    return tuple(ROW_COLUMNS)


CompetenceAudit.row_columns = _row_columns()
