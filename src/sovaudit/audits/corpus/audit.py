"""The corpus language audit: plan shards, run them on an executor, reduce, write ``results.json``.

Signature: ``corpus:<folder>@<fingerprint>|lid:<detector>-<version>|field:<text field>|ref:<world|CC>``
(``|near:minhash64`` with near-duplicate estimation), then ``|v:<sovaudit version>``. The corpus
fingerprint hashes each file's relative name, size and first and last 64 KiB (see
:func:`~sovaudit.audits.corpus.readers.corpus_fingerprint`); a fastText detector's version is the first
8 hex of its model file's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ...errors import SovauditError
from ...executors import WorkUnit
from ...inputs import input_field
from ...results import ResultsDocument, make_provenance
from ...signature import hashed, make_signature
from ..base import Audit, AuditSpec, Metric, Resources, Unit
from ..country import CountryOptions, CountryPlan, Headline, NotMeasured, Planned
from .counts import CorpusCounts, merge_all
from .lid import BUILTIN, DEFAULT_LID, describe
from .process import ShardSettings, process_unit
from .readers import DEFAULT_MAX_LINE_BYTES, DEFAULT_SHARD_BYTES, discover, file_format, plan_shards
from .reduce import build_rows
from .streams import corpus_fingerprint, open_binary

PACKAGES = (
    "pyarrow",
    "zstandard",
    "pycld2",
    "py3langid",
    "cld3-py",
    "lingua-language-detector",
    "fasttext-numpy2-wheel",
    "datasketch",
    "ray",
    "numpy",
    "langcodes",
    "language-data",
)


def plan_units(spec: CorpusAuditSpec) -> tuple[list[WorkUnit], list[Path], ShardSettings]:
    """The work units of a run (one per shard), the corpus files and the shard settings."""
    if spec.shard_bytes <= 0 or spec.max_line_bytes <= 0 or spec.lid_chars <= 0:
        raise SovauditError(
            "shard size, line cap and LID characters must be positive", "pass positive values"
        )
    files = discover(list(spec.paths))
    shards = plan_shards(files, spec.text_field, spec.shard_bytes)
    builtin = spec.lid in (*BUILTIN, "heliport")  # a built-in name wins over a file of that name
    lid = spec.lid if builtin or not Path(spec.lid).is_file() else str(Path(spec.lid).resolve())
    settings = ShardSettings(lid, spec.text_field, spec.max_line_bytes, spec.lid_chars, spec.near_dup)
    subject = hashlib.sha256(json.dumps(settings.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
    units = [
        WorkUnit("corpus", subject, sh.id, {"shard": sh.to_dict(), "settings": settings.to_dict()})
        for sh in shards
    ]
    ids = [u.shard for u in units]
    if len(set(ids)) != len(ids):  # two files with one name and one path hash cannot happen; be loud if so
        raise SovauditError("two shards got the same id", "report this as a bug")
    return units, files, settings


def _unreadable_reason(path: Path) -> str | None:
    """Why the first 64 KiB of ``path`` cannot be read and decompressed (``None``: they can)."""
    fmt_comp = file_format(path)
    if fmt_comp is None or fmt_comp[0] in ("parquet", "arrow"):
        return None  # columnar files are checked by their own readers
    try:
        with open_binary(path, fmt_comp[1]) as f:
            f.read(1 << 16)
    except Exception as exc:  # any reader's error (OSError, EOFError, zlib, zstandard...): unreadable
        return f"{type(exc).__name__}: {exc}"
    return None


def _none_readable(files: Sequence[Path], reasons: Sequence[tuple[str, str]]) -> SovauditError:
    shown = "; ".join(f"{name}: {why}" for name, why in reasons[:3])
    more = f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""
    return SovauditError(
        f"none of the {len(files)} corpus files could be read ({shown}{more})",
        "check the files are complete and readable (a truncated .gz or .zst cannot be read)",
    )


def check_some_readable(files: Sequence[Path]) -> None:
    """Before any work: refuse a corpus none of whose files can even start to be read (unreadable,
    not compressed as named, cut short at the start). A file that breaks later is counted and skipped
    when its shard runs; if every file broke, :meth:`CorpusAudit.reduce` refuses the run the same way."""
    reasons = []
    for path in files:
        why = _unreadable_reason(path)
        if why is None:
            return
        reasons.append((path.name, why))
    if files:
        raise _none_readable(files, reasons)


def signature_for(spec: CorpusAuditSpec, files: list[Path], detector: tuple[str, str]) -> str:
    """The run's signature string (format fixed by a test)."""
    root = Path(os.path.commonpath([str(f.parent) for f in files]))
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in (root.name or "corpus"))
    parts = [
        ("corpus", hashed(name, corpus_fingerprint(files))),
        ("lid", f"{detector[0]}-{detector[1]}"),
        ("field", spec.text_field),
        ("ref", spec.country.upper() if spec.country else "world"),
    ]
    if spec.near_dup:
        parts.append(("near", "minhash64"))
    return make_signature(parts)


def check_country(country: str | None) -> None:
    """Refuse, before any work, a country CLDR has no population or languages for."""
    if country:
        from ...languages import require_country

        require_country(country)  # fail before any work (one message for every command)


