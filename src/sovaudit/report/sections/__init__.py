"""Report sections, one plugin module per audit.

A section module ``sovaudit.report.sections.<audit>`` exposes ``TITLE: str`` and
``render(docs: list[ResultsDocument], env: jinja2.Environment) -> str`` (an HTML fragment rendered from its
own template ``templates/<audit>.html.j2``). :func:`section_for` finds the module for an audit name: first
in :data:`SECTIONS`, then by that naming convention, else the generic section. Modules are imported lazily,
so a section's imports cost nothing unless a document of its audit is rendered.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from types import ModuleType

# audit name -> module path. Add a line here when a section's module is not named after its audit.
SECTIONS: dict[str, str] = {
    "tokenizers": "sovaudit.report.sections.tokenizers",
}
GENERIC = "sovaudit.report.sections.generic"
_RESERVED = {"generic"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def section_for(audit: str) -> ModuleType:
    """The section module that renders documents of ``audit`` (the generic one if none is registered)."""
    path = SECTIONS.get(audit)
    if path is None and _NAME.match(audit) and audit not in _RESERVED:
        candidate = f"{__name__}.{audit}"
        if importlib.util.find_spec(candidate) is not None:
            path = candidate
    return importlib.import_module(path or GENERIC)
