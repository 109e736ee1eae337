"""Report section for the competence audit (``audit == "competence"``): bits per byte per language.

Per results document: what the numbers mean, a warning when the corpus is the UDHR (likely in the
training data), bits per English byte per language (a bar chart, lower is better), the model against the
character n-gram floor (ratio, a line at 1), the per-language table with the bits-per-byte interval
in a column and the other intervals in tooltips, and the notes. Every number comes from the document;
missing optional fields are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from ...results import ResultsDocument
from ..charts import hbar_chart
from ..tables import Column, DataTable, as_mapping, data_table, fmt_float, is_number, language_label

TITLE = "Per-language competence"

ROW_COLUMNS = [
    Column("model", "model", "text", select=True),
    Column("language", "language", "text", title="code as the corpus names it"),
    Column("language_name", "name", "text"),
    Column("endonym", "endonym", "text", title="the language's name in itself (CLDR)"),
    Column("corpus", "corpus", "text", select=True, title="which corpus measured this language"),
    Column("variety", "variety", "text", title="the individual language the text is in"),
    Column("script", "script", "text", select=True),
    Column("bits_per_byte", "bits/byte", "float", 3, title="-sum log2 p / UTF-8 bytes", tip_key="bpb_ci"),
    Column("bpb_interval", "95% interval", "text", title="bits/byte, bootstrap over segments"),
    Column(
        "bits_per_english_byte",
        "bits/English byte",
        "float",
        3,
        title="total bits / bytes of the reference's text of the same segments",
        tip_key="bpeb_ci",
    ),
    Column(
        "ratio_to_reference", "vs reference", "ratio", title="bits / the reference's bits", tip_key="ratio_ci"
    ),
    Column("ngram_bits_per_byte", "n-gram floor", "float", 3, title="character n-gram, held-out half"),
    Column(
        "heldout_bits_per_byte", "model (same half)", "float", 3, title="the model on the n-gram's test half"
    ),
    Column(
        "vs_ngram",
        "model / n-gram",
        "ratio",
        title="above 1: worse than the n-gram floor",
        tip_key="ngram_ci",
    ),
    Column("tokens", "tokens", "int"),
    Column("bytes", "bytes", "int", title="UTF-8 bytes"),
    Column("segments", "segments", "int"),
    Column("coverage", "coverage", "pct", 1, title="share of the corpus's segments this language has"),
]


def _ci(row: Mapping[str, Any], name: str) -> str | None:
    lo, hi = row.get(f"{name}_ci_low"), row.get(f"{name}_ci_high")
    if is_number(lo) and is_number(hi):
        return f"95% interval {fmt_float(lo, 3)} – {fmt_float(hi, 3)} (bootstrap over segments)"
    return None


def _label(row: Mapping[str, Any]) -> str:
    return language_label(row.get("language_name"), str(row.get("language", "")))


def _rows(doc: ResultsDocument) -> list[dict[str, Any]]:
    rows = []
    for r in doc.rows:
        if not isinstance(r, Mapping):
            continue
        row = dict(r)
        row["bpb_ci"] = _ci(r, "bits_per_byte")
        row["bpeb_ci"] = _ci(r, "bits_per_english_byte")
        row["ratio_ci"] = _ci(r, "ratio_to_reference")
        row["ngram_ci"] = _ci(r, "vs_ngram")
        interval = _interval(r, "bits_per_byte", 3)
        row["bpb_interval"] = interval.removeprefix(" (95% interval ").rstrip(")") or None
        rows.append(row)
    return rows


def _interval(row: Mapping[str, Any], name: str, digits: int = 2) -> str:
    lo, hi = row.get(f"{name}_ci_low"), row.get(f"{name}_ci_high")
    if is_number(lo) and is_number(hi):
        return f" (95% interval {fmt_float(lo, digits)}–{fmt_float(hi, digits)})"
    return ""


def _num(row: Mapping[str, Any], key: str) -> float | None:
    value: Any = row.get(key)
    return float(value) if is_number(value) else None


def floor_sentences(rows: Sequence[Mapping[str, Any]], order: Any) -> list[str]:
    """Plain sentences for each language where the model does worse than the n-gram floor, or cannot be
    told apart from it (its interval reaches 1), with the numbers and intervals."""
    gram = f"{order}-gram" if isinstance(order, int) else "n-gram"
    out = []
    for r in rows:
        ratio, model, floor = (
            _num(r, "vs_ngram"),
            _num(r, "heldout_bits_per_byte"),
            _num(r, "ngram_bits_per_byte"),
        )
        if ratio is None or model is None or floor is None:
            continue
        hi, lo = _num(r, "vs_ngram_ci_high"), _num(r, "vs_ngram_ci_low")
        segs, held = r.get("segments"), r.get("heldout_segments")
        train = segs - held if isinstance(segs, int) and isinstance(held, int) else None
        trained = (
            f"trained on the other {train} segments" if isinstance(train, int) and train > 0 else "trained"
        )
        numbers = (
            f"the model needs {fmt_float(model, 2)} bits per byte on the held-out half "
            f"where a character {gram} "
            f"{trained} of the same text needs {fmt_float(floor, 2)}"
        )
        if ratio > 1:
            unsure = lo is not None and lo <= 1
            verdict = "worse than the n-gram floor" + (
                " (its interval reaches 1: not certain)" if unsure else ""
            )
            out.append(
                f"{_label(r)}: {verdict}: {numbers}; {fmt_float(ratio, 2)}× the floor"
                f"{_interval(r, 'vs_ngram')}."
            )
        elif hi is not None and hi >= 1:
            out.append(
                f"{_label(r)}: not clearly better than the n-gram floor: {numbers}; "
                f"{fmt_float(ratio, 2)}× the floor{_interval(r, 'vs_ngram')}."
            )
    return out


def _chart(rows: Sequence[Mapping[str, Any]], key: str, title: str, axis: str, ref: float | None) -> Any:
    items = [(_label(r), float(r[key])) for r in rows if is_number(r.get(key))]
    if not items:
        return None
    items.sort(key=lambda x: x[1])
    return hbar_chart(items, title=title, axis_label=axis, reference=ref, value_format="{:.2f}")


def _block(doc: ResultsDocument, index: int) -> dict[str, Any]:
    prefix = f"comp{index}"
    rows = _rows(doc)
    settings = as_mapping(doc.settings)
    summary = as_mapping(doc.summary)
    corpus = str(settings.get("corpus", ""))
    reference = str(summary.get("reference") or settings.get("reference") or "")
    worse = [str(x) for x in summary.get("worse_than_ngram") or [] if isinstance(x, str)]
    table: DataTable = data_table(f"{prefix}-rows", rows, ROW_COLUMNS, caption="per language")
    return {
        "prefix": prefix,
        "signature": doc.signature,
        "model": str(settings.get("model", "")),
        "backend": str(settings.get("backend", "")),
        "corpus": corpus,
        "reference": reference,
        "ngram_order": settings.get("ngram_order"),
        "n_languages": len(rows),
        "udhr": corpus.split(":")[0].startswith("udhr"),
        "worse": [_label(r) for r in rows if str(r.get("language")) in worse],
        "floor_sentences": floor_sentences(rows, settings.get("ngram_order")),
        "bpeb_chart": _chart(
            rows,
            "bits_per_english_byte",
            "Bits per English byte per language (lower is better)",
            "bits / bytes of the reference text of the same content",
            None,
        ),
        "ngram_chart": _chart(
            rows,
            "vs_ngram",
            "Model / character n-gram floor on the held-out half (above 1: worse than the n-gram)",
            "ratio of bits per byte",
            1.0,
        ),
        "table": table,
        "notes": [str(n) for n in doc.notes],
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """All competence documents, in command-line order -> an HTML fragment."""
    blocks = [_block(doc, i) for i, doc in enumerate(docs, start=1)]
    return env.get_template("competence.html.j2").render(blocks=blocks)
