"""The bias audit on the audit contract: plan (items in shards) -> score (model or given predictions) ->
reduce (rows per benchmark and category, bootstrap intervals, the per-item log).

Rows (``results.json`` ``rows``, one per benchmark x category): ``benchmark``, ``category``, ``s_dis``,
``s_amb`` (x100; BBQ's s_DIS/s_AMB, KoBBQ's diff-bias, CBBQ's S_disamb/S_amb: see :mod:`.metrics`),
their ``*_ci_low``/``*_ci_high`` bootstrap 95% intervals, ``accuracy_ambig``, ``accuracy_disambig``,
``n_ambig``, ``n_disambig``, ``n_underivable`` (items whose biased answer cannot be derived: left out of
every number), ``biased_share_ambig``/``biased_share_disambig`` (share of non-unknown answers that were
the biased one); CBBQ adds ``s_total``; CrowS-Pairs rows have ``pct_stereotype``, ``likelihood_diff`` and
``n_pairs`` instead. ``items``: one entry per item (``category``, ``example_id``, ``prediction``,
``logprobs`` - null for given predictions -, ``biased`` ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from ...errors import SovauditError
from ...inputs import input_field
from ...results import ResultsDocument, make_provenance
from ...signature import short_hash
from ...stats import bootstrap, point
from ..base import Audit, Metric, ModelAuditSpec, Plan, Resources, Unit, spec_json
from ..country import CountryOptions, CountryPlan, Headline, Planned, fmt, model_ref, slug
from . import metrics as M
from .data import LANGUAGES, Loaded, load
from .items import BENCHMARKS, Item
from .predictions import file_digest, item_key, read_predictions
from .scoring import record, score_items

BLODGETT = (
    'CrowS-Pairs has documented data-quality problems (Blodgett et al., ACL 2021, "Stereotyping '
    'Norwegian Salmon"): many pairs do not contrast a stereotype with its negation, some are about '
    "the wrong group or are not minimal pairs; read pct_stereotype as a rough signal, not a measurement."
)
ROW_COLUMNS = (
    "benchmark",
    "category",
    "s_dis",
    "s_dis_ci_low",
    "s_dis_ci_high",
    "s_amb",
    "s_amb_ci_low",
    "s_amb_ci_high",
    "s_total",
    "accuracy_ambig",
    "accuracy_disambig",
    "n_ambig",
    "n_disambig",
    "n_underivable",
    "biased_share_ambig",
    "biased_share_disambig",
    "pct_stereotype",
    "pct_stereotype_ci_low",
    "pct_stereotype_ci_high",
    "likelihood_diff",
    "n_pairs",
)


class BiasSpec(ModelAuditSpec):
    """Settings of a bias run (every one can change its numbers)."""

    benchmarks: tuple[str, ...] = ()  # empty: those of ``country``, else ("bbq",)
    categories: tuple[str, ...] = ()  # empty: all
    country: str | None = None
    data: str | None = input_field(
        None, kind="data"
    )  # a folder in the upstream layout, for the one benchmark chosen
    predictions: str | None = input_field(
        None, kind="predictions"
    )  # JSONL of given answers instead of a model
    unknown_variants: bool = False  # BBQ: also score lm-eval's ten "unknown" phrasings
    limit: int | None = Field(default=None, gt=0)  # first N items of each category (file order)
    shard_size: int = Field(default=100, gt=0)
    bootstrap: int = Field(default=1000, ge=0)
    seed: int = Field(default=0, ge=0)  # numpy refuses a negative seed: refuse it before any work


def chosen_benchmarks(spec: BiasSpec) -> list[str]:
    """The benchmarks of the spec: named, or those in the country's languages, or BBQ."""
    for b in spec.benchmarks:
        if b not in BENCHMARKS:
            raise SovauditError(f"unknown benchmark '{b}'", f"use one of: {', '.join(BENCHMARKS)}")
    if spec.benchmarks:
        return list(dict.fromkeys(spec.benchmarks))
    if spec.country:
        from ...languages import country_languages

        langs = {lang.iso639_3 for lang, _ in country_languages(spec.country, min_share=0.05)}
        langs |= {"zho"} if langs & {"cmn", "yue", "wuu"} else set()
        found = [b for b, lang in LANGUAGES.items() if lang in langs and (b != "jbbq" or spec.data)]
        if not found:
            raise SovauditError(
                f"no bias benchmark in the languages of {spec.country.upper()}",
                f"name one with --benchmark ({', '.join(BENCHMARKS)})",
            )
        return found
    return ["bbq"]


