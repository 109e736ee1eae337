"""The openness audit: how open is a model really — OSAID 1.0, MOF class, openness index, with evidence.

Modules: ``rules`` (the MOF rules and license data files), ``licenses`` (strings and texts -> SPDX ids and
what each id is), ``gguf_meta`` (GGUF metadata header), ``evidence`` (facts from a model folder or GGUF),
``declarations`` (MOT YAML, openness-index YAML, sovaudit's own format), ``mof``, ``osaid``, ``index``
(the three verdicts) and ``audit`` (subjects -> results document).
"""

from __future__ import annotations

from .audit import DEFAULT_MODELS, Subject, plan_subjects
from .declarations import Declaration, SovauditDeclaration, load_declaration, mof_input, parse_declaration
from .evidence import Evidence, Fact, gather
from .gguf_meta import read_gguf_metadata
from .licenses import LicenseInfo, identify, identify_text
from .mof import MofVerdict, evaluate
from .osaid import osaid_verdict

__all__ = [
    "DEFAULT_MODELS",
    "Declaration",
    "Evidence",
    "Fact",
    "LicenseInfo",
    "MofVerdict",
    "SovauditDeclaration",
    "Subject",
    "evaluate",
    "gather",
    "identify",
    "identify_text",
    "load_declaration",
    "mof_input",
    "osaid_verdict",
    "parse_declaration",
    "plan_subjects",
    "read_gguf_metadata",
]
