"""The corpora shipped with sovaudit, as one: FLORES-200 first, UDHR for the languages FLORES lacks.

Spec: ``shipped[:N][@dev|@devtest|@all][+text:FILE]`` (default split ``devtest``; ``N`` keeps the first N
FLORES sentences, for model audits that score every segment; ``+text:FILE`` joins the user's own text).
A country audit reads its languages from here, so Kikuyu, Luo and Kamba (in FLORES-200, not in UDHR) are
measured, and Maasai (UDHR only) still is.

The composed corpus holds two groups of segments, never mixed: FLORES sentences (``flores200:<split>:<i>``)
and UDHR articles (``udhr:<article>``). A FLORES language has text only on FLORES segments, a UDHR language
only on UDHR ones, and the reference (``eng``) on both, so ``aligned(lang, "eng")`` always compares the same
content; :meth:`ComposedCorpus.scope` (coverage, partial-translation notes) is the language's own group.

Each language's ``language_meta`` says which corpus measured it (``corpus``: ``flores200`` or ``udhr``),
the corpus's own code (``source_code``), and the individual variety (``iso639_3`` as the corpus names it,
``variety``: its English name). A UDHR translation is dropped only when a FLORES text of the *same individual
language* exists (same ISO 639-3 code, or the same CLDR language and script where the corpus gives no code):
FLORES ``gaz_Latn`` (West Central Oromo) and UDHR ``gax`` (Borana-Arsi-Guji Oromo) both stay, each labelled,
because they are different varieties of one macrolanguage.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SovauditError
from .base import ParallelCorpus
from .composed import REFERENCE, ComposedCorpus, _variety_name

ASSET = "flores200"
SPEC_RE = re.compile(r"^shipped(?::(\d+))?(?:@(dev|devtest|all))?$")
SPEC_HELP = "use shipped, shipped:N (the first N FLORES sentences) or shipped@dev / @devtest / @all"


def flores200_root(install: bool = True) -> Path:
    """The installed FLORES-200 asset's ``flores200/`` folder (installed from the bundled archive on first
    use; its files are re-hashed against the manifest on every call)."""
    from ..assets import AssetStore

    store = AssetStore()
    root = store.path(ASSET, install=install)
    store.check(ASSET)
    return root / "flores200"


def load_flores200_asset(split: str = "devtest") -> ParallelCorpus:
    """The shipped FLORES-200 (``dev``, ``devtest`` or ``all``) with its catalogue licence and origin."""
    from dataclasses import replace

    from ..assets.catalogue import get_asset
    from .flores import read_flores200

    asset = get_asset(ASSET)
    corpus = read_flores200(flores200_root(), split)
    src = asset.sources[0]
    origin = f"{asset.origin} Pinned: bundled {src.archive}, SHA-256 {src.sha256}."
    return replace(corpus, license=asset.license, origin=origin, version=asset.version)


def parse_spec(spec: str) -> tuple[int | None, str]:
    """``shipped[:N][@split]`` -> (N or None, split)."""
    m = SPEC_RE.match(spec.strip())
    if not m:
        raise SovauditError(f"unknown shipped-corpus spec '{spec}'", SPEC_HELP)
    n = int(m.group(1)) if m.group(1) else None
    if n is not None and n <= 0:
        raise SovauditError(f"shipped:{n} keeps no sentence", "pass a positive N, e.g. shipped:100")
    return n, m.group(2) or "devtest"


def load_shipped(spec: str = "shipped") -> ComposedCorpus:
    """FLORES-200 (the split and sentence count the spec names) plus UDHR for the languages FLORES lacks,
    plus the user's own parallel text for each ``+text:FILE`` (:mod:`sovaudit.corpora.usertext`)."""
    from .udhr import load_udhr

    head, *texts = spec.split("+text:")
    limit, split = parse_spec(head)
    flores = load_flores200_asset(split)
    corpus = compose(flores, load_udhr(), limit)
    if texts:
        from .usertext import join_user_text

        for path in texts:
            corpus = join_user_text(corpus, Path(path))
    return corpus


def spec_inputs(spec: str) -> tuple[list[str], list[str]]:
    """What a ``shipped...`` or ``flores200[@split]`` corpus spec reads: (catalogue assets, user text files),
    for content keys (:mod:`sovaudit.inputs`); ``([], [])`` for any other spec."""
    head, *texts = spec.split("+text:")
    if head.startswith("shipped"):
        return [ASSET, "udhr"], texts
    if head == ASSET or head.startswith(f"{ASSET}@"):
        return [ASSET], []
    return [], []


def with_text(spec: str, text: str | None) -> str:
    """The corpus spec with the user's text file joined (``--text FILE``); it joins the shipped corpora."""
    if not text:
        return spec
    if not spec.startswith("shipped"):
        raise SovauditError(
            f"--text joins the shipped corpora, not --corpus {spec}",
            "leave --corpus out (with --country), or pass --corpus shipped",
        )
    return f"{spec}+text:{text}"