def prepare(spec: BiasSpec) -> tuple[list[Loaded], dict[tuple[str, str], int] | None]:
    """Read the chosen benchmarks, filtered and limited, and the predictions (the plan keeps them as its
    context for ``reduce``; nothing is cached between runs, so an edited file is always read anew)."""
    names = chosen_benchmarks(spec)
    if spec.data and len(names) != 1:
        raise SovauditError(
            "--data names one benchmark's folder, but several benchmarks are chosen",
            "run one --benchmark with --data",
        )
    if spec.predictions and (len(names) != 1 or BENCHMARKS[names[0]] != "mc"):
        raise SovauditError(
            "--predictions scores one multiple-choice benchmark (bbq, kobbq, cbbq, jbbq)",
            "run one such --benchmark with --predictions",
        )
    loaded = [load(b, spec.data) for b in names]
    wanted = {c.lower() for c in spec.categories}
    if wanted:
        have = {
            c.lower()
            for ld in loaded
            for it in ld.items
            for c in (it.category, it.meta.get("file_category", ""))
        }
        missing = sorted(wanted - have)
        if missing:
            cats = sorted({it.category for ld in loaded for it in ld.items})
            raise SovauditError(
                f"category {missing[0]!r} is not in the data of {', '.join(names)}",
                f"use one of: {', '.join(cats)}",
            )
        for ld in loaded:
            ld.items = [
                it
                for it in ld.items
                if it.category.lower() in wanted or str(it.meta.get("file_category", "")).lower() in wanted
            ]
    if spec.limit:
        for ld in loaded:
            seen: dict[str, int] = {}
            keep = []
            for it in ld.items:
                seen[it.category] = seen.get(it.category, 0) + 1
                if seen[it.category] <= spec.limit:
                    keep.append(it)
            ld.items = keep
    preds = None
    if spec.predictions:
        preds = read_predictions(Path(spec.predictions), loaded[0].items)
        unpredicted = sum(1 for it in loaded[0].items if item_key(it) not in preds)
        loaded[0].items = [it for it in loaded[0].items if item_key(it) in preds]
        if unpredicted:
            loaded[0].notes.append(f"{unpredicted} item(s) of the data have no prediction; left out")
    return loaded, preds


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "x"


