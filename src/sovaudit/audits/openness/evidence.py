"""Evidence gathering from what is at hand: a model folder or a GGUF file.

Each :class:`Fact` says what was seen, where (file and field), and whether it was *found* in the files or
only *declared, not verified* (facts from declarations use the same type, see ``declarations.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from ...errors import SovauditError
from .gguf_meta import read_gguf_metadata
from .licenses import LicenseInfo, identify, identify_text

Status = Literal["found", "declared"]
LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|notice|.*terms.*|.*licen[cs]e.*)(\.[a-z]+)?$", re.IGNORECASE)
CARD_NAMES = ("README.md", "readme.md", "MODEL_CARD.md", "model_card.md")
WEIGHT_SUFFIXES = (".gguf", ".safetensors", ".bin", ".pt", ".pth", ".onnx")
GGUF_FIELDS = (
    "general.license",
    "general.license.name",
    "general.license.link",
    "general.url",
    "general.source.url",
    "general.repo_url",
    "general.name",
    "general.organization",
    "general.datasets",
)
MAX_DEPTH = 4


class Fact(BaseModel):
    """One piece of evidence: ``subject`` (e.g. ``license``, ``weights``, ``Model card``) has ``value``."""

    subject: str
    value: str
    status: Status
    source: str  # a file (relative to the audited path) or a declaration file
    field: str = ""  # e.g. general.license, front matter: license, text
    license: LicenseInfo | None = None


class Evidence(BaseModel):
    """Everything gathered about one model."""

    name: str
    path: str = ""
    facts: list[Fact] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)

    def of(self, subject: str) -> list[Fact]:
        """Facts about one subject."""
        return [f for f in self.facts if f.subject == subject]


def gather(path: str | Path, name: str | None = None) -> Evidence:
    """Gather facts from a model folder or a GGUF file."""
    p = Path(path)
    if not p.exists():
        raise SovauditError(f"no model at {p}", "pass an asset name, a model folder or a .gguf file")
    ev = Evidence(name=name or p.stem if p.is_file() else name or p.name, path=str(p))
    if p.is_file():
        if p.suffix.lower() != ".gguf":
            raise SovauditError(f"{p} is not a model folder or a .gguf file", "pass a folder or a GGUF file")
        ev.facts.extend(gguf_facts(p, p.name))
        ev.facts.append(Fact(subject="weights", value=p.name, status="found", source=p.name, field="file"))
    else:
        _scan_folder(p, ev)
    if not ev.of("license"):
        ev.findings.append("no license found: no license file, model-card license or GGUF general.license")
    return ev


def _files(root: Path) -> list[Path]:
    out = []
    for f in sorted(root.rglob("*")):
        if f.is_file() and len(f.relative_to(root).parts) <= MAX_DEPTH and not f.name.startswith("."):
            out.append(f)
    return out


def _scan_folder(root: Path, ev: Evidence) -> None:
    for f in _files(root):
        rel = str(f.relative_to(root))
        low = f.name.lower()
        if low.endswith(WEIGHT_SUFFIXES):
            ev.facts.append(Fact(subject="weights", value=f.name, status="found", source=rel, field="file"))
            if low.endswith(".gguf"):
                ev.facts.extend(gguf_facts(f, rel))
        elif f.name in CARD_NAMES:
            ev.facts.extend(card_facts(f.read_text(encoding="utf-8", errors="replace"), rel))
        elif f.name == "config.json":
            ev.facts.extend(config_facts(f, rel))
        elif LICENSE_FILE.match(f.name) and f.stat().st_size < 2_000_000:
            text = _plain_text(f.read_text(encoding="utf-8", errors="replace"), f.suffix.lower())
            info = identify_text(text)
            ev.facts.append(
                Fact(
                    subject="license",
                    value=info.label,
                    status="found",
                    source=rel,
                    field="text",
                    license=info,
                )
            )


def _plain_text(text: str, suffix: str) -> str:
    if suffix in (".html", ".htm"):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"(?s)<[^>]+>", " ", text)
        text = re.sub(r"&nbsp;|&#160;", " ", text)
    return text


def gguf_facts(path: Path, rel: str) -> list[Fact]:
    """Facts from a GGUF file's metadata header (``general.license``, ``general.url``, ...)."""
    meta = read_gguf_metadata(path)
    facts = []
    for key in GGUF_FIELDS:
        if key not in meta:
            continue
        value = meta[key]
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if key in ("general.license", "general.license.name"):
            facts.append(_license_fact(text, rel, key))
        elif key == "general.datasets":
            facts.append(Fact(subject="datasets", value=text, status="found", source=rel, field=key))
        else:
            facts.append(
                Fact(subject=key.removeprefix("general."), value=text, status="found", source=rel, field=key)
            )
    return facts


def _license_fact(raw: str, rel: str, field: str) -> Fact:
    info = identify(raw)
    return Fact(subject="license", value=info.label, status="found", source=rel, field=field, license=info)


def card_facts(text: str, rel: str) -> list[Fact]:
    """Facts from a model card: its presence and its front matter (license, license_name, datasets)."""
    facts = [Fact(subject="Model card", value=rel, status="found", source=rel, field="file")]
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", text, re.DOTALL)
    if not match:
        return facts
    try:
        front = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return [*facts, Fact(subject="note", value="unreadable front matter", status="found", source=rel)]
    if not isinstance(front, dict):
        return facts
    lic = front.get("license_name") or front.get("license")
    field = "front matter: license_name" if front.get("license_name") else "front matter: license"
    if (isinstance(lic, str) and lic.strip() and lic.strip().lower() != "other") or isinstance(lic, str):
        facts.append(_license_fact(lic, rel, field))
    if front.get("license_link"):
        facts.append(
            Fact(
                subject="license.link",
                value=str(front["license_link"]),
                status="found",
                source=rel,
                field="front matter: license_link",
            )
        )
    datasets = front.get("datasets")
    if datasets:
        names = datasets if isinstance(datasets, list) else [datasets]
        facts.append(
            Fact(
                subject="datasets",
                value=", ".join(map(str, names)),
                status="found",
                source=rel,
                field="front matter: datasets",
            )
        )
    return facts


def config_facts(path: Path, rel: str) -> list[Fact]:
    """Facts from ``config.json``: the architecture it names (configuration, not architecture code)."""
    try:
        cfg = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return [Fact(subject="note", value="config.json is not valid JSON", status="found", source=rel)]
    if not isinstance(cfg, dict):
        return [Fact(subject="note", value="config.json is not a JSON object", status="found", source=rel)]
    arch = cfg.get("architectures") or cfg.get("model_type") or ""
    value = ", ".join(map(str, arch)) if isinstance(arch, list) else str(arch)
    return [
        Fact(subject="architecture config", value=value, status="found", source=rel, field="architectures")
    ]
