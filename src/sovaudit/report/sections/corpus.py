"""Report section for the corpus language audit (``audit == "corpus"``).

Per results document: what was read (files, documents, bytes, what was skipped and why), a chart of each
language's share of the corpus against its share of speakers (log-log; on the diagonal a language has the
share its speakers have), the representation ratio of the largest languages, the sortable per-language
table, the reference population's languages absent from the corpus, and the notes. Every number comes from
the document; optional fields a document lacks are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from ...results import ResultsDocument
from ..charts import Series, hbar_chart, scatter_plot
from ..tables import Column, as_mapping, data_table, fmt_int, fmt_pct, fmt_ratio, is_number, key_values

TITLE = "Languages in the corpus"
MAX_BARS = 30
MAX_LEGEND = 10  # the scatter's palette has 10 colours
STARVED = 0.5  # a country language with under half its speakers' share of the corpus is called starved

ROW_COLUMNS = [
    Column("language", "language", "text", title="ISO 639-3 + script, as identified"),
    Column("name", "name", "text"),
    Column("script", "script", "text", select=True),
    Column("share", "share", "pct", 2, title="share of the corpus's UTF-8 paragraph bytes"),
    Column("bytes", "bytes", "int", title="UTF-8 bytes of the paragraphs identified as this language"),
    Column("documents", "documents", "int", title="documents whose majority language (by bytes) is this one"),
    Column("paragraphs", "paragraphs", "int"),
    Column("speakers", "speakers", "int", title="CLDR speaker population in the reference"),
    Column("speaker_share", "speaker share", "pct", 2, title="speakers / population of the reference"),
    Column("representation_ratio", "representation", "ratio", title="corpus share / speaker share"),
    Column("duplicate_rate", "exact dups", "pct", 1, title="documents that repeat an earlier one exactly"),
    Column("near_duplicate_rate", "near dups", "pct", 1, title="MinHash-LSH estimate"),
    Column(
        "low_confidence_rate", "low confidence", "pct", 1, title="paragraphs with detector confidence < 0.5"
    ),
    Column(
        "script_mismatch_rate",
        "script mismatch",
        "pct",
        1,
        title="paragraphs in another script than expected",
    ),
]
ABSENT_COLUMNS = [
    Column("language", "language", "text"),
    Column("name", "name", "text"),
    Column("speakers", "speakers", "int"),
    Column("speaker_share", "speaker share", "pct", 2),
    Column(
        "macrolanguage_in_corpus",
        "its macrolanguage in the corpus",
        "text",
        title="the detector may have counted this language's text under its macrolanguage's label",
    ),
    Column(
        "members_in_corpus",
        "its member languages in the corpus",
        "text",
        title="this macrolanguage's text may be counted under the labels of its member languages",
    ),
]


def _count_pct(count: Any, total: Any) -> str | None:
    if not is_number(count):
        return None
    return f"{fmt_int(count)} ({fmt_pct(count / total, 1)})" if is_number(total) and total else fmt_int(count)


def _detector(det: Mapping[str, Any]) -> str | None:
    """``pycld2 0.42``; a model file's path is added when it is not just the name (``lid.bin 1a2b3c4d``)."""
    words = [str(det[k]) for k in ("name", "version") if det.get(k)]
    spec = str(det.get("spec") or "")
    if spec and spec != det.get("name"):
        words.append(f"({spec})")
    return " ".join(words) or None


def _scatter(rows: list[dict[str, Any]], reference: str) -> Any:
    plotted = [
        r
        for r in rows
        if is_number(r.get("share"))
        and is_number(r.get("speaker_share"))
        and r["share"] > 0
        and r["speaker_share"] > 0
    ]
    points = [
        (
            float(r["speaker_share"]),
            float(r["share"]),
            f"{r.get('name') or r.get('language')} ({r.get('language')}): corpus {fmt_pct(r['share'], 2)}, "
            f"speakers {fmt_pct(r['speaker_share'], 2)}",
        )
        for r in plotted
    ]
    if not points:
        return None
    series = (  # few languages: one legend entry (and colour) each, so a printed chart names its dots
        [Series(str(r.get("name") or r.get("language")), [p]) for r, p in zip(plotted, points, strict=True)]
        if len(points) <= MAX_LEGEND
        else [Series("languages", points)]
    )
    return scatter_plot(
        series,
        title=f"Share of the corpus against share of speakers ({reference}), log-log",
        x_label="share of speakers",
        y_label="share of corpus bytes",
    )


def _ratio_bars(rows: list[dict[str, Any]]) -> Any:
    items = [
        (f"{r.get('name') or r.get('language')} ({r.get('language')})", float(r["representation_ratio"]))
        for r in rows[:MAX_BARS]
        if is_number(r.get("representation_ratio")) and r["representation_ratio"] > 0
    ]
    if not items:
        return None
    return hbar_chart(
        items,
        title=f"Representation ratio, {len(items)} largest languages (1: corpus share = speaker share)",
        axis_label="corpus share / speaker share (log scale)",
        log=True,
        reference=1.0,
    )


def _name(r: Mapping[str, Any]) -> str:
    return f"{r.get('name') or r.get('language')} ({r.get('language')})"


