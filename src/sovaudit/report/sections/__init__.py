"""Report sections, one plugin module per audit.

A section module ``sovaudit.report.sections.<audit>`` exposes ``TITLE: str`` and
``render(docs: list[ResultsDocument], env: jinja2.Environment) -> str`` (an HTML fragment rendered from its
own template ``templates/<audit>.html.j2``). :func:`section_for` finds the module for an audit name: first
in the ``sections`` registry (:mod:`sovaudit.registry`, where plug-ins add theirs), then by that naming
convention, else the generic section. Modules are imported lazily, so a section's imports cost nothing
unless a document of its audit is rendered.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from types import ModuleType

GENERIC = "sovaudit.report.sections.generic"
_RESERVED = {"generic"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def section_for(audit: str) -> ModuleType:
    """The section module that renders documents of ``audit`` (the generic one if none is registered)."""
    from ...registry import sections

    if audit in sections:
        module: ModuleType = sections.get(audit)
        return module
    path = None
    if _NAME.match(audit) and audit not in _RESERVED:
        candidate = f"{__name__}.{audit}"
        if importlib.util.find_spec(candidate) is not None:
            path = candidate
    return importlib.import_module(path or GENERIC)
