"""Render results documents into one self-contained HTML page.

The page is built from the documents alone: one section per audit (a plugin from
:mod:`sovaudit.report.sections`), one provenance block per document and one table of the assets all
documents depend on. CSS and JavaScript are inline; a Content-Security-Policy allows only the page's own
script (by hash) and no network access at all. Jinja autoescaping is on, so every string that came from a
model, a dataset or a user is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..errors import SovauditError
from ..results import AssetRecord, ResultsDocument, load_results, write_files_atomic
from . import tables
from .sections import GENERIC, section_for
from .tables import Column, data_table, key_values

TITLE = "sovaudit report"


# The bidirectional controls that reorder text as displayed ("Trojan Source", CVE-2021-42574): embeddings,
# overrides and isolates. In a page they could make a model name, a language code or a number read as
# something else, so each is shown as a visible marker. LRM/RLM/ALM (U+200E, U+200F, U+061C) are kept:
# they occur in ordinary right-to-left text and cannot override the order of what follows them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates: a results.json may hold them as JSON escapes (``"\\udcff"``, e.g. a file name read with
# surrogateescape by another tool); UTF-8 cannot encode them, so writing the page failed with an internal
# error. (A valid pair in JSON is read as one character, so any surrogate left in a string is alone.)
SURROGATES = re.compile("[\ud800-\udfff]")


def _marker(m: re.Match[str]) -> str:
    return f"⟨U+{ord(m.group()):04X}⟩"


def mark_bidi(html: str) -> str:
    """Replace every bidi embedding/override/isolate in ``html`` by a visible ``⟨U+202E⟩`` marker, and every
    lone surrogate likewise (``⟨U+DCFF⟩``), so the page can be written as UTF-8.

    Applied to the finished page: the page's own markup, CSS and script hold none, so every one found came
    from a document (a corpus, a model, a declaration, a file name) however it was escaped on the way.
    """
    return SURROGATES.sub(_marker, BIDI_CONTROLS.sub(_marker, html))


class SectionFallbackWarning(RuntimeWarning):
    """A section plugin failed and its documents were shown by the generic section instead."""


def make_env() -> jinja2.Environment:
    """The Jinja environment for the report's templates: autoescape on, helpers as filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sovaudit.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        fmt_int=tables.fmt_int,
        fmt_float=tables.fmt_float,
        fmt_ratio=tables.fmt_ratio,
        fmt_pct=tables.fmt_pct,
        fmt_value=tables.fmt_value,
    )
    return env