def _verdict(rows: list[dict[str, Any]], summary: Mapping[str, Any], ref: Mapping[str, Any]) -> list[str]:
    """Plain sentences: the country's languages in the corpus (with ratios), starved ones, absent ones."""
    if ref.get("kind") != "country":
        return []
    country = str(ref.get("name") or ref.get("code"))
    spoken = [r for r in rows if is_number(r.get("speakers")) and r["speakers"] > 0]
    spoken.sort(key=lambda r: -float(r["speakers"]))
    absent = [a for a in summary.get("absent_languages") or [] if isinstance(a, Mapping)]
    out = [
        f"{len(spoken)} of {len(spoken) + len(absent)} languages that CLDR records for {country} are in the "
        f"corpus, holding {fmt_pct(sum(float(r['share']) for r in spoken), 1)} of its bytes."
    ]
    if spoken:
        out.append(
            "In the corpus: "
            + "; ".join(
                f"{_name(r)} {fmt_pct(r['share'], 2)} of the bytes for {fmt_pct(r['speaker_share'], 1)} "
                f"of the people (ratio {fmt_ratio(r.get('representation_ratio'))})"
                for r in spoken
            )
            + "."
        )
    starved = [
        r for r in spoken if is_number(r.get("representation_ratio")) and r["representation_ratio"] < STARVED
    ]
    if starved:
        out.append(
            f"Starved (under {STARVED:g}x their speakers' share): "
            + ", ".join(_name(r) for r in starved)
            + "."
        )
    maybe = [a for a in absent if a.get("macrolanguage_in_corpus") or a.get("members_in_corpus")]
    if maybe:
        out.append(
            "Not identified, but perhaps counted under a related label: "
            + ", ".join(
                f"{a.get('name')} (under {a.get('macrolanguage_in_corpus') or a.get('members_in_corpus')})"
                for a in maybe
            )
            + "."
        )
    absent = [a for a in absent if a not in maybe]
    if absent:
        top = sorted(absent, key=lambda a: -float(a.get("speakers") or 0))[:8]
        more = f" and {len(absent) - len(top)} more" if len(absent) > len(top) else ""
        out.append(
            "Absent: "
            + ", ".join(f"{a.get('name')} ({fmt_pct(a.get('speaker_share'), 1)} of the people)" for a in top)
            + more
            + "."
        )
    return out


def _block(doc: ResultsDocument, d: int) -> dict[str, Any]:
    rows = [r for r in doc.rows if isinstance(r, dict)]
    summary = as_mapping(doc.summary)
    ref = as_mapping(summary.get("reference"))
    ref_label = f"{ref.get('name', 'world')}" + (f" ({ref['code']})" if ref.get("kind") == "country" else "")
    columns = [c for c in ROW_COLUMNS if any(c.key in r for r in rows)]
    read = as_mapping(summary.get("read"))
    shards = as_mapping(summary.get("shards"))
    overview = {
        "files": summary.get("files"),
        "documents": summary.get("documents"),
        "paragraphs": summary.get("paragraphs"),
        "UTF-8 bytes": summary.get("bytes"),
        "languages identified": summary.get("languages"),
        "undetermined share": fmt_pct(summary.get("undetermined_share"), 2),
        "exact duplicate documents": _count_pct(summary.get("duplicate_documents"), summary.get("documents")),
        "near duplicate documents (MinHash estimate)": _count_pct(
            summary.get("near_duplicate_documents"), summary.get("documents")
        ),
        "paragraphs with detector confidence < 0.5": _count_pct(
            summary.get("low_confidence_paragraphs"), summary.get("paragraphs")
        ),
        "paragraphs in another script than their language's": _count_pct(
            summary.get("script_mismatch_paragraphs"), summary.get("paragraphs")
        ),
        "files skipped (truncated or unreadable)": read.get("skipped_files"),
        "empty files": read.get("empty_files"),
        "reference population": ref_label,
        "detector": _detector(as_mapping(doc.settings.get("detector"))),
        "shards (computed / reused)": (
            f"{fmt_int(shards.get('computed'))} / {fmt_int(shards.get('skipped_finished'))}"
            if shards
            else None
        ),
    }
    absent = [a for a in summary.get("absent_languages") or [] if isinstance(a, dict)]
    return {
        "prefix": f"corpus{d}",
        "verdict": _verdict(rows, summary, ref),
        "signature": doc.signature,
        "overview": key_values({k: v for k, v in overview.items() if v not in (None, "")}),
        "reading": key_values({k.replace("_", " "): v for k, v in read.items()}) if read else [],
        "problems": sorted(as_mapping(summary.get("problems")).items()),
        "scatter": _scatter(rows, ref_label),
        "bars": _ratio_bars(rows),
        "table": data_table(f"corpus{d}-languages", rows, columns, caption="languages by share of bytes"),
        "absent": data_table(
            f"corpus{d}-absent",
            absent,
            [c for c in ABSENT_COLUMNS if any(c.key in a for a in absent)],
            filter_box=False,
        )
        if absent
        else None,
        "reference": ref_label,
        "notes": [str(n) for n in doc.notes],
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """All corpus documents, in command-line order -> an HTML fragment."""
    blocks = [_block(doc, d) for d, doc in enumerate(docs, start=1)]
    return env.get_template("corpus.html.j2").render(blocks=blocks)
