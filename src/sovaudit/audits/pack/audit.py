"""The ``pack`` audit: run a probe pack (questions written by local experts) through a model.

Rows per language and topic (and per language over all topics, ``topic == "all"``): ``score`` (share of
items answered right), its bootstrap 95% interval (``ci_low``, ``ci_high``; resampling items, through the
same metric function), ``n_items`` and ``n_empty`` (short answers the model left empty: counted wrong and
reported, never dropped). The summary gives each language's score and its gap to the pack's first
language. How each item type is scored: :mod:`sovaudit.packs.scoring`.

An item whose prompt (with its longest choice, or with ``max_tokens`` for a short answer) does not fit the
model's context window is never scored: a backend would cut the prompt from the left and the model would
never see the question. It is logged per item as ``status: too_long`` (with its token count and the
window), left out of every score and count of ``n_items``, and counted in ``summary["too_long"]`` and the
notes. A backend that cannot count tokens (a remote server) is not checked, and the notes say so.

The pack is read and checked in :meth:`PackAudit.plan`, before any model is loaded: an invalid pack stops
the run with the first problem and the count (``sovaudit pack validate`` lists them all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from ...inputs import input_field
from ...models.base import CountsTokens, GenerateRequest
from ...packs.format import PackItem, PackTemplates
from ...packs.load import load_pack
from ...packs.scoring import choices, clean_response, prompt, short_answer_correct
from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import hashed
from ...stats import bootstrap, mean_metric, point
from ..base import Audit, Metric, ModelAuditSpec, Resources, Unit
from ..country import (
    CountryOptions,
    CountryPlan,
    Headline,
    NotMeasured,
    Planned,
    model_ref,
    scored_headline,
    slug,
)

ITEMS_PER_UNIT = 100


class PackSpec(ModelAuditSpec):
    """Settings of a pack run."""

    pack: str = input_field(kind="pack")
    languages: tuple[str, ...] = ()  # empty: every language of the pack
    max_tokens: int | None = Field(default=None, ge=1, le=512)  # default: the pack's own
    bootstrap: int = Field(default=1000, ge=0)
    seed: int = Field(default=0, ge=0)  # numpy refuses a negative seed: refuse it before any work


def too_long_items(
    items: Sequence[PackItem], tpl: PackTemplates, model: Any, max_tokens: int
) -> dict[str, dict[str, Any]] | None:
    """``id -> {status, tokens, context}`` of the items that do not fit the model's context window;
    ``None`` when the backend cannot count tokens or states no window (nothing could be checked)."""
    window = model.info.context_length
    if not window or not isinstance(model, CountsTokens):
        return None
    out: dict[str, dict[str, Any]] = {}
    for it in items:
        text = prompt(it, tpl)
        if it.type == "short":
            n = model.count_tokens(text)
            need = None if n is None else n + max_tokens
        else:
            counts = [model.count_tokens(text + c) for c in choices(it, tpl)]
            need = None if any(c is None for c in counts) else max(c for c in counts if c is not None)
        if need is None:
            return None
        if need > window:
            out[it.id] = {"status": "too_long", "tokens": need, "context": window, "correct": None}
    return out


def score_items(
    items: Sequence[PackItem], tpl: PackTemplates, model: Any, max_tokens: int
) -> list[dict[str, Any]]:
    """Score items of one language: one loglikelihood call for every mc/agree item (each item's choices share
    its prompt, so the engine scores them in one pass), one batched generate call for short answers. Items
    longer than the context window are not scored (:func:`too_long_items`)."""
    logs: list[dict[str, Any]] = []
    skipped = too_long_items(items, tpl, model, max_tokens)
    by_id: dict[str, dict[str, Any]] = dict(skipped or {})
    unchecked = {"status": "length_unchecked"} if skipped is None else {}
    scored = [it for it in items if it.id not in by_id]
    ranked = [it for it in scored if it.type != "short"]
    requests = [(prompt(it, tpl), c) for it in ranked for c in choices(it, tpl)]
    results = model.loglikelihood(requests) if requests else []
    k = 0
    for it in ranked:
        n = len(choices(it, tpl))
        lps = [float(r.logprob) for r in results[k : k + n]]
        k += n
        pick = int(np.argmax(lps))
        by_id[it.id] = {
            "answer": pick,
            "logprobs": lps,
            "correct": int(pick == it.correct),
            "empty": 0,
            **unchecked,
        }
    short = [it for it in scored if it.type == "short"]
    gens = (
        model.generate(
            [GenerateRequest(prompt(it, tpl), until=("\n\n",), max_tokens=max_tokens) for it in short]
        )
        if short
        else []
    )
    for it, raw in zip(short, gens, strict=True):
        resp = clean_response(raw or "")
        ok = bool(resp) and short_answer_correct(resp, it.accepted, it.normalise)
        by_id[it.id] = {"answer": resp, "correct": int(ok), "empty": int(not resp), **unchecked}
    for it in items:
        logs.append(
            {"id": it.id, "language": it.language, "topic": it.topic, "type": it.type, **by_id[it.id]}
        )
    return logs


def group_rows(logs: Sequence[dict[str, Any]], n_boot: int, seed: int) -> list[dict[str, Any]]:
    """Rows per language x topic and per language (``topic == "all"``), from per-item correctness."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in logs:
        if e.get("status") == "too_long":
            continue  # never scored: left out of every score and count
        groups.setdefault((e["language"], e["topic"]), []).append(e)
        groups.setdefault((e["language"], "all"), []).append(e)
    rows = []
    for (lang, topic), entries in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] == "all", kv[0][1])
    ):
        stats = np.array([[e["correct"], 1.0] for e in entries], dtype=float)
        ci = bootstrap(stats, mean_metric, n_boot, seed)
        rows.append(
            {
                "language": lang,
                "topic": topic,
                "score": point(stats, mean_metric),
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "n_items": len(entries),
                "n_empty": sum(e.get("empty", 0) for e in entries),
            }
        )
    return rows


