"""``sovaudit compare BUNDLE... --out compare.html``: a leaderboard across bundles, per audit x model.

Numbers are put in one table only when their results are comparable: the same audit and audit (method)
version, and the same signature and settings once the *model parts* are set aside. Model parts are the
signature keys ``model``, ``tok``, ``tokenizer``, ``decl`` (what differs between the rows of a leaderboard)
and the spec hash ``spec`` (it hashes the model too; the settings stand in for it, compared without the
model keys ``model``, ``models``, ``model_*``, ``backend``, ``tokenizer``, ``tokenizers``). Results that
differ in anything else (data hashes, settings, method or sovaudit version) go into separate tables, and the
page says which parts differ and how.

A row's numbers are the audit's ``summary["headline"]`` (``{name: number}``) when it has one; otherwise
every numeric scalar of ``summary`` up to two levels deep (``a.b``), at most :data:`MAX_COLUMNS`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import __version__
from ..errors import SovauditError
from ..executors.base import SHARDS_DIR
from ..results import RESULTS_FILE, ResultsDocument, load_results, write_files_atomic
from ..signature import parse_signature, short_hash

MODEL_PARTS = frozenset({"model", "tok", "tokenizer", "decl", "spec"})
MODEL_SETTINGS = frozenset({"model", "models", "backend", "tokenizer", "tokenizers"})
MAX_COLUMNS = 12


@dataclass
class Entry:
    """One results document of one bundle."""

    bundle: str
    path: Path
    doc: ResultsDocument
    country: str = ""
    signer: str = ""  # who signed the bundle and whether this user trusts the key (trust.signer_words)

    @property
    def model(self) -> str:
        """The model (or tokenizers) the row is about: the signature's model parts, else the settings'."""
        parts = [v for k, v in parse_signature(self.doc.signature) if k in MODEL_PARTS - {"spec"}]
        if parts:
            return " + ".join(parts)
        m = self.doc.settings.get("model")
        if isinstance(m, Mapping):
            return str(m.get("spec", "")) or "—"
        return str(m) if m else "—"


def _model_setting(key: str) -> bool:
    return key in MODEL_SETTINGS or key.startswith("model_")


def comparable_parts(doc: ResultsDocument) -> dict[str, str]:
    """What must be equal for two documents' numbers to share a table (model parts left out)."""
    parts = {"audit": doc.audit, "method version": doc.audit_version or "?"}
    for key, value in parse_signature(doc.signature):
        if key not in MODEL_PARTS:
            parts[f"signature {key}"] = parts.get(f"signature {key}", "") + value
    settings = {k: v for k, v in doc.settings.items() if not _model_setting(k)}
    parts["settings"] = short_hash(json.dumps(settings, sort_keys=True, default=str))
    return parts


def headline(doc: ResultsDocument) -> dict[str, Any]:
    """The numbers a leaderboard row shows (see the module docstring)."""
    head = doc.summary.get("headline")
    if isinstance(head, Mapping):
        return {str(k): v for k, v in head.items() if _number(v)}
    out: dict[str, Any] = {}
    for key, value in doc.summary.items():
        if _number(value):
            out[str(key)] = value
        elif isinstance(value, Mapping):
            out.update({f"{key}.{k}": v for k, v in value.items() if _number(v)})
    return dict(list(out.items())[:MAX_COLUMNS])


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass
class Board:
    """One leaderboard table: comparable results of one audit."""

    audit: str
    parts: dict[str, str]
    entries: list[Entry] = field(default_factory=list)
    why_separate: list[str] = field(default_factory=list)


def _settings_diff(a: ResultsDocument, b: ResultsDocument) -> list[str]:
    out = []
    for k in sorted(set(a.settings) | set(b.settings)):
        if _model_setting(k):
            continue
        va, vb = a.settings.get(k), b.settings.get(k)
        if va != vb:
            out.append(f"setting '{k}' is {_short(va)} there, {_short(vb)} here")
    return out


def _short(v: Any, limit: int = 80) -> str:
    text = json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _why(first: Board, board: Board) -> list[str]:
    out = []
    a, b = first.entries[0].doc, board.entries[0].doc
    for key in sorted(set(first.parts) | set(board.parts)):
        if key == "settings":
            continue
        va, vb = first.parts.get(key, "(none)"), board.parts.get(key, "(none)")
        if va != vb:
            out.append(f"{key} is {va} there, {vb} here")
    if first.parts.get("settings") != board.parts.get("settings"):
        out += _settings_diff(a, b) or ["settings differ"]
    return out


