"""The ``culture`` audit: does the model know a country's everyday life, in its language and in English?

BLEnD short-answer questions (:mod:`.blend`) are put to the model with the data's own prompt templates
(``inst-4`` by default, as the authors' ``model_inference.sh`` does; English questions name the country,
``utils.py::replace_country_name``), answered by greedy generation with a length cap, and scored by the
authors' soft exact match (:mod:`.blend_score`). Rows per country x language: ``score`` (SEM-B, 0-1),
bootstrap 95% interval over questions, ``n_questions`` (those the authors' rule keeps), ``idk_rate``,
``weighted_score`` (SEM-W), ``n_empty``. The summary gives, per country, the local-language minus English
gap on the same questions with a paired bootstrap interval: the headline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from ...errors import SovauditError
from ...inputs import input_field
from ...models.base import GenerateRequest
from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import hashed
from ...stats import bootstrap, mean_metric, point
from ..base import Audit, Metric, ModelAuditSpec, Resources, Unit
from ..country import CountryOptions, CountryPlan, NotMeasured, Planned, model_ref, slug
from .blend import (
    COUNTRIES,
    DEFAULT_PROMPT,
    BlendQuestion,
    country_code,
    make_prompt,
    read_prompts,
    read_questions,
    replace_country_name,
)
from .blend_score import clean_response, is_idk, is_valid_question, score_response
from .mc import PER_UNIT as MC_PER_UNIT
from .mc import read_items, reduce_mc
from .mc import score_items as score_mc
from .mc_readers import MCItem

ASSET = "blend"
PER_UNIT = 100
LICENCE = "CC-BY-SA-4.0"
LEMMA_NOTE = (
    "BLEnD scoring follows the authors' soft exact match (evaluation/exact_match.py) except lemmatisation: "
    "their per-language lemmatisers (Okt, qalsadi, cltk, spark-nlp, spaCy, hazm, ...) are not available "
    "offline, so answers match as substrings or as surface words; scores can only be lower or equal."
)


class CultureSpec(ModelAuditSpec):
    """Settings of a culture run."""

    benchmark: Literal["blend", "global-mmlu", "include", "culturalbench-easy", "culturalbench-hard"] = (
        "blend"
    )
    data: str | None = input_field(
        None, kind="data"
    )  # the benchmark's folder; BLEnD default: the bundled asset
    languages: tuple[str, ...] = ()  # Global-MMLU / INCLUDE: only these language folders
    countries: tuple[str, ...] = ()  # authors' codes (DZ, KR, ...); empty: all 16
    modes: tuple[Literal["local", "en"], ...] = ("local", "en")
    prompt: str = DEFAULT_PROMPT
    max_tokens: int = Field(default=32, ge=1, le=512)
    max_questions: int | None = Field(default=None, ge=1)  # per country, for quick runs
    first_line: bool = True  # judge the first non-empty line (base models go on with new questions)
    bootstrap: int = Field(default=1000, ge=0)
    seed: int = Field(default=0, ge=0)  # numpy refuses a negative seed: refuse it before any work


def data_root(spec: CultureSpec) -> Path:
    """BLEnD's data folder: ``spec.data`` (or its ``data/``), else the bundled copy."""
    if spec.data:
        root = Path(spec.data)
        if (root / "data" / "annotations").is_dir():
            root = root / "data"
        if not (root / "annotations").is_dir():
            raise SovauditError(
                f"{spec.data} is not BLEnD's data folder (no annotations/ in it)",
                "pass the data/ folder of github nlee0212/BLEnD",
            )
        return root
    from ...assets.store import AssetStore

    return AssetStore().path(ASSET) / "blend"


def _codes(spec: CultureSpec) -> list[str]:
    return [country_code(c) for c in spec.countries] or list(COUNTRIES)


def _digest(root: Path, codes: Sequence[str]) -> str:
    h = hashlib.sha256()
    for code in codes:
        stem = COUNTRIES[code][0]
        for rel in (
            f"annotations/{stem}_data.json",
            f"questions/{stem}_questions.csv",
            f"prompts/{stem}_prompts.csv",
        ):
            p = root / rel
            h.update(rel.encode() + b"\0" + (p.read_bytes() if p.is_file() else b""))
    return h.hexdigest()


def _mc_digest(spec: CultureSpec) -> str:
    """SHA-256 over the user's copy of a multiple-choice benchmark (relative names and contents)."""
    root = Path(spec.data or "")
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _language(code: str, mode: str) -> str:
    return "en" if mode == "en" else COUNTRIES[code][2]