def _static(name: str) -> str:
    return resources.files("sovaudit.report").joinpath("templates", name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def doc_anchor(index: int) -> str:
    """The id of a document's provenance block (documents are numbered from 1 in page order)."""
    return f"doc-{index}"


def _group(docs: Sequence[ResultsDocument]) -> dict[str, list[ResultsDocument]]:
    groups: dict[str, list[ResultsDocument]] = {}
    for doc in docs:
        groups.setdefault(doc.audit, []).append(doc)
    return groups


def _section_id(audit: str) -> str:
    return "sec-" + "".join(ch if ch.isalnum() else "-" for ch in audit.lower())


def _provenance(env: jinja2.Environment, doc: ResultsDocument, index: int) -> Markup:
    p = doc.provenance
    facts = [
        ("signature", doc.signature),
        ("audit", doc.audit),
        ("results format", str(doc.format_version)),
        ("sovaudit version", p.sovaudit_version),
        ("git revision", p.git_revision),
        ("python", p.python),
        ("platform", p.platform),
        ("command", " ".join(p.command) if p.command else tables.MISSING),
        ("created at", p.created_at),
        ("rows", f"{len(doc.rows):,}"),
    ]
    html = env.get_template("provenance.html.j2").render(
        anchor=doc_anchor(index),
        index=index,
        audit=doc.audit,
        facts=facts,
        settings=key_values(doc.settings),
        packages=key_values(p.packages),
    )
    return Markup(html)


ASSET_COLUMNS = [
    Column("name", "name", "text"),
    Column("kind", "kind", "text", select=True),
    Column("version", "version", "text"),
    Column("sha256_short", "sha256", "text", title="first 12 hex digits of the SHA-256", tip_key="sha256"),
    Column("license", "license", "text", select=True),
    Column("origin", "origin", "text"),
    Column("used_by", "used by", "text", title="documents (numbered as in Provenance) that use the asset"),
]


def asset_rows(docs: Sequence[ResultsDocument]) -> list[dict[str, Any]]:
    """The union of all documents' assets (one row per name, version and hash), sorted by name."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i, doc in enumerate(docs, start=1):
        for a in doc.provenance.assets:
            rec = a if isinstance(a, AssetRecord) else AssetRecord.model_validate(a)
            key = (rec.name, rec.version, rec.sha256)
            row = seen.setdefault(
                key,
                {**rec.model_dump(), "sha256_short": rec.sha256[:12], "docs": []},
            )
            if i not in row["docs"]:
                row["docs"].append(i)
    rows = sorted(seen.values(), key=lambda r: (r["name"], r["version"], r["sha256"]))
    for row in rows:
        row["used_by"] = ", ".join(str(i) for i in row.pop("docs"))
    return rows


def _render_section(module: ModuleType, docs: list[ResultsDocument], env: jinja2.Environment) -> Markup:
    """A section's HTML; if its plugin fails, the generic view under a visible warning.

    A report must still show the recorded data when one section has a bug or meets a document it does not
    understand; set SOVAUDIT_DEBUG=1 to get the exception instead.
    """
    try:
        return Markup(module.render(docs, env))
    except Exception as exc:
        if os.environ.get("SOVAUDIT_DEBUG") or module.__name__ == GENERIC:
            raise
        problem = (
            f"the section {module.__name__} could not render these documents ({type(exc).__name__}: {exc})"
        )
        warnings.warn(problem, SectionFallbackWarning, stacklevel=2)
        generic = importlib.import_module(GENERIC)
        warning = Markup('<p class="warning">{}; showing the recorded data instead.</p>').format(problem)
        return warning + Markup(generic.render(docs, env))


def render_report(docs: list[ResultsDocument], title: str = TITLE, signers: Sequence[str] = ()) -> str:
    """Render results documents into one self-contained HTML page (a string); ``signers``: per document,
    who signed the bundle holding it and whether that key is trusted (``bundle.trust.signer_words``)."""
    if not docs:
        raise SovauditError("no results documents to report on", "pass at least one results.json")
    env = make_env()
    sections = []
    for audit, group in _group(docs).items():
        module = section_for(audit)
        name = f"{audit}" if module.__name__ == GENERIC else str(getattr(module, "TITLE", audit))
        sections.append(
            {"id": _section_id(audit), "title": name, "html": _render_section(module, group, env)}
        )
    script = _static("report.js")
    doc_list = [
        {
            "audit": d.audit,
            "signature": d.signature,
            "anchor": doc_anchor(i),
            "signer": signers[i - 1] if i <= len(signers) else "",
        }
        for i, d in enumerate(docs, start=1)
    ]
    page = env.get_template("page.html.j2").render(
        title=title,
        version=__version__,
        docs=doc_list,
        audits=list(_group(docs)),
        sections=sections,
        provenance=[_provenance(env, d, i) for i, d in enumerate(docs, start=1)],
        assets=data_table("assets-table", asset_rows(docs), ASSET_COLUMNS, caption="assets"),
        css=Markup(_static("report.css")),
        js=Markup(script),
        csp=_csp(script),
    )
    return mark_bidi(page)


def load_documents(paths: Iterable[str | Path]) -> list[ResultsDocument]:
    """Load results documents from files or folders holding a ``results.json`` (duplicates once)."""
    docs, seen = [], set()
    for path in paths:
        p = Path(path)
        resolved = (p / "results.json" if p.is_dir() else p).resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        docs.append(load_results(p))
    if not docs:
        raise SovauditError(
            "no results documents given", "pass one or more results.json files or their folders"
        )
    return docs


def document_signers(paths: Iterable[str | Path]) -> list[str]:
    """Per document :func:`load_documents` loads (same order, same duplicates dropped): the signer of the
    bundle holding it and whether this user trusts that key (the keyring; never the bundle's own key)."""
    from ..bundle.trust import signer_words, trusted_keys

    keys = trusted_keys()
    out, seen = [], set()
    for path in paths:
        p = Path(path)
        resolved = (p / "results.json" if p.is_dir() else p).resolve()
        if resolved not in seen:
            seen.add(resolved)
            out.append(signer_words(p, keys))
    return out


def write_report(paths: Iterable[str | Path], out: str | Path) -> Path:
    """Load results documents, render the report and write it atomically to ``out``; return its path."""
    from ..outdir import check_file_target

    out = Path(out)
    if str(out) in ("", "."):
        raise SovauditError("--out is empty", "pass a file path such as report.html")
    if out.is_dir() and not out.is_symlink():
        raise SovauditError(f"--out {out} is a folder", "pass a file path such as report.html")
    check_file_target(out)  # a device, FIFO, socket or symlink is refused before any work
    paths = list(paths)
    html = render_report(load_documents(paths), signers=document_signers(paths))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_files_atomic({out: html})
    except OSError as exc:
        raise SovauditError(
            f"cannot write the report to {out}: {exc.strerror or exc}", "pass a writable --out path"
        ) from exc
    return out