class BiasAudit(Audit[BiasSpec]):
    """Social-bias benchmarks (BBQ, KoBBQ, CBBQ, JBBQ, CrowS-Pairs EN/FR), scored as their papers define."""

    name = "bias"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "s_dis": Metric(None, "bias score in disambiguated contexts: 0 none, + stereotyped, - anti"),
        "s_amb": Metric(None, "bias score in ambiguous contexts: 0 none, + stereotyped, - anti"),
        "accuracy_ambig": Metric(True, "share of ambiguous items answered 'unknown'"),
        "accuracy_disambig": Metric(True, "share of disambiguated items answered correctly"),
        "pct_stereotype": Metric(None, "CrowS-Pairs: % of pairs, stereotype likelier (50 = none)"),
    }
    version = "1"
    Spec = BiasSpec
    row_columns: ClassVar[tuple[str, ...]] = ROW_COLUMNS
    summary = "Which stereotypes the model leans on: BBQ, KoBBQ, CBBQ, JBBQ, CrowS-Pairs EN/FR."

    def plan(self, spec: BiasSpec) -> Plan:
        """Shards of ``shard_size`` items per benchmark x category, in file order; context: the data."""
        loaded, preds = prepare(spec)
        units = []
        for ld in loaded:
            groups: dict[str, list[Item]] = {}
            for it in ld.items:
                groups.setdefault(it.category, []).append(it)
            for cat, items in groups.items():
                for k in range(0, len(items), spec.shard_size):
                    chunk = items[k : k + spec.shard_size]
                    payload: dict[str, Any] = {"items": [it.to_dict() for it in chunk]}
                    if preds is not None:
                        payload["predictions"] = [preds[item_key(it)] for it in chunk]
                    units.append(Unit(f"{ld.benchmark}-{_safe(cat)}-{k // spec.shard_size:04d}", payload))
        return Plan(units, loaded)

    def score(self, unit: Unit, spec: BiasSpec, resources: Resources) -> dict[str, Any]:
        """Per-item log entries of one shard."""
        items = [Item.from_dict(d) for d in unit.payload["items"]]
        if "predictions" in unit.payload:
            return {
                "items": [
                    record(it, None, prediction=p)
                    for it, p in zip(items, unit.payload["predictions"], strict=True)
                ]
            }
        model = resources.model(spec.model)
        return {"items": score_items(items, model, spec.unknown_variants)}

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: BiasSpec, context: Any = None
    ) -> ResultsDocument:
        """Rows per benchmark x category (and all pairs of a CrowS set), notes, provenance, items."""
        loaded: list[Loaded] = context if context is not None else prepare(spec)[0]
        recs = [r for p in partials for r in p["items"]]
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in recs:
            groups.setdefault((r["benchmark"], r["category"]), []).append(r)
        for ld in loaded:
            if M.FAMILY_OF[ld.benchmark] == "crows":
                groups[(ld.benchmark, "(all)")] = [r for r in recs if r["benchmark"] == ld.benchmark]
        rows = [self._row(b, c, rs, spec) for (b, c), rs in groups.items()]
        notes = [n for ld in loaded for n in ld.notes]
        for row in rows:
            if row.get("n_underivable"):
                notes.append(
                    f"{row['benchmark']} {row['category']}: {row['n_underivable']} item(s) whose biased "
                    "answer cannot be derived from the data are left out of every number"
                )
        if any(M.FAMILY_OF[ld.benchmark] == "crows" for ld in loaded):
            notes.append(BLODGETT)
        summary = {
            "benchmarks": [ld.benchmark for ld in loaded],
            "scorer": "predictions" if spec.predictions else "model",
            "scale": "scores x100; 0 = no measured bias, > 0 = toward the stereotype (CBBQ: 0..100 share; "
            "CrowS pct_stereotype: 50 = no preference)",
            "data": {ld.benchmark: {"files": ld.files, "digest": ld.digest} for ld in loaded},
        }
        return ResultsDocument(
            audit=self.name,
            signature="",
            provenance=make_provenance([ld.record for ld in loaded if ld.record]),
            rows=rows,
            summary=summary,
            items=recs,
            notes=notes,
        )

    def _row(self, bench: str, cat: str, recs: list[dict[str, Any]], spec: BiasSpec) -> dict[str, Any]:
        fam = M.FAMILY_OF[bench]
        names, metric_fns = M.FAMILIES[fam]
        vectors = [M.item_stats(bench, r) for r in recs]
        stats = np.array([v for v in vectors if v is not None], dtype=float).reshape(-1, len(names))
        row: dict[str, Any] = {"benchmark": bench, "category": cat}
        for col, fn in metric_fns.items():
            row[col] = point(stats, fn)
            if col in M.BOOTSTRAPPED:
                ci = bootstrap(stats, fn, spec.bootstrap, spec.seed)
                row[f"{col}_ci_low"], row[f"{col}_ci_high"] = ci if ci else (None, None)
        sums = stats.sum(axis=0) if len(stats) else np.zeros(len(names))
        s = dict(zip(names, sums.tolist(), strict=True))
        if fam == "crows":
            row["n_pairs"] = int(s["n_pairs"])
            return row
        row["n_ambig"], row["n_disambig"] = int(s["n_amb"]), int(s["n_dis"])
        row["n_underivable"] = sum(v is None for v in vectors)
        for cond, col in (("ambig", "biased_share_ambig"), ("disambig", "biased_share_disambig")):
            answered = [
                r
                for r in recs
                if r["condition"] == cond
                and r["biased_answer"] is not None
                and r["prediction"] != r["unknown"]
            ]
            row[col] = (
                sum(r["prediction"] == r["biased_answer"] for r in answered) / len(answered)
                if answered
                else None
            )
        return row

    def needs_model(self, spec: BiasSpec) -> bool:
        """Given predictions need no model (none is resolved, installed or loaded)."""
        return not spec.predictions

    def signature_parts(self, spec: BiasSpec) -> list[tuple[str, str]]:
        """Audit, each benchmark's data digest, the scorer (model or predictions file), the prompts."""
        loaded, _ = prepare(spec)
        parts = [("audit", f"{self.name}.{self.version}")]
        parts += [(f"data:{ld.benchmark}", ld.digest[:8]) for ld in loaded]
        if spec.predictions:
            parts.append(("pred", file_digest(Path(spec.predictions))[:8]))
        else:
            parts.append(("model", spec.model.spec))
        text = resources.files(__package__).joinpath("prompts", "prompts.yaml").read_text(encoding="utf-8")
        parts.append(("prompts", short_hash(text)))
        parts.append(("spec", short_hash(spec_json(spec))))
        return parts

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Bias"
    dimension_order = 30

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """The bias benchmarks in the country's languages (BBQ otherwise), a sample per category."""
        if model is None:
            return ()
        spec: dict[str, Any] = {
            "model": model_ref(model, opts),
            "country": opts.country.upper(),
            "bootstrap": opts.bootstrap,
        }
        if opts.bias_limit:
            spec["limit"] = opts.bias_limit
        return [Planned(self.name, model, spec, f"bias/{slug(model)}")]

    def headline(self, doc: ResultsDocument) -> Headline:
        """The category with the largest ambiguous-context bias (or the most stereotyped CrowS set)."""
        rows = [r for r in doc.rows if r.get("s_amb") is not None]
        if rows:
            top = max(rows, key=lambda r: abs(r["s_amb"]))
            text = f"{top['benchmark']} {top['category']}: ambiguous-context bias {fmt(top['s_amb'], 1)}"
            return text, float(top["s_amb"])
        rows = [r for r in doc.rows if r.get("pct_stereotype") is not None]
        if rows:
            top = max(rows, key=lambda r: r["pct_stereotype"])
            return (
                f"{top['benchmark']} {top.get('category', '')}: {fmt(top['pct_stereotype'], 1)}% stereotyped",
                None,
            )
        return "scored; see the section", None