def score_questions(
    questions: Sequence[BlendQuestion], mode: str, template: str, model: Any, spec: CultureSpec
) -> list[dict[str, Any]]:
    """Generate and score one country's questions in one mode; the per-question log."""
    code = questions[0].country if questions else ""
    lang = _language(code, mode) if code else "en"
    stem = COUNTRIES[code][0] if code else ""
    prompts = []
    for q in questions:
        text = q.question if mode == "local" else replace_country_name(q.en_question, stem)
        prompts.append(make_prompt(template, text))
    valid = [is_valid_question(q.idks, q.annotations) for q in questions]
    todo = [i for i, v in enumerate(valid) if v]
    until = ("\n\n",) if spec.first_line else ()
    gens = model.generate(
        [GenerateRequest(prompts[i], until=until, max_tokens=spec.max_tokens) for i in todo]
    )
    by_index = dict(zip(todo, gens, strict=True))
    logs = []
    for i, q in enumerate(questions):
        entry: dict[str, Any] = {
            "id": q.id,
            "country": q.country,
            "language": lang,
            "mode": mode,
            "topic": q.topic,
            "valid": valid[i],
        }
        if valid[i]:
            raw = by_index[i] or ""
            if spec.first_line:
                raw = next((ln for ln in raw.splitlines() if ln.strip()), "")
            resp = clean_response(raw, prompts[i])
            binary, weight = score_response(q.annotations, resp, lang)
            entry.update(
                response=resp,
                binary=binary,
                weight=weight,
                idk=int(is_idk(resp, lang)),
                empty=int(not resp.strip()),
            )
        logs.append(entry)
    return logs


def _gap_metric(sums: np.ndarray) -> Any:
    """Local minus English score from summed ``[local right, English right, questions]``."""
    return (sums[..., 0] - sums[..., 1]) / sums[..., 2]


