"""The audit contract: every audit is a name, a version, a pydantic ``Spec`` and three functions.

- ``plan(spec) -> Plan(units, context)``: the work, cut into units (a shard of items, segments, files
  ...). A unit's ``payload`` is plain JSON and, with the spec, is everything ``score`` needs; ``context``
  is what the driver learnt while planning (the loaded corpus, language plans, notes) and hands to
  ``reduce``, so no audit keeps hidden state between the two (a plain list of units is a Plan without
  context).
- ``score(unit, spec, resources) -> partial``: a pure function of its inputs returning plain JSON (summable
  counts, per-item log entries). ``resources`` gives what is expensive to build and is kept per worker
  (the model, loaded once per worker process or Ray actor).
- ``reduce(partials, spec, context) -> ResultsDocument``: folds the partials (in plan order) into rows,
  summary and per-item log. Metrics come from summed counts by one function per metric; bootstrap
  resamples go through that same function (see :func:`sovaudit.stats.bootstrap`).

The runner (:mod:`sovaudit.runner`) drives plan -> executor -> shard store -> reduce -> atomic write, the
same way for every audit. An audit knows no CLI and no executor. (Shape from inspect_ai's
``Task(dataset, solver, scorer)`` and datatrove's ``PipelineStep.run(data, rank, world_size)``.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..signature import make_signature, short_hash
from .country import CountryOptions, CountryPlan, Headline, Planned, scored_headline

if TYPE_CHECKING:
    from ..models.base import LanguageModel
    from ..results import InputRecord, ResultsDocument


class AuditSpec(BaseModel):
    """Everything that can change an audit's numbers. Frozen; unknown keys are refused.

    The signature is derived from it (:meth:`Audit.signature`), so two runs with equal specs are
    comparable and two with different specs say how they differ.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelRef(BaseModel):
    """Which model an audit scores and how it is loaded: parsed by :func:`sovaudit.models.loading.parse_spec`.

    ``spec`` is the user's text (an asset name, a folder, a ``.gguf``, ``hf:``/``llamacpp:``/``openai:``);
    ``options`` are backend options (``--model-option K=V``) as text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    spec: str = "gemma3-270m"
    options: dict[str, str] = Field(default_factory=dict)
    cache: bool = True
    trust_remote_code: bool = False
    max_length: int | None = Field(default=None, gt=0)


class ModelAuditSpec(AuditSpec):
    """A spec of an audit that scores a model."""

    model: ModelRef = Field(default_factory=ModelRef)


@dataclass(frozen=True)
class Unit:
    """One unit of work of one audit: ``shard`` names it (unique within the plan; a file name).

    ``reads`` names the spec fields whose inputs this unit reads (``"model"`` for the model, ``"corpus"``
    ...): only their content digests enter the unit's key, so a change to one input recomputes only the
    units that read it. ``None`` (the default, always safe): every input of the spec.
    """

    shard: str
    payload: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    reads: tuple[str, ...] | None = field(default=None, hash=False, compare=False)


@dataclass
class Plan:
    """What ``plan`` returns: the units, and the context the driver keeps for ``reduce`` (never sent to
    workers: anything a unit needs travels in its payload)."""

    units: list[Unit]
    context: Any = None

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)


class Resources:
    """What ``score`` may use that is costly to build: kept for the worker's life (see :mod:`.runner`)."""

    def __init__(self) -> None:
        self._models: dict[str, LanguageModel] = {}
        #: content digest of the inputs the unit being scored reads (set by the runner before ``score``):
        #: a cache a worker keeps across units must include it in its key
        self.input_key = ""
        #: content digest of the model's files for the unit being scored: part of the key of a loaded model,
        #: so a model file edited between two runs of one process is loaded again, never served stale
        self.model_digest = ""

    def model(self, ref: ModelRef) -> LanguageModel:
        """The model ``ref`` names, loaded on first use and kept for every later unit of this worker."""
        from ..models.cache import default_cache_path

        prefix = ref.model_dump_json() + f"|{default_cache_path() if ref.cache else ''}|"
        key = prefix + self.model_digest
        if key not in self._models:
            for old in [k for k in self._models if k.startswith(prefix)]:
                del self._models[old]  # an earlier version of the same model's files
            from ..models.loading import backend_of, load_model, parse_model_options

            _limit_threads()

            options = parse_model_options(backend_of(ref.spec), sorted(ref.options.items()))
            self._models[key] = load_model(
                ref.spec,
                cache=ref.cache,
                trust_remote_code=ref.trust_remote_code,
                max_length=ref.max_length,
                **options,
            )
        return self._models[key]

    def answer_counts(self) -> tuple[int, int]:
        """Answers (computed, asked) so far by the cached models of this worker (uncached: not counted)."""
        from ..models.cache import CachedModel

        computed = asked = 0
        for m in self._models.values():
            if isinstance(m, CachedModel):
                computed, asked = computed + m.computed, asked + m.requested
        return computed, asked

    def close(self) -> None:
        """Drop the loaded models."""
        self._models.clear()


