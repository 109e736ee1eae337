"""The 14 parameters of the European Open Source AI Index (from the "opening up ChatGPT" openness index).

Ratings are open (1), partial (0.5) or closed (0); the total is out of 14. An openness-index project YAML is
mapped as-is. Otherwise each parameter is derived from the MOF evaluation where the MOF says something about
it, taken from a sovaudit declaration's ``openness_index`` ratings, or rated *closed* with the reason that
nothing at hand shows it (basis ``unknown``).

The scoring is the index's own (opening-up-chatgpt.github.io ``scripts/consolidate_csv.py``,
``calculate_openness``: open 1, partial 0.5, anything else 0, weight 1 each); over the 48 project YAMLs of
the index, sovaudit's totals equal that function's. Derived ratings follow the index's criteria
(``projects/readme.md``): availability parameters from the MOF components and their licenses;
documentation parameters (code, architecture, preprint, model card, datasheet) rate how complete the
documentation is, which files cannot show, so a released document is *partial* unless a declaration rates
it; source code is *partial* when some code other than the training code is open.
"""

from __future__ import annotations

from typing import Any

from .declarations import Declaration, SovauditDeclaration
from .licenses import identify
from .mof import MofVerdict

# key in the project YAML -> (parameter name in the European index, group, MOF components it derives from)
PARAMETERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "opencode": ("Training code", "availability", ("Training code",)),
    "llmdata": ("Base model data", "availability", ("Datasets",)),
    "llmweights": ("Base model weights", "availability", ("Model parameters (Final)",)),
    "rldata": ("End-user model data", "availability", ()),
    "rlweights": ("End-user model weights", "availability", ()),
    "license": ("License", "availability", ()),
    "code": ("Code documentation", "documentation", ("Training code", "Inference code")),
    "architecture": ("Architecture documentation", "documentation", ("Model architecture",)),
    "preprint": ("Preprint", "documentation", ("Technical report", "Research paper")),
    "paper": ("Peer-reviewed paper", "documentation", ()),
    "modelcard": ("Model card", "documentation", ("Model card",)),
    "datasheet": ("Datasheet", "documentation", ("Data card",)),
    "package": ("Package", "access", ()),
    "api": ("API", "access", ()),
}
POINTS = {"open": 1.0, "partial": 0.5, "closed": 0.0}
DOCUMENTATION = ("code", "architecture", "preprint", "modelcard", "datasheet")
OTHER_CODE = ("Inference code", "Model architecture", "Data preprocessing code", "Evaluation code")


def _param(key: str, rating: str, basis: str, reason: str, link: str = "") -> dict[str, Any]:
    name, group, _ = PARAMETERS[key]
    return {
        "key": key,
        "parameter": name,
        "group": group,
        "class": rating,
        "points": POINTS[rating],
        "basis": basis,
        "reason": reason,
        "link": link,
    }


def _total(params: list[dict[str, Any]], basis: str) -> dict[str, Any]:
    total = sum(p["points"] for p in params)
    counts = {r: sum(1 for p in params if p["class"] == r) for r in POINTS}
    return {
        "total": total,
        "out_of": len(PARAMETERS),
        "counts": counts,
        "source": basis,
        "parameters": params,
    }


def from_index_yaml(decl: Declaration) -> dict[str, Any]:
    """Map an openness-index project YAML as-is (an unrated parameter is closed, with that reason)."""
    params = []
    for key in PARAMETERS:
        entry = decl.raw.get(key)
        rating = str(entry.get("class", "")).strip().lower() if isinstance(entry, dict) else ""
        if rating in POINTS:
            notes = str(entry.get("notes") or "") if isinstance(entry, dict) else ""
            link = str(entry.get("link") or "") if isinstance(entry, dict) else ""
            params.append(_param(key, rating, "declared", notes or "rated in the index entry", link))
        else:
            params.append(
                _param(
                    key,
                    "closed",
                    "unknown",
                    f"the index entry leaves '{key}' unrated (NA); the index's own total counts it as 0",
                )
            )
    return _total(params, f"openness-index entry {decl.source}")


def derive(
    mof: MofVerdict, decl: SovauditDeclaration | None = None, license_raw: str | None = None
) -> dict[str, Any]:
    """Derive the 14 parameters from the MOF evaluation and a sovaudit declaration's ratings."""
    comps = {c.name: c for c in mof.components}
    params = []
    for key, (_, _, sources) in PARAMETERS.items():
        if decl and key in decl.openness_index:
            r = decl.openness_index[key]
            params.append(
                _param(
                    key, r.class_, "declared", r.notes or "rated in the sovaudit declaration", r.link or ""
                )
            )
            continue
        if key == "license":
            params.append(_license_param(license_raw))
            continue
        if not sources:
            params.append(_param(key, "closed", "unknown", "not shown by the evidence or the declarations"))
            continue
        present = [comps[s] for s in sources if s in comps and comps[s].released]
        open_ = [c for c in present if c.status == "included"]
        if key in DOCUMENTATION:
            # The index rates documentation by how complete it is, not by its license (projects/readme.md,
            # "Documentation"): released is at least partial; "open" (comprehensive) is a judgement the
            # files cannot show, so it must be declared.
            if present:
                rating, why = (
                    "partial",
                    f"{present[0].name} is available; whether it is comprehensive (the index's 'open') is "
                    "not judged from files: rate it in a sovaudit declaration's openness_index",
                )
            else:
                rating, why = "closed", f"{' / '.join(sources)}: not released (or not declared)"
        elif open_:
            rating, why = "open", f"{open_[0].name} under {open_[0].license_id or open_[0].license}"
        elif present:
            terms = f"({present[0].license})" if present[0].license else "(no license at all)"
            rating, why = "partial", f"{present[0].name} released under restrictive or unclear terms {terms}"
        elif key == "opencode" and (other := _open_code(comps)):
            # "Some source code is open" (projects/readme.md, Source code: partial)
            rating, why = "partial", f"no training code, but some code is open source: {other}"
        else:
            rating, why = "closed", f"{' / '.join(sources)}: not released (or not declared)"
        params.append(_param(key, rating, "derived from MOF", why))
    return _total(params, "derived from the MOF evaluation")


def _open_code(comps: dict[str, Any]) -> str:
    """Names of the code components other than training code released under an open license."""
    return ", ".join(n for n in OTHER_CODE if n in comps and comps[n].status == "included")


def _license_param(raw: str | None) -> dict[str, Any]:
    if not raw:
        return _param("license", "closed", "derived", "no license found")
    info = identify(raw)
    if info.osi_approved:
        return _param("license", "open", "derived", f"{info.id} is OSI-approved")
    if info.mof_open:
        return _param("license", "partial", "derived", f"{info.id} is open but not OSI-approved")
    if info.status == "unknown":
        return _param("license", "closed", "derived", f"license '{raw}' is unknown")
    return _param("license", "closed", "derived", f"{info.label} is not an open license")