def collect(paths: Iterable[str | Path]) -> list[Entry]:
    """Every results document in the given bundles (folders searched recursively) or results files."""
    from .trust import bundle_root, signer_status, trusted_keys

    keys = trusted_keys()
    entries: list[Entry] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            files, root = [p], p.parent
        elif p.is_dir():
            root = p
            files = sorted(f for f in p.rglob(RESULTS_FILE) if SHARDS_DIR not in f.relative_to(p).parts)
        else:
            raise SovauditError(f"bundle {p} does not exist", "pass bundle folders or results.json files")
        if not files:
            raise SovauditError(f"no {RESULTS_FILE} in {p}", "pass a bundle written by a sovaudit run")
        bundle = bundle_root(root)
        signer, country = "not in a signed bundle", ""
        if bundle is not None:
            status = signer_status(bundle, keys)
            signer = status.words()
            # the manifest's settings are shown only when its signature holds (an unsigned field is not used)
            country = _country(bundle) if status.state in ("trusted", "untrusted") else ""
        entries += [Entry(root.name or str(root), f, load_results(f), country, signer) for f in files]
    return entries


def _country(root: Path) -> str:
    from ..safeio import MAX_MANIFEST_BYTES, read_regular

    try:
        settings = json.loads(read_regular(root / "manifest.json", MAX_MANIFEST_BYTES)).get("settings", {})
    except (OSError, ValueError, AttributeError, RecursionError):
        return ""
    value = settings.get("country", "") if isinstance(settings, Mapping) else ""
    return str(value) if value else ""


def compare_bundles(paths: Iterable[str | Path]) -> list[Board]:
    """Leaderboards: per audit, one board per set of comparable results, each saying why it is separate."""
    boards: list[Board] = []
    for e in collect(paths):
        parts = comparable_parts(e.doc)
        board = next((b for b in boards if b.audit == e.doc.audit and b.parts == parts), None)
        if board is None:
            board = Board(e.doc.audit, parts)
            boards.append(board)
        board.entries.append(e)
    for b in boards:
        first = next(x for x in boards if x.audit == b.audit)
        if first is not b:
            b.why_separate = _why(first, b)
    return boards


def _table(index: int, board: Board) -> Any:
    from ..report.tables import Column, data_table

    metrics: dict[str, None] = {}
    for e in board.entries:
        metrics.update(dict.fromkeys(headline(e.doc)))
    rows = []
    for e in board.entries:
        row: dict[str, Any] = {"model": e.model, "bundle": e.bundle, "country": e.country or None}
        row.update({f"m:{k}": v for k, v in headline(e.doc).items()})
        row["signature"] = e.doc.signature
        row["signer"] = e.signer
        rows.append(row)
    columns = [Column("model", "model", "text", select=True), Column("bundle", "bundle", "text")]
    if any(e.country for e in board.entries):
        columns.append(Column("country", "country", "text", select=True))
    columns += [Column(f"m:{k}", k, "auto", digits=4) for k in metrics]
    columns.append(Column("signature", "signature", "text"))
    columns.append(Column("signer", "signed by (trust)", "text", select=True))
    return data_table(f"board-{index}", rows, columns, caption=f"{board.audit}: comparable results")


def render_compare(boards: Sequence[Board]) -> str:
    """The self-contained HTML page of the leaderboards (every string escaped)."""
    from ..report.render import _csp, _static, make_env, mark_bidi
    from ..report.tables import key_values

    env = make_env()
    blocks = [
        {
            "audit": b.audit,
            "table": _table(i, b),
            "parts": key_values(b.parts),
            "why": b.why_separate,
            "n": len(b.entries),
        }
        for i, b in enumerate(boards, start=1)
    ]
    script = _static("report.js")
    return mark_bidi(
        env.get_template("compare.html.j2").render(
            version=__version__,
            blocks=blocks,
            css=Markup(_static("report.css")),
            js=Markup(script),
            csp=_csp(script),
        )
    )


def write_compare(
    paths: Iterable[str | Path], out: str | Path, boards: Sequence[Board] | None = None
) -> Path:
    """Compare the bundles (or use ``boards``) and write the page atomically to ``out``; return its path."""
    out = Path(out)
    if out.is_dir():
        raise SovauditError(f"--out {out} is a folder", "pass a file path such as compare.html")
    html = render_compare(boards if boards is not None else compare_bundles(paths))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_files_atomic({out: html})
    except OSError as exc:
        raise SovauditError(
            f"cannot write {out}: {exc.strerror or exc}", "pass a writable --out path"
        ) from exc
    return out