WORKER_THREADS_ENV = "SOVAUDIT_WORKER_THREADS"


def _limit_threads() -> None:
    """In a pool worker, use the CPU threads the runner gave it (cores / workers), not every core.

    Without this, two workers on two cores each start two torch threads and slow each other down.
    """
    import os

    threads = os.environ.get(WORKER_THREADS_ENV)
    if threads and threads.isdigit() and int(threads) > 0:
        try:
            import torch
        except ImportError:
            return
        torch.set_num_threads(int(threads))


@dataclass(frozen=True)
class Metric:
    """How to read one metric column of an audit's rows (lm-eval's ``higher_is_better``, made explicit).

    ``higher_is_better``: True, False, or None for a measure with no better direction (a position on an
    axis, a bias score whose ideal is 0, a share). ``description`` says what a reader compares it with.
    """

    higher_is_better: bool | None
    description: str


SpecT = TypeVar("SpecT", bound=AuditSpec)


class Audit(Generic[SpecT]):
    """Base class of every audit. Subclasses set ``name``, ``version``, ``Spec`` and the three functions."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    Spec: ClassVar[type[AuditSpec]]
    #: columns of rows.csv, in order (empty: every scalar column of the rows)
    row_columns: ClassVar[tuple[str, ...]] = ()
    #: one line for ``sovaudit run --help`` / ``sovaudit audits``
    summary: ClassVar[str] = ""
    #: the metric columns of the rows and how to read them (recorded in every results document)
    metrics: ClassVar[Mapping[str, Metric]] = {}
    #: its column in a country audit's scorecard ("": not part of country audits), and the column's place
    dimension: ClassVar[str] = ""
    dimension_order: ClassVar[int] = 100
    #: run after the country audit's other audits (e.g. it needs a model converted by them)
    country_runs_last: ClassVar[bool] = False

    def plan(self, spec: SpecT) -> Plan | Sequence[Unit]:
        """The units of work, in a deterministic order, with what ``reduce`` needs from planning."""
        raise NotImplementedError

    def score(self, unit: Unit, spec: SpecT, resources: Resources) -> dict[str, Any]:
        """The partial result of one unit: plain JSON."""
        raise NotImplementedError

    def reduce(self, partials: Sequence[dict[str, Any]], spec: SpecT, context: Any = None) -> ResultsDocument:
        """The results document from every unit's partial result (in plan order) and the plan's context."""
        raise NotImplementedError

    # -- a country audit (sovaudit.country discovers these; defaults: not part of it) ------------------------
    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """What a country audit runs of this audit for ``model`` (``None``: once, not per model): planned
        runs, or what cannot be measured with the reason and the command that would measure it."""
        return ()

    def country_prepare(self, planned: Planned) -> Planned:
        """A planned run made ready just before it runs (e.g. a tokenizer found in a converted model)."""
        return planned

    def headline(self, doc: ResultsDocument) -> Headline:
        """The scorecard cell of one of its documents: text, and the number it leads with."""
        return scored_headline(doc)

    # -- derived; rarely overridden ------------------------------------------------------------------------
    def signature_parts(self, spec: SpecT) -> list[tuple[str, str]]:
        """``(key, value)`` parts of the signature; default: the audit and a hash of the spec."""
        return [("audit", f"{self.name}.{self.version}"), ("spec", short_hash(spec_json(spec)))]

    def signature(self, spec: SpecT) -> str:
        """The signature string of a result computed with ``spec``."""
        return make_signature(self.signature_parts(spec))

    def inputs(self, spec: SpecT) -> list[InputRecord]:
        """Every input ``spec`` names (fields marked by :func:`sovaudit.inputs.input_field`, and the model),
        hashed by content. Override only for an input no spec field names."""
        from ..inputs import spec_inputs

        return spec_inputs(spec)

    def needs_model(self, spec: SpecT) -> bool:
        """Whether a run of ``spec`` loads its ``model`` (only then is it resolved before any work)."""
        return True

    def subject(self, spec: SpecT) -> str:
        """A hash that names this audit, version and spec: part of every unit's fingerprint."""
        blob = json.dumps([self.name, self.version, spec_json(spec)])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def spec_json(spec: AuditSpec) -> str:
    """Canonical JSON of a spec (sorted keys): hashes and fingerprints are taken over this."""
    return json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def as_plan(planned: Plan | Sequence[Unit]) -> Plan:
    """``plan``'s answer as a :class:`Plan` (a bare list of units has no context)."""
    return planned if isinstance(planned, Plan) else Plan(list(planned))


def call_reduce(audit: Audit[Any], partials: Sequence[dict[str, Any]], spec: AuditSpec, context: Any) -> Any:
    """``audit.reduce`` with the plan's context (an older reduce that takes no context gets none)."""
    import inspect

    params = inspect.signature(audit.reduce).parameters
    if len(params) >= 3 or any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params.values()):
        return audit.reduce(partials, spec, context)
    return audit.reduce(partials, spec)