def _identity(code: str, alias: str | None) -> tuple[str, str | None] | None:
    from .. import languages as L

    for c in (alias, code):
        if c and L.is_known(c):
            lang = L.resolve(c)
            return lang.language, lang.script
    return None


# UDHR translations whose package metadata names another variety than the text is: index.js lists ``gax``
# ("Oromo, Borana-Arsi-Guji", OHCHR code gax) with iso6393 'gaz' (West Central Oromo, FLORES-200's gaz_Latn).
UDHR_VARIETIES = {"gax": "gax"}


def _udhr_iso(code: str, iso: str) -> str:
    """A UDHR translation's individual language: :data:`UDHR_VARIETIES` where the package mislabels it."""
    return UDHR_VARIETIES.get(code, iso)


def compose(flores: ParallelCorpus, udhr: ParallelCorpus, limit: int | None = None) -> ComposedCorpus:
    """Compose FLORES-200 (first ``limit`` sentences) and UDHR into one corpus (see the module notes)."""
    f_ref, u_ref = "eng_Latn", REFERENCE
    for c, ref in ((flores, f_ref), (udhr, u_ref)):
        if not c.has(ref):
            raise SovauditError(
                f"{c.name} has no {ref} text", "reinstall it: sovaudit assets install --force"
            )
    f_ids = flores.segment_ids[:limit] if limit else flores.segment_ids
    f_map = {i: f"flores200:{i}" for i in f_ids}
    u_map = {i: f"udhr:{i}" for i in udhr.segment_ids}
    texts: dict[str, dict[str, str]] = {}
    meta: dict[str, dict[str, object]] = {}
    f_isos: set[str] = set()
    f_ident: set[tuple[str, str | None]] = set()
    for code in flores.languages:
        if code == f_ref:
            continue
        iso, _, script = code.partition("_")
        texts[code] = {f_map[i]: t for i, t in flores.texts[code].items() if i in f_map}
        meta[code] = {
            "corpus": "flores200",
            "source_code": code,
            "iso639_3": iso,
            "script": script.split("_")[0],
            "variety": _variety_name(iso),
        }
        f_isos.add(iso)
        ident = _identity(code, None)
        if ident:
            f_ident.add(ident)
    dropped: list[str] = []
    relabelled: list[str] = []
    for code in udhr.languages:
        if code == u_ref:
            continue
        m = dict(udhr.language_meta.get(code, {}))
        iso = _udhr_iso(code, str(m.get("iso639_3") or ""))
        if iso != m.get("iso639_3"):
            relabelled.append(
                f"{code} ({m.get('name')}): iso6393 {m.get('iso639_3')!r} in index.js, {iso} here"
            )
            m["iso639_3"] = iso
        ident = _identity(code, str(m.get("bcp47") or "") or None)
        if (iso and iso in f_isos) or (not iso and ident in f_ident):
            dropped.append(code)
            continue
        texts[code] = {u_map[i]: t for i, t in udhr.texts[code].items()}
        meta[code] = {
            **m,
            "corpus": "udhr",
            "source_code": code,
            "variety": _variety_name(iso) if iso else "",
        }
    texts[REFERENCE] = {
        **{f_map[i]: t for i, t in flores.texts[f_ref].items() if i in f_map},
        **{u_map[i]: t for i, t in udhr.texts[u_ref].items()},
    }
    meta[REFERENCE] = {"corpus": "flores200+udhr", "source_code": "eng_Latn / eng", "iso639_3": "eng"}
    groups = {"flores200": tuple(f_map.values()), "udhr": tuple(u_map.values())}
    split = flores.name.removeprefix("flores200-")
    name = f"flores200-{split}{f'-{limit}' if limit else ''}+udhr"
    notes = [
        f"{name}: each language measured on FLORES-200 ({split}, {len(f_ids)} sentences) where FLORES has it,"
        f" else on UDHR ({len(udhr.segment_ids)} articles); the reference {REFERENCE} on both, each language"
        " against the reference's text of its own segments (the 'corpus' column says which)",
        f"{name}: {len(dropped)} UDHR translations unused (FLORES-200 has the same language)",
        f"{name}: the UDHR is among the most translated and copied texts on the web, very likely seen in"
        " training; scores of the languages whose corpus column says udhr may flatter the model",
    ]
    if relabelled:
        notes.append(
            f"{name}: UDHR varieties named by their file code, not the package's iso6393 field: "
            + "; ".join(relabelled)
        )
    return ComposedCorpus(
        name=name,
        segment_ids=(*groups["flores200"], *groups["udhr"]),
        texts=texts,
        license=f"FLORES-200: {flores.license}; UDHR: {udhr.license or 'copyright-free'}",
        origin=f"FLORES-200: {flores.origin} | UDHR: {udhr.origin}",
        version=f"flores200@{flores.version or '-'}+udhr@{udhr.version or '-'}",
        language_meta=meta,
        notes=tuple(notes),
        groups=groups,
    )
