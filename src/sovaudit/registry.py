"""One lazy registry for audits, model backends, executors, corpora and report sections.

Entries are ``"module:object"`` placeholders, imported on first use (so ``sovaudit --help`` imports no
audit). A name registered twice with another target is refused; what a name resolves to is checked against
the kind's base class. Built-in entries are the table below; other packages add theirs through the entry
point group ``sovaudit.<kind>`` (e.g. ``sovaudit.audits``). Modelled on lm-evaluation-harness's
``api/registry.py``, without registration by import side effect.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

from .errors import SovauditError

KINDS = ("audits", "backends", "executors", "corpora", "sections")

# kind -> name -> "module:object". Data only; every built-in plug-in is listed here and nowhere else.
BUILTIN: dict[str, dict[str, str]] = {
    "audits": {
        "tokenizers": "sovaudit.audits.tokenizer_tax.audit:TokenizersAudit",
        "competence": "sovaudit.audits.competence.audit:CompetenceAudit",
        "corpus": "sovaudit.audits.corpus.audit:CorpusAudit",
        "openness": "sovaudit.audits.openness.audit:OpennessAudit",
        "pack": "sovaudit.audits.pack.audit:PackAudit",
        "culture": "sovaudit.audits.culture.audit:CultureAudit",
        "opinions": "sovaudit.audits.opinions.audit:OpinionsAudit",
        "politics": "sovaudit.audits.politics.audit:PoliticsAudit",
        "bias": "sovaudit.audits.bias.audit:BiasAudit",
    },
    "backends": {
        "hf": "sovaudit.models.loading:load_hf",
        "llamacpp": "sovaudit.models.loading:load_llamacpp",
        "openai": "sovaudit.models.loading:load_openai",
    },
    "executors": {
        "local": "sovaudit.executors.local:SequentialExecutor",
        "process": "sovaudit.executors.local:ProcessExecutor",
        "ray": "sovaudit.executors.ray_executor:RayExecutor",
    },
    "corpora": {},
    # audit name -> report section module (a module exposing TITLE and render)
    "sections": {
        "tokenizers": "sovaudit.report.sections.tokenizers",
        "competence": "sovaudit.report.sections.competence",
        "corpus": "sovaudit.report.sections.corpus",
        "openness": "sovaudit.report.sections.openness",
        "country": "sovaudit.report.sections.country",
        "bias": "sovaudit.report.sections.bias",
        "opinions": "sovaudit.report.sections.opinions",
        "politics": "sovaudit.report.sections.politics",
        "culture": "sovaudit.report.sections.culture",
        "pack": "sovaudit.report.sections.pack",
    },
}


class Registry:
    """Name -> ``"module:object"`` placeholders of one kind, resolved (and checked) on first use."""

    def __init__(self, kind: str, check: Callable[[Any], bool] | None = None) -> None:
        self.kind = kind
        self._targets: dict[str, str | Any] = {}
        self._loaded: dict[str, Any] = {}
        self._check = check
        self._entry_points_read = False

    def register(self, name: str, target: str | Any) -> None:
        """Add ``name``; the same name with another target is refused."""
        old = self._targets.get(name)
        if old is not None and old != target:
            raise SovauditError(
                f"{self.kind} '{name}' is registered twice ({old} and {target})",
                "give the plug-in another name",
            )
        self._targets[name] = target

    def _read_entry_points(self) -> None:
        if self._entry_points_read:
            return
        self._entry_points_read = True
        for ep in metadata.entry_points(group=f"sovaudit.{self.kind}"):
            self.register(ep.name, ep.value)

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        self._read_entry_points()
        return sorted(self._targets)

    def __contains__(self, name: object) -> bool:
        self._read_entry_points()
        return name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> Any:
        """The object ``name`` stands for, imported on first use."""
        self._read_entry_points()
        if name in self._loaded:
            return self._loaded[name]
        target = self._targets.get(name)
        if target is None:
            known = ", ".join(self.names()) or "none"
            raise SovauditError(f"unknown {self.kind[:-1]} '{name}'", f"use one of: {known}")
        obj = _resolve(target) if isinstance(target, str) else target
        if self._check is not None and not self._check(obj):
            raise SovauditError(
                f"{self.kind[:-1]} '{name}' ({target}) is not a valid {self.kind[:-1]}",
                "check the plug-in's entry point",
            )
        self._loaded[name] = obj
        return obj


def _resolve(target: str) -> Any:
    """``"module:object.attr"`` -> the object; ``"module"`` -> the module itself."""
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def _is_section(obj: Any) -> bool:
    return callable(getattr(obj, "render", None)) and isinstance(getattr(obj, "TITLE", None), str)


def _is_audit(obj: Any) -> bool:
    from .audits.base import Audit

    return isinstance(obj, type) and issubclass(obj, Audit)


REGISTRIES: dict[str, Registry] = {
    "audits": Registry("audits", _is_audit),
    "backends": Registry("backends", callable),
    "executors": Registry("executors", callable),
    "corpora": Registry("corpora", callable),
    "sections": Registry("sections", _is_section),
}
for _kind, _entries in BUILTIN.items():
    for _name, _target in _entries.items():
        REGISTRIES[_kind].register(_name, _target)

audits = REGISTRIES["audits"]
backends = REGISTRIES["backends"]
executors = REGISTRIES["executors"]
corpora = REGISTRIES["corpora"]
sections = REGISTRIES["sections"]
