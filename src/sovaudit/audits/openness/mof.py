"""The Model Openness Framework verdict, by the rules of the Model Openness Tool.

Follows lfai/model_openness_tool ``web/modules/mof/src/ModelEvaluator.php`` (``evaluate``, ``getProgress``,
``getClassification``) with the components and license lists of ``data/mof.yaml``:

* a required component the release does not list is *missing*;
* a listed component's license is its own ``license`` (an empty one — ``unlicensed`` — stays unlicensed),
  else the global license of its (first) content type, else the global ``distribution`` license;
* a license is *open* if it is FSF-libre, on the tool's open-data list, or OSI-approved; open -> *included*
  (an open license not appropriate to the content type is included with a warning), no license ->
  *unlicensed*, anything else (placeholders such as "Component not included" too) -> *invalid*;
* the technical report may be replaced by the research paper (which then also counts for classes II, III);
* completion of class k: walking from class III down to k, stop at the first class whose cumulative
  required components are not all included; if that happens above k, completion is 0, else
  included / required (class I: one fewer required when the paper stands in for the report); capped at 100;
* the class reached is the lowest-numbered class at 100 % (None if none).

``as_written=True`` compares license strings exactly as the tool does; the default first identifies each
string (``Apache 2.0`` -> ``Apache-2.0``), and reports each normalisation.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .declarations import MofInput
from .licenses import describe, identify
from .rules import mof_rules


class ComponentVerdict(BaseModel):
    """One component's evaluation."""

    id: int
    name: str
    klass: int
    required: bool
    status: str  # included | invalid | unlicensed | missing
    license: str | None = None  # as written
    license_id: str | None = None  # as identified
    type_appropriate: bool | None = None
    where: str = ""
    # False when missing, or listed with a "Component not included" placeholder as its license: the tool
    # scores such a component 'invalid', but it is not released, which OSAID and the index must know.
    released: bool = True


