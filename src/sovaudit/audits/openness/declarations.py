"""Declarations: what a producer (or an auditor) says about a release, read as-is.

Three formats, told apart by their top-level keys:

* the Model Openness Tool's YAML (``framework`` + ``release``: components with per-component licenses, and
  global ``license.distribution|code|data|document`` licenses);
* the openness index's project YAML (``project`` + ``org`` + the 14 parameters rated open/partial/closed);
* sovaudit's own declaration (``sovaudit_declaration: 1``), :class:`SovauditDeclaration`::

      sovaudit_declaration: 1
      name: SmolLM2-135M-Instruct
      producer: Hugging Face
      license: Apache-2.0                 # distribution license (the weights', unless a component says)
      components:                         # MOF component name -> where it is and its license
        - {name: Training code, where: "https://...", license: Apache-2.0}
      training_data:                      # the data the model learnt from, with licenses
        - {name: FineWeb-Edu, where: "https://...", license: ODC-By-1.0}
      data_information: {where: "https://...", complete: false, note: "..."}
      openness_index: {rldata: {class: partial, notes: "..."}}   # optional ratings for the 14 parameters

Everything read from a declaration is *declared, not verified*.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import SovauditError
from ...signature import short_hash
from .rules import builtin_declaration_text, mof_rules

Format = Literal["mot", "index", "sovaudit"]
Rating = Literal["open", "partial", "closed"]


class MofInput(BaseModel):
    """A release as the MOF evaluator sees it: components (id -> license entry) and global licenses."""

    name: str
    components: dict[int, dict[str, str]] = Field(default_factory=dict)  # id -> {license?, component_path?}
    global_licenses: dict[str, str] = Field(default_factory=dict)  # distribution|code|data|document -> name
    unknown_components: list[str] = Field(default_factory=list)


class IndexRating(BaseModel):
    """One of the openness index's parameters as rated in a declaration."""

    model_config = ConfigDict(populate_by_name=True)
    class_: Rating = Field(alias="class")
    link: str | None = None
    notes: str | None = None


class DeclaredComponent(BaseModel):
    """A MOF component in a sovaudit declaration."""

    name: str
    where: str = ""
    license: str | None = None  # None: license not specified
    note: str = ""


class DeclaredData(BaseModel):
    """A training data set in a sovaudit declaration."""

    name: str
    where: str = ""
    license: str | None = None
    note: str = ""


class DataInformation(BaseModel):
    """Where the training data is described (OSAID's *data information*)."""

    where: str = ""
    complete: bool = False
    note: str = ""


class SovauditDeclaration(BaseModel):
    """sovaudit's own declaration file (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    sovaudit_declaration: Literal[1]
    name: str
    producer: str = ""
    license: str | None = None
    components: list[DeclaredComponent] = Field(default_factory=list)
    training_data: list[DeclaredData] = Field(default_factory=list)
    data_information: DataInformation | None = None
    openness_index: dict[str, IndexRating] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class Declaration(BaseModel):
    """A loaded declaration: its format, source, hash and raw content, plus the parsed form."""

    format: Format
    source: str
    name: str
    sha256: str
    raw: dict[str, Any]
    sovaudit: SovauditDeclaration | None = None
    findings: list[str] = Field(default_factory=list)


def load_declaration(path: str | Path) -> Declaration:
    """Read a declaration file (any of the three formats); bad YAML or shape -> one-line SovauditError."""
    p = Path(path)
    if p.is_file():
        text = p.read_text(encoding="utf-8", errors="replace")
        return parse_declaration(text, str(p))
    builtin = builtin_declaration_text(str(path))
    if builtin is not None:
        return parse_declaration(builtin, f"builtin:{path}")
    raise SovauditError(
        f"no declaration file at {p}", "pass a YAML file (MOT, openness index or sovaudit format)"
    )


def parse_declaration(text: str, source: str) -> Declaration:
    """Parse declaration text; ``source`` names it in messages."""
    try:
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise SovauditError(
            f"{source} is not valid YAML ({exc.problem} at {where})", "fix the YAML syntax at that line"
        ) from exc
    except yaml.YAMLError as exc:
        raise SovauditError(f"{source} is not valid YAML ({exc})", "fix the YAML syntax") from exc
    if not isinstance(raw, dict):
        raise SovauditError(
            f"{source} holds no YAML mapping", "pass a MOT, openness-index or sovaudit declaration"
        )
    digest = short_hash(text)
    if "sovaudit_declaration" in raw:
        try:
            decl = SovauditDeclaration.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise SovauditError(
                f"{source}: sovaudit declaration field '{loc}': {first['msg']}",
                "see the declaration format in sovaudit/audits/openness/declarations.py",
            ) from exc
        return Declaration(
            format="sovaudit", source=source, name=decl.name, sha256=digest, raw=raw, sovaudit=decl
        )
    if "release" in raw and isinstance(raw["release"], dict):
        name = str(raw["release"].get("name") or Path(source).stem)
        return Declaration(format="mot", source=source, name=name, sha256=digest, raw=raw)
    if "project" in raw and isinstance(raw["project"], dict):
        name = str(raw["project"].get("name") or Path(source).stem)
        return Declaration(format="index", source=source, name=name, sha256=digest, raw=raw)
    raise SovauditError(
        f"{source} is not a declaration sovaudit reads (top-level keys: {', '.join(map(str, raw))})",
        "pass a Model Openness Tool YAML (release:), an openness-index project YAML (project:) "
        "or a sovaudit declaration (sovaudit_declaration: 1)",
    )


def mof_input(decl: Declaration) -> MofInput:
    """The MOF view of a declaration (MOT format as-is; sovaudit format mapped; index format has none)."""
    by_name = mof_rules().by_name()
    out = MofInput(name=decl.name)
    if decl.format == "mot":
        release = decl.raw["release"]
        licenses = release.get("license") or {}
        if not isinstance(licenses, dict):
            raise SovauditError(
                f"{decl.source}: release.license is not a mapping",
                "write release.license as {distribution: {name: ID}, code: ..., data: ..., document: ...}",
            )
        for kind, value in licenses.items():
            if isinstance(value, dict) and value.get("name"):
                out.global_licenses[str(kind)] = str(value["name"])
        comps = release.get("components") or []
        if not isinstance(comps, list):
            raise SovauditError(f"{decl.source}: release.components is not a list", "list the components")
        for comp in comps:
            if not isinstance(comp, dict) or "name" not in comp:
                raise SovauditError(f"{decl.source}: a component has no name", "give each component a name")
            _add(out, by_name, str(comp["name"]), comp)
    elif decl.format == "sovaudit" and decl.sovaudit:
        if decl.sovaudit.license:
            out.global_licenses["distribution"] = decl.sovaudit.license
        for c in decl.sovaudit.components:
            entry: dict[str, Any] = {"component_path": c.where}
            entry["license"] = c.license if c.license is not None else "unlicensed"
            _add(out, by_name, c.name, entry)
    for name in out.unknown_components:
        decl.findings.append(f"unknown MOF component '{name}' (not one of the 17) was ignored")
    return out


def _add(out: MofInput, by_name: dict[str, Any], name: str, comp: dict[str, Any]) -> None:
    component = by_name.get(name.strip())
    if component is None:
        out.unknown_components.append(name)
        return
    entry: dict[str, str] = {}
    for key in ("license", "license_path", "component_path"):
        if key in comp and comp[key] is not None:
            value = str(comp[key])
            # ModelUpdater::processComponentLicenses: 'unlicensed' is stored as an empty license
            entry[key] = "" if key == "license" and value == "unlicensed" else value
    out.components[component.id] = entry