class CorpusAuditSpec(AuditSpec):
    """What changes a corpus audit's numbers (where and how it runs is a run option, not a setting)."""

    paths: tuple[str, ...] = input_field(kind="corpus")
    lid: str = DEFAULT_LID
    text_field: str = "text"
    country: str | None = None
    shard_bytes: int = DEFAULT_SHARD_BYTES
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    lid_chars: int = 1000
    near_dup: bool = False


class CorpusAudit(Audit[CorpusAuditSpec]):
    """Which languages a corpus holds, in what share, how clean, against how many people speak them."""

    name = "corpus"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "share": Metric(None, "share of the corpus's bytes in the language"),
        "representation_ratio": Metric(None, "share of bytes / share of speakers (1 = proportional)"),
        "duplicate_rate": Metric(False, "share of exact-duplicate documents"),
    }
    version = "1"
    Spec = CorpusAuditSpec
    row_columns: ClassVar[tuple[str, ...]] = (
        "language",
        "iso639_3",
        "script",
        "name",
        "documents",
        "paragraphs",
        "bytes",
        "share",
        "document_bytes",
        "distinct_documents",
        "duplicate_documents",
        "duplicate_rate",
        "low_confidence_rate",
        "script_mismatch",
        "script_mismatch_rate",
        "near_duplicate_documents",  # with near_dup only
        "near_duplicate_rate",
        "speakers",
        "speaker_share",
        "representation_ratio",
    )
    summary = "corpus language audit: languages, shares, duplicates, representation vs speakers"

    def plan(self, spec: CorpusAuditSpec) -> list[Unit]:
        check_country(spec.country)
        units, files, settings = plan_units(spec)
        describe(settings.lid)  # an unknown detector or a missing fastText file: refused before any work
        check_some_readable(files)
        # each shard is keyed by the content of its own file (SHA-256, hashed once per file version through
        # the hash cache, keyed with ctime): an edited file reruns its shards only, never a stale one
        from ...bundle.hashing import HashCache

        cache = HashCache()
        digests: dict[str, str] = {}
        for u in units:
            path = str(u.payload["shard"]["path"])
            if path not in digests:
                try:
                    digests[path] = cache.sha256(Path(path))
                except OSError:
                    digests[path] = ""  # unreadable: the unit reports it
        cache.save()
        return [
            Unit(u.shard, {**u.payload, "sha256": digests[str(u.payload["shard"]["path"])]}, reads=())
            for u in units
        ]

    def score(self, unit: Unit, spec: CorpusAuditSpec, resources: Resources) -> dict[str, Any]:
        return process_unit(unit.payload)

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: CorpusAuditSpec, context: Any = None
    ) -> ResultsDocument:
        _, files, settings = plan_units(spec)
        detector = describe(settings.lid)
        total = merge_all(CorpusCounts.from_dict(r) for r in partials)
        rows, summary = build_rows(total, spec.country, spec.near_dup)
        summary["files"] = len(files)
        notes = [f"skipped {path}: {why}" for path, why in total.problems.items()]
        read = summary["read"]
        if files and not summary["documents"] and read["skipped_files"] >= len(files):
            raise _none_readable(files, [(Path(p).name, why) for p, why in total.problems.items()])
        if read["capped_lines"]:
            notes.append(
                f"{read['capped_lines']} lines or records longer than the cap of {spec.max_line_bytes} bytes:"
                f" {read.get('capped_bytes', 0)} bytes beyond it not counted"
            )
        if read["replacement_chars"]:
            notes.append(f"{read['replacement_chars']} invalid UTF-8 sequences replaced by U+FFFD")
        return ResultsDocument(
            audit="corpus",
            signature=signature_for(spec, files, detector),
            settings={
                **spec.model_dump(),
                "paths": list(spec.paths),
                "detector": {"name": detector[0], "version": detector[1], "spec": settings.lid},
            },
            provenance=make_provenance(packages=PACKAGES),
            rows=rows,
            summary=summary,
            notes=notes,
        )

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Training data"
    dimension_order = 90

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """The training corpus the user gives, once for every model; else not measured, per model."""
        if model is not None:
            return ()
        cc = opts.country.upper()
        if opts.corpus:
            paths = tuple(p for p in opts.corpus.split(",") if p)
            return [Planned(self.name, "", {"paths": paths, "country": cc}, "corpus")]
        return [
            NotMeasured(
                self.name,
                m,
                "the model's training data is not published with it, or was not given",
                f"sovaudit audit --country {cc} --model {m} --corpus PATH/TO/CORPUS",
            )
            for m in opts.models
        ]

    def headline(self, doc: ResultsDocument) -> Headline:
        """The three largest languages by share of bytes."""
        top = doc.rows[:3]
        return "; ".join(f"{r['language']} {100 * r['share']:.1f}%" for r in top) or "empty", None


def comparable(doc: ResultsDocument) -> dict[str, Any]:
    """The numbers of a run without run-specific fields (for comparing executors and reruns)."""
    summary = {k: v for k, v in doc.summary.items() if k not in ("shards", "executor")}
    return {"signature": doc.signature, "rows": doc.rows, "summary": summary}
