"""Which audits a country audit runs for each model, with which settings — or why one cannot run.

Pure planning: :func:`plan_country` turns a country, models and options into :class:`Planned` audits
(name, model, spec, output folder) and :class:`NotMeasured` entries (the reason and the exact command that
would make it run). Nothing here loads a model or reads a benchmark; an audit that fails when run is turned
into a :class:`NotMeasured` by the runner of the country audit, so a missing piece never fails the report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

# The order of the scorecard's columns: every dimension the country report speaks to.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("tokenizers", "Language tax"),
    ("competence", "Language competence"),
    ("bias", "Bias"),
    ("opinions", "Opinions"),
    ("politics", "Political lean"),
    ("culture", "Cultural knowledge"),
    ("pack", "Probe packs"),
    ("openness", "Openness"),
    ("corpus", "Training data"),
)
# the bundled tokenizer of each embedded model (a model folder's own tokenizer.json is used otherwise)
MODEL_TOKENIZERS = {"gemma3-270m": "gemma3"}
GOQA_ENV = "SOVAUDIT_GLOBALOPINIONQA"  # path of the user's GlobalOpinionQA CSV
# each language from the corpus sovaudit ships that has it: FLORES-200 first, UDHR for the rest
TAX_CORPUS = "shipped"  # tokenizing is cheap: all 1,012 FLORES devtest sentences
# a model scores every segment: the first 30 FLORES sentences per language (UDHR languages: all 31 articles)
# keep Kenya's 13 texts at ~28 K gemma3 tokens, as many as its 8 UDHR texts before (benchmarks/demo_time.md)
COMPETENCE_CORPUS = "shipped:30"


@dataclass(frozen=True)
class CountryOptions:
    """Options of a country audit; the defaults fit two small models in about half an hour on 2 cores."""

    country: str
    models: tuple[str, ...]
    corpus: str | None = None  # training data to audit (files, folders or globs, comma-separated)
    opinions_data: str | None = None  # GlobalOpinionQA CSV (default: $SOVAUDIT_GLOBALOPINIONQA)
    bias_limit: int | None = 100  # items per benchmark category (None: all)
    culture_questions: int | None = 50  # BLEnD questions per country and language (None: all)
    politics_templates: int = 4  # Röttger et al.'s prompt templates (1-20)
    opinions_limit: int | None = 200
    bootstrap: int = 1000
    competence_corpus: str = COMPETENCE_CORPUS
    text: str | None = None  # the user's own parallel text (TSV/JSONL) for languages no corpus has
    studio_export: str | None = None  # a folder `sovaudit studio export` wrote: the experts' grades
    model_options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Planned:
    """One audit to run: ``folder`` is relative to the bundle."""

    audit: str
    model: str
    spec: dict[str, Any]
    folder: str


@dataclass(frozen=True)
class NotMeasured:
    """A dimension that could not be measured for a model: why, and the command that would measure it."""

    audit: str
    model: str
    reason: str
    command: str


def slug(text: str) -> str:
    """A file-name-safe form of a model spec or name."""
    keep = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)
    return keep.strip("-.")[:80] or "model"


def _model(spec: str, opts: CountryOptions) -> dict[str, Any]:
    return {"spec": spec, "options": dict(opts.model_options)}


def plan_country(opts: CountryOptions) -> list[Planned | NotMeasured]:
    """Every (dimension, model) of the scorecard: planned, or not measured with the reason and command."""
    cc = opts.country.upper()
    out: list[Planned | NotMeasured] = []
    packs = _packs(cc)
    goqa = opts.opinions_data or os.environ.get(GOQA_ENV)
    blend = _blend_code(cc)
    for m in opts.models:
        ms = slug(m)
        model = _model(m, opts)
        # the model's own tokenizer: bundled for known models, else its tokenizer.json (resolved at run time,
        # once the model is loaded: a GGUF's converted folder holds one)
        tok = MODEL_TOKENIZERS.get(m, f"model:{m}")
        from ..corpora.shipped import with_text

        tax = {"tokenizers": (tok,), "country": cc, "corpus": with_text(TAX_CORPUS, opts.text)}
        out.append(Planned("tokenizers", m, tax, f"tokenizers/{ms}"))
        comp_corpus = with_text(opts.competence_corpus, opts.text)
        comp = {"model": model, "country": cc, "bootstrap": opts.bootstrap, "corpus": comp_corpus}
        out.append(Planned("competence", m, comp, f"competence/{ms}"))
        bias: dict[str, Any] = {"model": model, "country": cc, "bootstrap": opts.bootstrap}
        if opts.bias_limit:
            bias["limit"] = opts.bias_limit
        out.append(Planned("bias", m, bias, f"bias/{ms}"))
        if goqa:
            spec = {"model": model, "data": goqa, "countries": (cc,), "bootstrap": opts.bootstrap}
            if opts.opinions_limit:
                spec["limit"] = opts.opinions_limit
            out.append(Planned("opinions", m, spec, f"opinions/{ms}"))
        else:
            out.append(
                NotMeasured(
                    "opinions", m,
                    "GlobalOpinionQA is not on this machine (CC BY-NC-SA 4.0, on a model hub only: the user"
                    " supplies the CSV)",
                    f"sovaudit audit --country {cc} --opinions-data PATH/TO/global_opinions.csv"
                    f" (or set {GOQA_ENV})",
                )
            )  # fmt: skip
        templates = tuple(f"templ-{i:02d}" for i in range(1, max(1, min(20, opts.politics_templates)) + 1))
        out.append(
            Planned("politics", m, {"model": model, "statements": "8values", "templates": templates},
                    f"politics/{ms}")
        )  # fmt: skip
        if blend:
            spec = {"model": model, "benchmark": "blend", "countries": (blend,), "bootstrap": opts.bootstrap}
            if opts.culture_questions:
                spec["max_questions"] = opts.culture_questions
            out.append(Planned("culture", m, spec, f"culture/{ms}"))
        else:
            out.append(
                NotMeasured(
                    "culture", m,
                    f"no cultural-knowledge benchmark sovaudit carries covers {cc}"
                    " (BLEnD covers 16 countries)",
                    f"sovaudit pack new DIR --country {cc}  # then its items: docs/writing-a-probe-pack.md",
                )
            )  # fmt: skip
        if packs:
            for name, path in packs:
                out.append(
                    Planned("pack", m, {"model": model, "pack": path, "bootstrap": opts.bootstrap},
                            f"pack/{slug(name)}/{ms}")
                )  # fmt: skip
        else:
            out.append(
                NotMeasured("pack", m, f"no installed probe pack is tagged with {cc}",
                            f"sovaudit pack new DIR --country {cc}  # then put it in $SOVAUDIT_PACKS")
            )  # fmt: skip
        out.append(Planned("openness", m, {"models": (m,)}, f"openness/{ms}"))
    if opts.corpus:
        paths = tuple(p for p in opts.corpus.split(",") if p)
        out.append(Planned("corpus", "", {"paths": paths, "country": cc}, "corpus"))
    else:
        for m in opts.models:
            out.append(
                NotMeasured(
                    "corpus", m,
                    "the model's training data is not published with it, or was not given",
                    f"sovaudit audit --country {cc} --model {m} --corpus PATH/TO/CORPUS",
                )
            )  # fmt: skip
    return out


def _packs(cc: str) -> list[tuple[str, str]]:
    from ..packs import packs_for_country

    return [(p.meta.name, str(p.path)) for p in packs_for_country(cc)]


def _blend_code(cc: str) -> str | None:
    """BLEnD's code for the country, if BLEnD covers it."""
    from ..audits.culture.blend import COUNTRIES

    return cc if cc in COUNTRIES else None
