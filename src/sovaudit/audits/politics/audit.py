"""``politics``: where a model leans, per axis, with its spread over prompt templates and option orders.

Röttger et al. (ACL 2024) showed that one prompt's political score is not a property of the model; so every
statement is asked under every template x answer format x option order, the answer read as the next-token
distribution over the option labels (renormalised; the mass outside the labels recorded), and each axis is
reported as the median over variants with min, max and interquartile range. plan: one unit per template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from ...inputs import input_field
from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import short_hash
from ..base import Audit, Metric, ModelAuditSpec, Resources, Unit, spec_json
from ..country import CountryOptions, CountryPlan, Headline, Planned, fmt, model_ref, slug
from . import scoring
from .prompts import Variant, build_prompt, check_forced_choice, rottger_files, variants
from .signal import order_signal
from .statements import StatementSet, load_statements

ROW_COLUMNS = (
    "statement_set",
    "axis",
    "score",
    "min",
    "max",
    "iqr",
    "n_variants",
    "argmax_score",
    "signal",
)


class PoliticsSpec(ModelAuditSpec):
    """Settings of a politics run."""

    statements: str = input_field(
        "8values", kind="statements"
    )  # 8values, pct:FILE, or a CSV of statements with weights
    templates: tuple[str, ...] = ()  # Röttger template ids; empty: all 20
    formats: tuple[str, ...] = ("ans-01",)
    orders: tuple[str, ...] = ("forward", "reverse")
    forced_choice: str = "jail-02"
    limit: int | None = Field(None, ge=1)  # the first N statements only (scores then cover only those)


def _set(spec: PoliticsSpec) -> StatementSet:
    s = load_statements(spec.statements)
    if spec.limit:
        s = StatementSet(s.name, s.statements[: spec.limit], s.axes, s.scale, s.scoring, s.digest)
    return s


class PoliticsAudit(Audit[PoliticsSpec]):
    """Political lean per axis (8values, Political Compass, own statements) with its spread over variants."""

    name: ClassVar[str] = "politics"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "score": Metric(None, "position on the axis (0-100, 50 = centre); read only when signal is true"),
    }
    version: ClassVar[str] = "1"
    Spec: ClassVar[type[PoliticsSpec]] = PoliticsSpec
    row_columns: ClassVar[tuple[str, ...]] = ROW_COLUMNS
    summary: ClassVar[str] = (
        "political lean per axis, with its spread over prompt templates and option orders"
    )

    def plan(self, spec: PoliticsSpec) -> list[Unit]:
        """One unit per template: every statement under each of its formats and orders."""
        sset = _set(spec)
        check_forced_choice(spec.forced_choice)
        vs = variants(spec.templates, spec.formats, spec.orders)
        statements = [{"id": s.id, "text": s.text} for s in sset.statements]
        units = []
        for t in dict.fromkeys(v.template for v in vs):
            mine = [[v.template, v.format, v.order] for v in vs if v.template == t]
            units.append(Unit(t, {"variants": mine, "statements": statements, "scale": sset.scale}))
        return units

    def score(self, unit: Unit, spec: PoliticsSpec, resources: Resources) -> dict[str, Any]:
        """Every statement x variant of the unit; all labels of all prompts in one loglikelihood call."""
        requests: list[tuple[str, str]] = []
        layout: list[tuple[str, Variant, int, int]] = []
        scale = unit.payload["scale"]
        for t, f, o in unit.payload["variants"]:
            v = Variant(t, f, o)
            for st in unit.payload["statements"]:
                prompt, labs, _ = build_prompt(v, st["text"], scale, spec.forced_choice)
                layout.append((st["id"], v, len(requests), len(labs)))
                requests.extend((prompt, " " + lab) for lab in labs)
        model = resources.model(spec.model)
        results = model.loglikelihood(requests) if requests else []
        answers = []
        for sid, v, first, n in layout:
            p = np.exp([results[first + j].logprob for j in range(n)])
            inside = float(p.sum())
            probs = (p / inside).tolist() if inside > 0 else [1.0 / n] * n
            if v.order == "reverse":
                probs = probs[::-1]  # back to the scale's forward order
            answers.append(
                {
                    "statement": sid,
                    "template": v.template,
                    "format": v.format,
                    "order": v.order,
                    "probs": probs,
                    "outside_mass": max(0.0, 1.0 - inside),
                }
            )
        return {"answers": answers}

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: PoliticsSpec, context: Any = None
    ) -> ResultsDocument:
        """Per-variant scores, per-axis spread rows, the per-answer log."""
        from .prompts import options_in_order

        sset = _set(spec)
        values = [o["value"] for o in options_in_order(sset.scale, "forward")]
        by_variant: dict[str, dict[str, dict[str, Any]]] = {}
        items = []
        for part in partials:
            for a in part["answers"]:
                key = f"{a['template']}/{a['format']}/{a['order']}"
                by_variant.setdefault(key, {})[a["statement"]] = a
                exp, arg = scoring.answer_summary(a["probs"], values)
                items.append({**a, "expected": exp, "argmax": arg})
        points: list[dict[str, Any]] = []
        for key, answers in by_variant.items():
            ordered = [{"probs": answers[s.id]["probs"], "values": values} for s in sset.statements]
            exp_s, arg_s = scoring.variant_scores(sset.scoring, sset.statements, ordered, sset.axes)
            t, f, o = key.split("/")
            points.append(
                {
                    "variant": key,
                    "template": t,
                    "format": f,
                    "order": o,
                    "scores": exp_s,
                    "argmax_scores": arg_s,
                }
            )
        rows = []
        for axis in sset.axes:
            row: dict[str, Any] = {"statement_set": sset.name, "axis": axis}
            row.update(scoring.spread([p["scores"][axis] for p in points]))
            row["argmax_score"] = scoring.spread([p["argmax_scores"][axis] for p in points])["score"]
            rows.append(row)
        outside = [i["outside_mass"] for i in items]
        signal = order_signal(items)
        for row in rows:
            row["signal"] = signal["signal"]
        summary = {
            "statement_set": sset.name,
            "statements": len(sset.statements),
            "variants": len(points),
            "axes": list(sset.axes),
            "scoring": sset.scoring,
            "mean_outside_mass": float(np.mean(outside)) if outside else None,
            "points": points,
            "signal": signal,
        }
        notes = [
            "score is the median over prompt variants (template x answer format x option order) of the axis "
            "score from expected answers; min/max/iqr are over the same variants; argmax_score uses each "
            "answer's most likely option (the published rule)."
        ]
        if signal["signal"] is False:
            notes.insert(
                0,
                f"NO SIGNAL: the {signal['test']} test failed — {signal['reason']}; the axis scores "
                "below do not measure a political lean",
            )
        if spec.limit:
            notes.append(f"only the first {spec.limit} statements were asked: scores are not the full test's")
        _, _, base = rottger_files()
        assets = [
            AssetRecord(name="rottger2024-templates", kind="templates", license="CC-BY-4.0", origin=base)
        ]
        if sset.name == "8values":
            assets.append(AssetRecord(name="8values", kind="dataset", sha256=sset.digest, license="MIT"))
        else:
            assets.append(AssetRecord(name=spec.statements, kind="statements", sha256=sset.digest))
        return ResultsDocument(
            audit="politics",
            signature="",
            rows=rows,
            row_columns=list(ROW_COLUMNS),
            summary=summary,
            items=items,
            notes=notes,
            provenance=make_provenance(assets),
        )

    def signature_parts(self, spec: PoliticsSpec) -> list[tuple[str, str]]:
        """Audit, statement set and its hash, model, number of variants, and a hash of the spec."""
        sset = _set(spec)
        n = len(variants(spec.templates, spec.formats, spec.orders))
        return [
            ("audit", f"{self.name}.{self.version}"),
            ("statements", f"{sset.name.replace('|', '_')}@{sset.digest[:8]}"),
            ("model", spec.model.spec.replace("|", "_")),
            ("variants", str(n)),
            ("spec", short_hash(spec_json(spec))),
        ]

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Political lean"
    dimension_order = 50

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """8values under the first ``politics_templates`` of Röttger et al.'s prompt templates."""
        if model is None:
            return ()
        n = max(1, min(20, opts.politics_templates))
        templates = tuple(f"templ-{i:02d}" for i in range(1, n + 1))
        spec = {"model": model_ref(model, opts), "statements": "8values", "templates": templates}
        return [Planned(self.name, model, spec, f"politics/{slug(model)}")]

    def headline(self, doc: ResultsDocument) -> Headline:
        """Each axis's median and range over prompt variants, or "no signal" when the answers failed the
        order-consistency test (a number there would read as a finding)."""
        signal = doc.summary.get("signal") or {}
        if signal.get("signal") is False:
            test = signal.get("test", "order consistency")
            return f"no signal ({test} test failed: {signal.get('reason', '')})", None
        parts = [
            f"{r['axis']} {fmt(r.get('score'), 0)} ({fmt(r.get('min'), 0)}–{fmt(r.get('max'), 0)})"
            for r in doc.rows[:4]
        ]
        return "; ".join(parts) or "no axis scored", None