class MofVerdict(BaseModel):
    """Class reached, completion of each class, and the per-component evaluation."""

    klass: int | None = Field(default=None, serialization_alias="class")
    class_1: float = 0.0
    class_2: float = 0.0
    class_3: float = 0.0
    label: str = "Unclassified"
    components: list[ComponentVerdict] = Field(default_factory=list)
    not_type_appropriate: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The contract object: ``class`` and ``class_1``..``class_3`` (0-100), plus the details."""
        return {
            "class": self.klass,
            "class_1": self.class_1,
            "class_2": self.class_2,
            "class_3": self.class_3,
            "label": self.label,
            "components": [c.model_dump() for c in self.components],
            "not_type_appropriate": self.not_type_appropriate,
            "notes": self.notes,
        }


def _resolve(cid: int, inp: MofInput) -> str | None:
    """ModelEvaluator::resolveLicense."""
    entry = inp.components.get(cid, {})
    if "license" in entry:
        return entry["license"] or None
    # Only the component's first content type is looked up: this is what the tool's published results show
    # (Test_Data/expected_results.json: e.g. "Evaluation results" [document, code] does not take a global
    # code license).
    first_type = mof_rules().by_id()[cid].content_type[0]
    if inp.global_licenses.get(first_type):
        return inp.global_licenses[first_type]
    return inp.global_licenses.get("distribution") or None


def _license_open(raw: str, as_written: bool) -> tuple[bool, bool, str | None]:
    """(open, type-appropriate types, identified id) for one license string."""
    if as_written:
        info = describe(raw)
        return info.mof_open, True, raw
    info = identify(raw)
    return info.mof_open, True, info.id


def evaluate(inp: MofInput, as_written: bool = False) -> MofVerdict:
    """Evaluate a release against the MOF (see the module docstring)."""
    rules = mof_rules()
    by_id = rules.by_id()
    tr, rp = rules.technical_report_id, rules.research_paper_id
    ev: dict[int, dict[str, list[int]]] = {}
    verdicts: dict[int, ComponentVerdict] = {}
    notes: list[str] = []
    nta: list[int] = []
    required: list[int] = []
    optional: list[int] = []
    for klass in (3, 2, 1):
        buckets: dict[str, list[int]] = {
            k: [] for k in ("missing", "included", "invalid", "unlicensed", "optional")
        }
        required += rules.required(klass)
        optional += rules.optional(klass)
        for cid, is_required in [(c, True) for c in required] + [(c, False) for c in optional]:
            comp = by_id[cid]
            if cid not in inp.components:
                if is_required:
                    buckets["missing"].append(cid)
                    verdicts.setdefault(cid, _verdict(comp, "missing", None, None, None, inp))
                continue
            lic = _resolve(cid, inp)
            if lic is None:
                status, is_open, lid, appropriate = "unlicensed", False, None, None
            else:
                is_open, _, lid = _license_open(lic, as_written)
                info = describe(lid) if lid else None
                appropriate = bool(info and set(info.mof_types) & set(comp.content_type))
                status = "included" if is_open else "invalid"
                if is_open and not appropriate and cid not in nta:
                    nta.append(cid)
                if not as_written and lid and lid != lic:
                    note = f"{comp.name}: license '{lic}' read as {lid}"
                    if note not in notes:
                        notes.append(note)
                if not as_written and lid is None and identify(lic).status == "unknown":
                    note = (
                        f"{comp.name}: license '{lic}' is unknown (no SPDX id, known model license or "
                        "placeholder matches it), so it is counted as not open"
                    )
                    if note not in notes:
                        notes.append(note)
            bucket = status if is_required or status != "included" else "optional"
            buckets[bucket].append(cid)
            verdicts[cid] = _verdict(comp, status, lic, lid, appropriate if lic else None, inp)
        ev[klass] = buckets
    _paper_for_report(ev, tr, rp)
    progress = {k: _progress(ev, k, tr, rp) for k in (3, 2, 1)}
    reached = None
    for klass in (3, 2, 1):
        if progress[klass] == 100.0:
            reached = klass
    return MofVerdict(
        klass=reached,
        class_1=progress[1],
        class_2=progress[2],
        class_3=progress[3],
        label=rules.classes[reached] if reached else "Unclassified",
        components=[verdicts[c.id] for c in rules.components if c.id in verdicts],
        not_type_appropriate=[by_id[c].name for c in nta],
        notes=notes,
    )


def _verdict(
    comp: Any, status: str, lic: str | None, lid: str | None, ok: bool | None, inp: MofInput
) -> ComponentVerdict:
    not_included = bool(lic) and identify(lic or "").placeholder == "not_included"
    return ComponentVerdict(
        released=status != "missing" and not not_included,
        id=comp.id,
        name=comp.name,
        klass=comp.class_,
        required=comp.required,
        status=status,
        license=lic,
        license_id=lid,
        type_appropriate=ok,
        where=inp.components.get(comp.id, {}).get("component_path", ""),
    )


def _php_truthy_index(items: list[int], value: int) -> bool:
    """PHP ``array_search(value, items)`` used as a boolean: false when absent *or at index 0*."""
    return value in items and items.index(value) != 0


def _paper_for_report(ev: dict[int, dict[str, list[int]]], tr: int, rp: int) -> None:
    """ModelEvaluator::evaluate's tail: the research paper may stand in for the technical report."""
    if _php_truthy_index(ev[3]["included"], tr):
        return
    status = None
    for bucket in ("included", "invalid", "unlicensed"):
        if rp in ev[1][bucket]:
            status = bucket
            break
    if status is None:
        return
    for klass in (3, 2, 1):
        if tr in ev[klass]["missing"]:
            ev[klass]["missing"].remove(tr)
    for klass in (3, 2):
        ev[klass][status].append(rp)


def _progress(ev: dict[int, dict[str, list[int]]], klass: int, tr: int, rp: int) -> float:
    """ModelEvaluator::getProgress."""
    rules = mof_rules()
    total = included = 0
    stopped = klass
    for i in (3, 2, 1):
        if i < klass:
            break
        total += len(rules.required(i))
        included = len(ev[i]["included"])
        stopped = i
        if included < total:
            break
    if stopped > klass:
        return 0.0
    if (
        klass == 1
        and not _php_truthy_index(ev[1]["included"], tr)
        and _php_truthy_index(ev[1]["included"], rp)
    ):
        total -= 1
    return min(100.0, included / total * 100.0)
