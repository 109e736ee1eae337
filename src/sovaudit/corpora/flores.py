"""FLORES-200 (plain-text folder) and FLORES+ (parquet folder, or the hub when the user names it) readers.

FLORES-200 layout: ``<DIR>/dev/<code>.dev`` and ``<DIR>/devtest/<code>.devtest`` (codes like ``swh_Latn``),
one sentence per line, line *i* of every language the same sentence; ``<DIR>`` may also be the parent holding
``flores200_dataset/``. Segment ids are ``<split>:<line index>`` (``devtest:0``).

Splits: ``devtest`` (the default), ``dev``, or ``all``: dev followed by devtest, named
``<corpus>-dev+devtest``. ``all`` is the data Petrov et al. tokenized (``data_dev + data_devtest`` in their
``compute/compute_tokenizations.py``), read cleanly: one segment per line, nothing else.

``petrov`` (FLORES-200 only) reads the files exactly as that script does (repository
``AleksandarPetrov/tokenization-fairness``, ``compute/compute_tokenizations.py``, ``process_one_language``:
``open(f, 'r')`` then ``file.read().split('\n')`` for ``dev/<lang>.dev`` and ``devtest/<lang>.devtest``,
``data = data_dev + data_devtest``, ``" ".join(data)``). Text mode turns ``\r\n`` and ``\r`` into ``\n``
and keeps a BOM as U+FEFF; ``split('\n')`` keeps the empty string after each file's final newline (and any
blank line). A segment cannot be empty here, so each empty (or blank) piece is folded into its neighbour as
the separator the join gives it: ``" ".join([a, ""]) == a + " "``, so the last line of each file carries a
trailing space (a blank line's id counts as missing, its spaces go to the line before). The audit's join of
the segments then equals their ``data_str`` character for character: ``@all`` plus one space after the last
dev line and one at the very end (1-2 tokens more per language, depending on the tokenizer).

FLORES+ layout: ``<DIR>/dev/*.parquet`` and ``<DIR>/devtest/*.parquet`` with columns ``id``, ``iso_639_3``,
``iso_15924``, ``glottocode`` and ``text`` (one file per language, or several languages in one file).
Languages are keyed ``<iso_639_3>_<iso_15924>`` (``swh_Latn``), with ``_<glottocode>`` appended when one code
has several varieties (``apc_Arab_nort3139``). Segment ids are ``<split>:<id>``. A file without those
columns is read as one language named by its file stem.

The corpus has as many segments as most languages have lines. A language with fewer lines keeps the lines
that align (line *i* is sentence *i*), one with more keeps the first ones; a note says so either way, and
coverage shows it: nothing is silently dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import SovauditError, require
from .base import ParallelCorpus
from .readers import read_lines, read_utf8

SPLITS = ("dev", "devtest")
ALL = "all"  # dev followed by devtest, as Petrov et al. tokenize FLORES-200
PETROV = "petrov"  # dev then devtest, read byte for byte as Petrov et al.'s script reads them
PETROV_NOTE = (
    "flores200-petrov: FLORES-200 read as Petrov et al.'s compute/compute_tokenizations.py reads it"
    " (each file split on newline, so the empty string after each file's final newline is kept, then"
    " dev and devtest joined with one space): each language's text is that of @all plus one space after"
    " the last dev sentence and one at the end, 1-2 tokens more per language; @all (and the default)"
    " leave them out"
)
FLORES_LICENSE = "CC-BY-SA-4.0"


def _check_split(split: str, petrov: bool = False) -> str:
    if split == PETROV and not petrov:
        raise SovauditError(
            "@petrov reads FLORES-200's text files as Petrov et al. did; FLORES+ has no such reading",
            "use flores200:DIR@petrov, or @all for FLORES+",
        )
    if split not in (*SPLITS, ALL, PETROV):
        raise SovauditError(
            f"unknown FLORES split '{split}'", "use dev, devtest, all or petrov, e.g. flores200:DIR@dev"
        )
    return split


def merge_splits(parts: list[ParallelCorpus], name: str) -> ParallelCorpus:
    """One corpus holding the segments of each split in turn (segment ids keep their ``<split>:`` prefix).

    A language missing from one split keeps the segments it has; its coverage (and a note) shows the gap.
    """
    ids = tuple(i for c in parts for i in c.segment_ids)
    langs = sorted({lang for c in parts for lang in c.texts})
    texts = {lang: {k: v for c in parts for k, v in c.texts.get(lang, {}).items()} for lang in langs}
    meta: dict[str, dict[str, object]] = {}
    for c in parts:
        for lang, m in c.language_meta.items():
            meta.setdefault(lang, dict(m))
    notes = [n for c in parts for n in c.notes]
    for c in parts:
        notes += [f"{name}: {lang} has no {c.name} file" for lang in langs if lang not in c.texts]
    first = parts[0]
    return ParallelCorpus(
        name=name,
        segment_ids=ids,
        texts=texts,
        license=first.license,
        origin=first.origin,
        version=first.version,
        language_meta=meta,
        notes=tuple(notes),
    )


def _flores200_root(folder: Path) -> Path:
    if not folder.exists():
        raise SovauditError(
            f"corpus folder not found: {folder}", "check the path given to --corpus flores200:DIR"
        )
    if not folder.is_dir():
        raise SovauditError(
            f"{folder} is a file, not a FLORES-200 folder", "point at the folder holding dev/ and devtest/"
        )
    for cand in (folder, folder / "flores200_dataset"):
        if any((cand / s).is_dir() for s in SPLITS):
            return cand
    raise SovauditError(
        f"{folder} is not in the FLORES-200 layout (no dev/ or devtest/ folder inside)",
        "point at the folder holding dev/<code>.dev and devtest/<code>.devtest"
        " (or its parent flores200_dataset/)",
    )


def read_flores200(folder: Path, split: str = "devtest", *, petrov: bool = False) -> ParallelCorpus:
    """Read one split of a FLORES-200 folder (``all``: dev then devtest; ``petrov``: that, read as Petrov
    et al.'s script reads it, see the module notes) into a :class:`ParallelCorpus`."""
    if _check_split(split, petrov=True) == ALL:
        return merge_splits([read_flores200(folder, s) for s in SPLITS], "flores200-dev+devtest")
    if split == PETROV:
        parts = [read_flores200(folder, s, petrov=True) for s in SPLITS]
        merged = merge_splits(parts, "flores200-petrov")
        return replace(merged, notes=(PETROV_NOTE, *merged.notes))
    root = _flores200_root(Path(folder))
    split_dir = root / split
    other = "dev" if split == "devtest" else "devtest"
    files = sorted(split_dir.glob(f"*.{split}")) if split_dir.is_dir() else []
    if not files:
        raise SovauditError(
            f"{split_dir} holds no <code>.{split} files",
            f"check the folder, or choose the other split with flores200:{folder}@{other}",
        )
    lines: dict[str, list[str]] = {}
    for path in files:
        code = path.name[: -len(split) - 1]
        got = petrov_lines(path) if petrov else read_lines(path)
        if not any(line.strip() for line in got):
            raise SovauditError(
                f"{path} is empty", "restore the file from the FLORES-200 archive, or remove it"
            )
        lines[code] = got
    return _aligned_lines(lines, split, name=f"flores200-{split}", origin=str(root))


def petrov_lines(path: Path) -> list[str]:
    """The lines of ``path`` as ``open(path, 'r').read().split('\\n')`` gives them (UTF-8, universal
    newlines, BOM kept), each empty or blank piece folded into the line before it as ``" " + piece`` (into
    the line after it, as ``piece + " "``, where none is before), and left in place as "" (missing). The
    piece after the final newline is folded and dropped. ``" ".join`` of the non-blank lines equals
    ``" ".join`` of the pieces (Petrov et al., ``compute/compute_tokenizations.py``)."""
    text = read_utf8(path)
    with path.open("rb") as f:
        if f.read(3) == b"\xef\xbb\xbf":  # text-mode open() with encoding utf-8 keeps the BOM
            text = "\ufeff" + text
    pieces = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    pending = ""  # blank pieces seen before any text: they go in front of the first line with text
    last = -1  # index in out of the last line with text
    for piece in pieces:
        if piece.strip():
            out.append(pending + piece)
            pending, last = "", len(out) - 1
        elif last >= 0:
            out[last] += " " + piece
            out.append("")
        else:
            pending += piece + " "
            out.append("")
    if pieces and not pieces[-1].strip() and out:
        out.pop()  # the piece after the final newline: folded above, no line of its own
    return out


def _aligned_lines(lines: dict[str, list[str]], split: str, name: str, origin: str) -> ParallelCorpus:
    counts = Counter(len(v) for v in lines.values())
    # the corpus length is what most languages have (ties: the longer); line i is sentence i in every file
    n = max(counts, key=lambda k: (counts[k], k))
    notes = []
    for code in sorted(lines):
        k = len(lines[code])
        if k < n:
            notes.append(
                f"{name}: {code} has {k} lines, most languages {n}; its {k} lines are aligned,"
                f" the last {n - k} segments are missing"
            )
        elif k > n:
            notes.append(
                f"{name}: {code} has {k} lines, most languages {n}; its lines after line {n} are not used"
                " (check the file for split or merged lines)"
            )
    ids = tuple(f"{split}:{i}" for i in range(n))
    texts = {
        code: {ids[i]: line for i, line in enumerate(v[:n]) if line.strip()} for code, v in lines.items()
    }
    for code, v in lines.items():
        blank = sum(1 for line in v[:n] if not line.strip())
        if blank:
            notes.append(f"{name}: {code} has {blank} blank lines (those segments count as missing)")
    return ParallelCorpus(
        name=name,
        segment_ids=ids,
        texts=texts,
        license=FLORES_LICENSE,
        origin=origin,
        version="",
        language_meta={},
        notes=tuple(notes),
    )


# -- FLORES+ ------------------------------------------------------------------------------------

_FLORES_PLUS_COLUMNS = ("iso_639_3", "iso_15924", "text")


def read_floresplus(source: str | Path, split: str = "devtest") -> ParallelCorpus:
    """Read a FLORES+ split (or ``all``) from a local parquet folder, or from the hub given a hub id."""
    if _check_split(split) == ALL:
        return merge_splits([read_floresplus(source, s) for s in SPLITS], "floresplus-dev+devtest")
    path = Path(source)
    if path.exists():
        return _floresplus_folder(path, split)
    text = str(source)
    if text.count("/") == 1 and not text.startswith((".", "/", "~")):
        return _floresplus_hub(text, split)
    raise SovauditError(
        f"FLORES+ source not found: {source}",
        "give a local folder holding dev/*.parquet and devtest/*.parquet, or a hub id such as owner/name",
    )


def _floresplus_folder(folder: Path, split: str) -> ParallelCorpus:
    if not folder.is_dir():
        raise SovauditError(
            f"{folder} is a file, not a FLORES+ folder", "point at the folder holding dev/ and devtest/"
        )
    split_dir = folder / split
    files = sorted(split_dir.rglob("*.parquet")) if split_dir.is_dir() else []
    if not files:
        raise SovauditError(
            f"{folder} is not in the FLORES+ layout (no {split}/*.parquet files)",
            "point at the folder holding dev/*.parquet and devtest/*.parquet",
        )
    pq = require("pyarrow.parquet", "corpus")
    rows: list[dict[str, Any]] = []
    for path in files:
        try:
            table = pq.read_table(path)  # type: ignore[attr-defined]
            data = table.to_pydict()  # decodes the strings: bad UTF-8 in a page shows here
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise SovauditError(
                f"{path} is not a readable parquet file ({exc})", "re-download the FLORES+ files"
            ) from exc
        cols = set(table.column_names)
        if "text" not in cols:
            raise SovauditError(
                f"{path} has no 'text' column", "FLORES+ files carry columns id, iso_639_3, iso_15924, text"
            )
        n = table.num_rows
        if n == 0:
            raise SovauditError(f"{path} is empty", "restore the file from the FLORES+ release, or remove it")
        for i in range(n):
            rows.append(
                {
                    "id": data["id"][i] if "id" in cols else i,
                    "iso": data["iso_639_3"][i] if "iso_639_3" in cols else None,
                    "script": data["iso_15924"][i] if "iso_15924" in cols else None,
                    "glotto": data["glottocode"][i] if "glottocode" in cols else None,
                    "text": data["text"][i],
                    "stem": path.stem,
                }
            )
    return _from_rows(rows, split, name=f"floresplus-{split}", origin=str(folder))


def _floresplus_hub(hub_id: str, split: str) -> ParallelCorpus:
    datasets = require("datasets", "hub")
    try:
        ds = datasets.load_dataset(hub_id, split=split)  # type: ignore[attr-defined]
    except Exception as exc:  # network, auth, unknown id: one line
        raise SovauditError(
            f"could not load FLORES+ '{hub_id}' ({split}) from the hub: {type(exc).__name__}",
            "check the id and that you are online and logged in, or download it and pass the folder",
        ) from exc
    rows = [
        {
            "id": r.get("id", i),
            "iso": r.get("iso_639_3"),
            "script": r.get("iso_15924"),
            "glotto": r.get("glottocode"),
            "text": r["text"],
            "stem": hub_id,
        }
        for i, r in enumerate(ds)
    ]
    return _from_rows(rows, split, name=f"floresplus-{split}", origin=hub_id)


def _from_rows(rows: list[dict[str, Any]], split: str, name: str, origin: str) -> ParallelCorpus:
    def base_key(r: dict[str, Any]) -> str:
        if r["iso"] and r["script"]:
            return f"{r['iso']}_{r['script']}"
        return str(r["iso"] or r["stem"])

    varieties: dict[str, set[Any]] = {}
    for r in rows:
        varieties.setdefault(base_key(r), set()).add(r["glotto"])
    texts: dict[str, dict[str, str]] = {}
    meta: dict[str, dict[str, object]] = {}
    notes: list[str] = []
    for r in rows:
        key = base_key(r)
        if len(varieties[key]) > 1 and r["glotto"]:
            key = f"{key}_{r['glotto']}"
        seg = f"{split}:{r['id']}"
        lang = texts.setdefault(key, {})
        if seg in lang:
            notes.append(f"{name}: {key} has segment {r['id']} twice; the first is kept")
            continue
        if r["text"] is not None and str(r["text"]).strip():
            lang[seg] = str(r["text"])
        meta.setdefault(key, {"iso639_3": r["iso"], "script": r["script"], "glottocode": r["glotto"]})
    all_ids = {s for lang in texts.values() for s in lang}
    ids = tuple(sorted(all_ids, key=lambda s: _id_key(s.split(":", 1)[1])))
    for key in sorted(texts):
        if len(texts[key]) < len(ids):
            notes.append(f"{name}: {key} has {len(texts[key])} of {len(ids)} segments")
    return ParallelCorpus(
        name=name,
        segment_ids=ids,
        texts=texts,
        license=FLORES_LICENSE,
        origin=origin,
        version="",
        language_meta=meta,
        notes=tuple(notes),
    )


def _id_key(raw: str) -> tuple[int, int, str]:
    return (0, int(raw), "") if raw.lstrip("-").isdigit() else (1, 0, raw)
