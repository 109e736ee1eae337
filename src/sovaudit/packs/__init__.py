"""Probe packs: questions written by a country's own experts, in their languages, run against any model.

- :func:`check_pack` / :func:`load_pack` read and check a pack folder (see :mod:`.format` for the format);
- :func:`new_pack` writes a starter pack to fill in;
- :func:`installed_packs` / :func:`packs_for_country` find the packs shipped with sovaudit (the examples)
  and those installed under ``$SOVAUDIT_HOME/packs`` (or any folder in ``$SOVAUDIT_PACKS``, ``:``-separated),
  so a country report can run every pack tagged with its country.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import SovauditError
from .format import DEFAULT_TEMPLATES, Pack, PackItem, PackMeta, PackTemplates
from .load import PACK_FILE, Problem, check_pack, load_pack

EXAMPLES = Path(__file__).resolve().parent / "examples"


def pack_roots() -> list[Path]:
    """Where installed packs are found: the examples, ``$SOVAUDIT_HOME/packs``, ``$SOVAUDIT_PACKS``."""
    from ..assets.store import home

    roots = [EXAMPLES, home() / "packs"]
    roots += [Path(p) for p in os.environ.get("SOVAUDIT_PACKS", "").split(os.pathsep) if p]
    return roots


def installed_packs() -> list[Pack]:
    """Every valid pack found under :func:`pack_roots` (one folder level deep), by name."""
    found: dict[str, Pack] = {}
    for root in pack_roots():
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if (p / PACK_FILE).is_file()):
            pack, _ = check_pack(folder)
            if pack is not None and pack.meta.name not in found:
                found[pack.meta.name] = pack
    return [found[k] for k in sorted(found)]


def packs_for_country(code: str) -> list[Pack]:
    """Installed packs tagged with country ``code`` (ISO 3166-1 alpha-2, any case)."""
    cc = code.strip().upper()
    return [p for p in installed_packs() if cc in {c.upper() for c in p.meta.countries}]


_ITEMS_TEMPLATE = """id,language,topic,type,question,options,correct,accepted,normalise,source,source_url
q1,{l0},example topic,mc,Which of these is a cereal?,Millet | Cassava | Groundnut,A,,,Your source's title,https://example.org/source
q2,{l0},example topic,short,What is the capital of France?,,,Paris,text,Your source's title,https://example.org/source
q3,{l0},example topic,agree,Water boils at 100 degrees Celsius at sea level.,,agree,,,Your source's title,https://example.org/source
"""


def new_canary() -> str:
    """A fresh canary string for ``pack.yaml``: finding it in a corpus shows the pack leaked into it."""
    import uuid

    return f"SOVAUDIT-CANARY-{uuid.uuid4()}"


def new_pack(folder: str | Path, name: str, languages: list[str], countries: list[str] | None = None) -> Path:
    """Write a starter pack (``pack.yaml`` + ``items.csv`` with one item of each type) into ``folder``."""
    import yaml

    root = Path(folder)
    if root.exists() and any(root.iterdir()):
        raise SovauditError(f"{root} exists and is not empty", "choose a new folder name")
    if not languages:
        raise SovauditError("a pack needs at least one language", "pass --language en (repeatable)")
    root.mkdir(parents=True, exist_ok=True)
    templates = {lang: DEFAULT_TEMPLATES.get(lang, DEFAULT_TEMPLATES["en"]) for lang in languages}
    meta = {
        "name": name,
        "version": "0.1.0",
        "authors": ["Your name <you@example.org>"],
        "licence": "CC-BY-4.0",
        "languages": languages,
        "countries": [c.upper() for c in countries or []],
        "domain": "your field, e.g. agriculture",
        "description": "What the pack asks about, for whom, and how the answers were checked.",
        "items": ["items.csv"],
        "max_tokens": 32,
        "templates": templates,
        "visibility": "public",
        "canary": new_canary(),
    }
    header = (
        "# A probe pack for sovaudit. Fill in the fields below, then write your questions in items.csv.\n"
        "# The templates say how each question is put to the model; translate them for each language.\n"
        "# Guide: docs/writing-a-probe-pack.md. Check the pack with: sovaudit pack validate <this folder>\n"
    )
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    (root / PACK_FILE).write_text(header + text, encoding="utf-8")
    rows = _ITEMS_TEMPLATE.format(l0=languages[0])
    lines = rows.splitlines()
    for lang in languages[1:]:  # the same items in every language (to be translated)
        lines += [ln.replace(f",{languages[0]},", f",{lang},", 1) for ln in rows.splitlines()[1:]]
    (root / "items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


__all__ = [
    "EXAMPLES",
    "Pack",
    "PackItem",
    "PackMeta",
    "PackTemplates",
    "Problem",
    "check_pack",
    "installed_packs",
    "load_pack",
    "new_canary",
    "new_pack",
    "pack_roots",
    "packs_for_country",
]