class CultureAudit(Audit[CultureSpec]):
    """BLEnD per country and language, with the local-language vs English gap."""

    name = "culture"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "score": Metric(True, "share of questions answered as annotators/the key did"),
        "weighted_score": Metric(True, "score weighted by annotator agreement (BLEnD)"),
        "idk_rate": Metric(None, "share of 'I don't know' answers"),
    }
    version = "1"
    Spec = CultureSpec
    row_columns: ClassVar[tuple[str, ...]] = (
        "benchmark",
        "country",
        "language",
        "mode",
        "score",
        "ci_low",
        "ci_high",
        "n_questions",
        "idk_rate",
        "weighted_score",
        "n_empty",
        "n_excluded",
    )
    summary = "cultural knowledge (BLEnD): per country, local language vs English"

    def plan(self, spec: CultureSpec) -> list[Unit]:
        """Read every selected country's files (a missing one stops here, before any model loads)."""
        if spec.benchmark != "blend":
            return self._plan_mc(spec)
        root = data_root(spec)
        units = []
        for code in _codes(spec):
            prompts = read_prompts(root, code)
            if spec.prompt not in prompts:
                raise SovauditError(
                    f"BLEnD's prompts for {COUNTRIES[code][0]} have no '{spec.prompt}'",
                    f"use one of {', '.join(prompts)}",
                )
            questions = read_questions(root, code)[: spec.max_questions]
            modes = [m for m in spec.modes if not (m == "local" and COUNTRIES[code][2] == "en")]
            for mode in modes:
                template = prompts[spec.prompt][0 if mode == "en" else 1]
                for start in range(0, len(questions), PER_UNIT):
                    chunk = questions[start : start + PER_UNIT]
                    units.append(
                        Unit(
                            f"{code}-{mode}-{start // PER_UNIT:03d}",
                            {"mode": mode, "template": template, "questions": [q.to_dict() for q in chunk]},
                        )
                    )
        return units

    def _plan_mc(self, spec: CultureSpec) -> list[Unit]:
        items = read_items(spec.benchmark, spec.data, spec.languages)
        if spec.countries and spec.benchmark.startswith("culturalbench"):
            from ...languages import country_name

            names = {country_name(c).lower() for c in spec.countries}
            items = [it for it in items if it.country.lower() in names]
            if not items:
                raise SovauditError(
                    f"{spec.benchmark} has no question about {', '.join(spec.countries)}",
                    "see the country column of the file",
                )
        return [
            Unit(
                f"{spec.benchmark}-{i // MC_PER_UNIT:04d}",
                {"items": [it.to_dict() for it in items[i : i + MC_PER_UNIT]]},
            )
            for i in range(0, len(items), MC_PER_UNIT)
        ]

    def score(self, unit: Unit, spec: CultureSpec, resources: Resources) -> dict[str, Any]:
        """Generate and score one unit's questions."""
        if spec.benchmark != "blend":
            items = [MCItem.from_dict(d) for d in unit.payload["items"]]
            return {"items": score_mc(items, spec.benchmark, resources.model(spec.model))}
        questions = [BlendQuestion.from_dict(d) for d in unit.payload["questions"]]
        model = resources.model(spec.model)
        return {
            "items": score_questions(questions, unit.payload["mode"], unit.payload["template"], model, spec)
        }

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: CultureSpec, context: Any = None
    ) -> ResultsDocument:
        """Rows per country x language, local-vs-English gaps, the per-question log."""
        logs = [e for p in partials for e in p["items"]]
        if spec.benchmark != "blend":
            rows, summary = reduce_mc(logs, spec.benchmark, spec.bootstrap, spec.seed)
            record = AssetRecord(
                name=spec.benchmark, kind="dataset", sha256=_mc_digest(spec), origin=str(spec.data)
            )
            return ResultsDocument(
                audit=self.name,
                signature="",
                provenance=make_provenance([record]),
                rows=rows,
                summary={**summary, "model": spec.model.spec},
                items=logs,
            )
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for e in logs:
            groups.setdefault((e["country"], e["mode"]), []).append(e)
        rows = []
        for (code, mode), entries in groups.items():
            scored = [e for e in entries if e["valid"]]
            stats = np.array([[e["binary"], 1.0] for e in scored], dtype=float).reshape(-1, 2)
            ci = bootstrap(stats, mean_metric, spec.bootstrap, spec.seed)
            n = len(scored)
            rows.append(
                {
                    "benchmark": "blend",
                    "country": code,
                    "language": _language(code, mode),
                    "mode": mode,
                    "score": point(stats, mean_metric),
                    "ci_low": ci[0] if ci else None,
                    "ci_high": ci[1] if ci else None,
                    "n_questions": n,
                    "idk_rate": sum(e["idk"] for e in scored) / n if n else None,
                    "weighted_score": sum(e["weight"] for e in scored) / n if n else None,
                    "n_empty": sum(e["empty"] for e in scored),
                    "n_excluded": len(entries) - n,
                }
            )
        gaps = {}
        for code in dict.fromkeys(e["country"] for e in logs):
            local = {e["id"]: e for e in groups.get((code, "local"), []) if e["valid"]}
            eng = {e["id"]: e for e in groups.get((code, "en"), []) if e["valid"]}
            ids = [i for i in local if i in eng]
            if not ids:
                continue
            stats = np.array([[local[i]["binary"], eng[i]["binary"], 1.0] for i in ids], dtype=float)
            ci = bootstrap(stats, _gap_metric, spec.bootstrap, spec.seed)
            gaps[code] = {
                "language": COUNTRIES[code][2],
                "gap": point(stats, _gap_metric),
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "n_questions": len(ids),
            }
        root = data_root(spec)
        notes = [
            LEMMA_NOTE,
            f"Answers are greedy generations capped at {spec.max_tokens} tokens"
            + (", judged on their first non-empty line" if spec.first_line else "")
            + " (the authors generate up to 512 tokens with chat models).",
            "idk_rate is sovaudit's addition: the share of answers that say 'I don't know' in the asked "
            "language or English (the authors score them 0 like any wrong answer).",
        ]
        empty = sum(r["n_empty"] for r in rows)
        if empty:
            notes.append(f"{empty} answers were empty generations: counted in n_questions and scored 0.")
        record = AssetRecord(
            name="blend",
            kind="dataset",
            version="nlee0212/BLEnD data/",
            sha256=_digest(root, _codes(spec)),
            license=LICENCE,
            origin="Myung et al., BLEnD (NeurIPS 2024 Datasets and Benchmarks), github nlee0212/BLEnD",
        )
        return ResultsDocument(
            audit=self.name,
            signature="",
            provenance=make_provenance([record]),
            rows=rows,
            summary={
                "benchmark": "blend",
                "model": spec.model.spec,
                "prompt": spec.prompt,
                "gap_local_minus_english": gaps,
            },
            items=logs,
            notes=notes,
        )

    def signature_parts(self, spec: CultureSpec) -> list[tuple[str, str]]:
        """Data hash, countries, model, prompt, length cap, audit version."""
        if spec.benchmark != "blend":
            return [
                ("data", hashed(spec.benchmark, _mc_digest(spec))),
                ("model", spec.model.spec),
                ("audit", f"{self.name}.{self.version}"),
            ]
        codes = _codes(spec)
        return [
            ("data", hashed("blend", _digest(data_root(spec), codes))),
            ("countries", ",".join(codes) if spec.countries else "all"),
            ("model", spec.model.spec),
            ("prompt", spec.prompt),
            ("max_tokens", str(spec.max_tokens)),
            ("audit", f"{self.name}.{self.version}"),
        ]

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Cultural knowledge"
    dimension_order = 60

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """BLEnD's questions for the country, when BLEnD covers it."""
        if model is None:
            return ()
        from .blend import COUNTRIES

        cc = opts.country.upper()
        if cc not in COUNTRIES:
            return [
                NotMeasured(
                    self.name,
                    model,
                    f"no cultural-knowledge benchmark sovaudit carries covers {cc}"
                    " (BLEnD covers 16 countries)",
                    f"sovaudit pack new DIR --country {cc}  # then its items: docs/writing-a-probe-pack.md",
                )
            ]
        spec: dict[str, Any] = {
            "model": model_ref(model, opts),
            "benchmark": "blend",
            "countries": (cc,),
            "bootstrap": opts.bootstrap,
        }
        if opts.culture_questions:
            spec["max_questions"] = opts.culture_questions
        return [Planned(self.name, model, spec, f"culture/{slug(model)}")]