class PackAudit(Audit[PackSpec]):
    """Scores a model on a probe pack, per language and topic."""

    name = "pack"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "score": Metric(True, "share of the pack's items answered correctly"),
    }
    version = "1"
    Spec = PackSpec
    row_columns: ClassVar[tuple[str, ...]] = (
        "language",
        "topic",
        "score",
        "ci_low",
        "ci_high",
        "n_items",
        "n_empty",
    )
    summary = "a probe pack written by local experts: score per language and topic"

    def plan(self, spec: PackSpec) -> list[Unit]:
        """Check the pack (before any model loads); cut each language's items into units of 100."""
        pack = load_pack(spec.pack)
        langs = list(spec.languages or pack.meta.languages)
        for lang in langs:
            if lang not in pack.meta.languages:
                from ...errors import SovauditError

                raise SovauditError(
                    f"pack {pack.meta.name} has no language '{lang}'",
                    f"use one of {', '.join(pack.meta.languages)}",
                )
        max_tokens = spec.max_tokens or pack.meta.max_tokens
        units = []
        for lang in langs:
            items = [it for it in pack.items if it.language == lang]
            tpl = pack.templates(lang).model_dump()
            for start in range(0, len(items), ITEMS_PER_UNIT):
                chunk = items[start : start + ITEMS_PER_UNIT]
                units.append(
                    Unit(
                        f"{lang}-{start // ITEMS_PER_UNIT:04d}",
                        {
                            "templates": tpl,
                            "max_tokens": max_tokens,
                            "items": [it.to_payload() for it in chunk],
                        },
                    )
                )
        return units

    def score(self, unit: Unit, spec: PackSpec, resources: Resources) -> dict[str, Any]:
        """Per-item log of one unit."""
        items = [PackItem.model_validate(p) for p in unit.payload["items"]]
        tpl = PackTemplates.model_validate(unit.payload["templates"])
        model = resources.model(spec.model)
        return {"items": score_items(items, tpl, model, int(unit.payload["max_tokens"]))}

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: PackSpec, context: Any = None
    ) -> ResultsDocument:
        """Rows per language and topic, the per-language summary and gaps, the per-item log."""
        pack = load_pack(spec.pack)
        logs = [e for p in partials for e in p["items"]]
        rows = group_rows(logs, spec.bootstrap, spec.seed)
        overall = {r["language"]: r["score"] for r in rows if r["topic"] == "all"}
        first = next((lang for lang in pack.meta.languages if lang in overall), None)
        gaps = {
            lang: (s - overall[first]) if s is not None and first and overall[first] is not None else None
            for lang, s in overall.items()
            if lang != first
        }
        notes = []
        if pack.meta.example:
            notes.append(
                f"Pack '{pack.meta.name}' is an EXAMPLE written by the sovaudit project to show the format: "
                "its "
                "items are not authoritative and its scores say little about a model."
            )
        too_long = [e for e in logs if e.get("status") == "too_long"]
        if too_long:
            window = too_long[0]["context"]
            notes.append(
                f"{len(too_long)} items are longer than the model's context window ({window} tokens) and "
                "were not scored (a backend would have cut the question off); they are left out of every "
                "score and listed in the per-item log as too_long."
            )
        if any(e.get("status") == "length_unchecked" for e in logs):
            notes.append(
                "The model's backend cannot count tokens here, so item lengths were not checked against "
                "its context window."
            )
        empty = sum(e.get("empty", 0) for e in logs)
        if empty:
            notes.append(f"{empty} short answers were empty generations; they are counted as wrong.")
        record = AssetRecord(
            name=pack.meta.name,
            kind="pack",
            version=pack.meta.version,
            sha256=pack.digest,
            license=pack.meta.licence,
            origin=", ".join(pack.meta.authors),
        )
        return ResultsDocument(
            audit=self.name,
            signature="",
            provenance=make_provenance([record]),
            rows=rows,
            summary={
                "pack": pack.meta.name,
                "pack_version": pack.meta.version,
                "domain": pack.meta.domain,
                "countries": list(pack.meta.countries),
                "example": pack.meta.example,
                "visibility": pack.meta.visibility,  # secret: a sealed bundle's public copy omits the items
                "model": spec.model.spec,
                "scores": overall,
                "reference_language": first,
                "gap_to_reference": gaps,
                "too_long": sum(e.get("status") == "too_long" for e in logs),
            },
            items=logs,
            notes=notes,
        )

    def subject(self, spec: PackSpec) -> str:
        """Spec and the pack's content hash: an edited pack never reuses the old pack's finished units."""
        return hashed(super().subject(spec), load_pack(spec.pack).digest).replace("@", "-")

    def signature_parts(self, spec: PackSpec) -> list[tuple[str, str]]:
        """Pack name@hash of its files, model, length cap, audit version."""
        pack = load_pack(spec.pack)
        return [
            ("pack", hashed(pack.meta.name, pack.digest)),
            ("model", spec.model.spec),
            ("max_tokens", str(spec.max_tokens or pack.meta.max_tokens)),
            ("audit", f"{self.name}.{self.version}"),
        ]

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Probe packs"
    dimension_order = 70

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """Every installed probe pack tagged with the country."""
        if model is None:
            return ()
        from ...packs import packs_for_country

        cc = opts.country.upper()
        packs = packs_for_country(cc)
        if not packs:
            return [
                NotMeasured(
                    self.name,
                    model,
                    f"no installed probe pack is tagged with {cc}",
                    f"sovaudit pack new DIR --country {cc}  # then put it in $SOVAUDIT_PACKS",
                )
            ]
        return [
            Planned(
                self.name,
                model,
                {"model": model_ref(model, opts), "pack": str(p.path), "bootstrap": opts.bootstrap},
                f"pack/{slug(p.meta.name)}/{slug(model)}",
            )
            for p in packs
        ]

    def headline(self, doc: ResultsDocument) -> Headline:
        """The pack's scores; an example pack (written by the project to show the format) says so first."""
        text, value = scored_headline(doc)
        if doc.summary.get("example"):
            return f"EXAMPLE pack {doc.summary.get('pack', '')} (not authoritative): {text}", None
        return text, value
