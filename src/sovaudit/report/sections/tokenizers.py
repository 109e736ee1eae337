"""Report section for the tokenizer audit (``audit == "tokenizers"``): the language tax of tokenizers.

Shows, per results document: what the premium means, an overview of premiums per tokenizer (one dot per
language, log scale, the document's median and 90th percentile as marks, a line at 1), a per-tokenizer
summary, the cheapest and dearest tokenizer per language, the sortable and filterable per-language table,
a per-country view and the document's notes. Every number comes from the document; optional fields that
a document lacks are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from ...results import ResultsDocument
from ..charts import Series, StripGroup, hbar_chart, scatter_plot, strip_plot
from ..tables import (
    Column,
    DataTable,
    as_mapping,
    data_table,
    fmt_int,
    fmt_ratio,
    is_number,
    language_label,
)

TITLE = "Language tax of tokenizers"

ROW_COLUMNS = [
    Column("tokenizer", "tokenizer", "text", select=True),
    Column("language", "language", "text", title="code as the corpus names it"),
    Column("language_name", "name", "text"),
    Column("endonym", "endonym", "text", title="the language's name in itself (CLDR)"),
    Column("corpus", "corpus", "text", select=True, title="which corpus measured this language"),
    Column("variety", "variety", "text", title="the individual language the text is in"),
    Column("iso639_3", "ISO 639-3", "text"),
    Column("script", "script", "text", select=True),
    Column("premium", "premium", "ratio", title="tokens for this language / tokens for the reference"),
    Column("relative_price", "relative price", "ratio", title="price of the same content vs the reference"),
    Column("context_chars", "context (chars)", "int", title="characters a full context window holds"),
    Column("tokens", "tokens", "int"),
    Column("bytes", "bytes", "int", title="UTF-8 bytes"),
    Column("chars", "chars", "int", title="Unicode code points"),
    Column("tokens_per_byte", "tokens/byte", "float", 3),
    Column("tokens_per_char", "tokens/char", "float", 3),
    Column("fallback_tokens", "fallback tokens", "int", title="unknown or byte-fallback tokens"),
    Column("fallback_fraction", "fallback", "pct", 2, title="share of unknown or byte-fallback tokens"),
    Column("segments", "segments", "int"),
    Column("coverage", "coverage", "pct", 2, title="share of the reference's segments this language has"),
]
ALWAYS = {"tokenizer", "language", "premium"}
OPEN_ROWS = 2000  # a longer table of all measurements starts folded (a browser lays it out when opened)
NOT_IN_CORPUS = "no"
MAX_COUNTRY_CHARTS = 12  # more countries than this: tables only, to keep the page light


def _num(value: Any) -> float | None:
    return float(value) if is_number(value) else None


def _ordered(values: Sequence[Any]) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values if v not in (None, "")))


def _label(names: Mapping[str, str], lang: str) -> str:
    return language_label(names.get(lang), lang)


def _overview(rows: list[dict[str, Any]], toks: list[str], tsum: Mapping[str, Any], names: Mapping[str, str]):
    groups = []
    for tok in toks:
        points = [
            (float(r["premium"]), f"{tok} · {_label(names, str(r.get('language', '')))}: {r['premium']:.2f}×")
            for r in rows
            if r.get("tokenizer") == tok and is_number(r.get("premium"))
        ]
        s = as_mapping(tsum.get(tok))
        marks = {k: float(s[f"{k}_premium"]) for k in ("median", "p90") if is_number(s.get(f"{k}_premium"))}
        groups.append(StripGroup(tok, points, marks))
    if not any(g.points for g in groups):
        return None
    return strip_plot(
        groups,
        title="Premium per tokenizer over languages (log scale; 1 = same cost as the reference)",
        axis_label="premium (tokens relative to the reference, log scale)",
        log=True,
        reference=1.0,
    )


def _summary_table(
    prefix: str, toks: list[str], tsum: Mapping[str, Any], names: Mapping[str, str]
) -> DataTable:
    rows = []
    for tok in toks:
        s = tsum.get(tok)
        if not isinstance(s, Mapping):
            continue
        worst = []
        for item in s.get("worst") or []:
            if isinstance(item, list | tuple) and len(item) == 2:
                worst.append(f"{_label(names, str(item[0]))} {fmt_ratio(item[1])}")
        rows.append(
            {
                "tokenizer": tok,
                "languages": s.get("languages"),
                "median_premium": s.get("median_premium"),
                "p90_premium": s.get("p90_premium"),
                "max_premium": s.get("max_premium"),
                "worst": "; ".join(worst) or None,
            }
        )
    cols = [
        Column("tokenizer", "tokenizer", "text"),
        Column("languages", "languages", "int"),
        Column("median_premium", "median premium", "ratio"),
        Column("p90_premium", "90th percentile", "ratio"),
        Column("max_premium", "max premium", "ratio"),
        Column("worst", "worst languages", "text"),
    ]
    return data_table(f"{prefix}-summary", rows, cols, caption="premium per tokenizer", filter_box=False)


def _language_table(
    prefix: str, rows: list[dict[str, Any]], toks: list[str], langs: Mapping[str, Any]
) -> DataTable | None:
    """One row per language: its premium under each tokenizer, and the cheapest and dearest tokenizer."""
    table: dict[str, dict[str, Any]] = {}
    for r in rows:
        lang = str(r.get("language", ""))
        row = table.setdefault(lang, {"language": lang})
        for key in ("language_name", "endonym", "corpus", "variety", "iso639_3", "script"):
            row.setdefault(key, r.get(key))
        row[f"p:{r.get('tokenizer')}"] = r.get("premium")
    for lang, s in langs.items():
        if isinstance(s, Mapping) and str(lang) in table:
            table[str(lang)].update(cheapest=s.get("cheapest"), dearest=s.get("dearest"))
    if not table:
        return None
    present = {k for row in table.values() for k, v in row.items() if v not in (None, "")}
    cols = [
        Column("language", "language", "text"),
        Column("language_name", "name", "text"),
        Column("endonym", "endonym", "text", title="the language's name in itself (CLDR)"),
        Column("corpus", "corpus", "text", select=True, title="which corpus measured this language"),
        Column("variety", "variety", "text", title="the individual language the text is in"),
        Column("iso639_3", "ISO 639-3", "text"),
        Column("script", "script", "text", select=True),
        *[Column(f"p:{tok}", tok, "ratio", title=f"premium of {tok}") for tok in toks],
        Column("cheapest", "cheapest", "text", select=True, title="the tokenizer with the lowest premium"),
        Column("dearest", "dearest", "text", select=True, title="the tokenizer with the highest premium"),
    ]
    cols = [c for c in cols if c.key in present or c.key == "language"]
    return data_table(
        f"{prefix}-languages", table.values(), cols, caption="premium per language and tokenizer"
    )


def _countries(prefix: str, countries: Mapping[str, Any], rows: list[dict[str, Any]], toks: list[str]):
    by_code: dict[str, dict[str, dict[str, Any]]] = {}  # corpus language -> tokenizer -> row
    by_iso: dict[str, list[str]] = {}
    for r in rows:
        lang = str(r.get("language", ""))
        by_code.setdefault(lang, {})[str(r.get("tokenizer", ""))] = r
        if r.get("iso639_3"):
            by_iso.setdefault(str(r["iso639_3"]), [])
            if lang not in by_iso[str(r["iso639_3"])]:
                by_iso[str(r["iso639_3"])].append(lang)
    cols = [
        Column("language", "language", "text"),
        Column("name", "name", "text"),
        Column("corpus", "in corpus", "text", title="yes, no, or the corpus's code for the language"),
        Column("population", "speakers", "int"),
        *[Column(f"p:{tok}", tok, "ratio", title=f"premium of {tok}") for tok in toks],
    ]
    out = []
    for code, country in countries.items():
        if not isinstance(country, Mapping):
            continue
        table_rows: list[dict[str, Any]] = []
        series_pts: dict[str, list[tuple[float, float, str]]] = {tok: [] for tok in toks}
        for entry in country.get("languages") or []:
            if not isinstance(entry, Mapping):
                continue
            lang = str(entry.get("language", ""))
            matches = [lang] if lang in by_code else by_iso.get(lang, [])
            base = {"language": lang, "name": entry.get("name"), "population": entry.get("population")}
            if not matches:
                table_rows.append({**base, "corpus": NOT_IN_CORPUS})
            for m in matches:
                row = {**base, "corpus": "yes" if m == lang else m}
                for tok in toks:
                    row[f"p:{tok}"] = by_code[m].get(tok, {}).get("premium")
                    p, pop = _num(row[f"p:{tok}"]), _num(entry.get("population"))
                    if p is not None and pop:
                        tip = f"{entry.get('name') or lang} ({m}), {fmt_int(pop)} speakers: {tok} {p:.2f}×"
                        series_pts[tok].append((pop, p, tip))
                table_rows.append(row)
        slug = "".join(ch if ch.isalnum() else "-" for ch in str(code))
        name = str(country.get("name") or code)
        chart = None
        in_corpus = [
            r for r in table_rows if is_number(r.get("population")) and r.get("corpus") != NOT_IN_CORPUS
        ]
        if len(countries) <= MAX_COUNTRY_CHARTS and len(in_corpus) > 1:
            chart = scatter_plot(
                [Series(tok, pts) for tok, pts in series_pts.items() if pts],
                title=f"{name}: speakers vs premium",
                x_label="speakers (log scale)",
                y_label="premium (log scale)",
                reference_y=1.0,
            )
        out.append(
            {
                "code": str(code),
                "name": name,
                "id": f"{prefix}-country-{slug}",
                "table": data_table(f"{prefix}-country-{slug}-table", table_rows, cols, filter_box=False),
                "chart": chart,
            }
        )
    return out


def _block(doc: ResultsDocument, index: int) -> dict[str, Any]:
    prefix = f"tok{index}"
    rows = [r for r in doc.rows if isinstance(r, dict)]
    summary = as_mapping(doc.summary)
    tsum = as_mapping(summary.get("tokenizers"))
    toks = _ordered([r.get("tokenizer") for r in rows] + list(tsum))
    names = {
        str(r["language"]): str(r["language_name"])
        for r in rows
        if r.get("language") and r.get("language_name")
    }
    ref = str(summary.get("reference") or doc.settings.get("reference") or "")
    present = {k for r in rows for k, v in r.items() if v not in (None, "")}
    columns = [c for c in ROW_COLUMNS if c.key in ALWAYS or c.key in present]
    medians = [(t, m) for t in toks if (m := _num(as_mapping(tsum.get(t)).get("median_premium"))) is not None]
    countries = as_mapping(summary.get("countries"))
    langs = as_mapping(summary.get("languages"))
    return {
        "prefix": prefix,
        "signature": doc.signature,
        "reference": ref,
        "reference_label": _label(names, ref) if ref else "",
        "context_tokens": summary.get("context_tokens") or doc.settings.get("context_tokens"),
        "n_languages": len(_ordered([r.get("language") for r in rows])),
        "tokenizers": toks,
        "overview": _overview(rows, toks, tsum, names),
        "medians": hbar_chart(
            sorted(medians, key=lambda tv: tv[1]),
            title="Median premium per tokenizer (lower is fairer)",
            axis_label="median premium over languages",
            reference=1.0,
            value_format="{:.2f}×",
        )
        if medians
        else None,
        "summary_table": _summary_table(prefix, toks, tsum, names) if tsum else None,
        "language_table": _language_table(prefix, rows, toks, langs),
        "rows_open": len(rows) <= OPEN_ROWS,
        "rows_table": data_table(f"{prefix}-rows", rows, columns, caption="per tokenizer and language")
        if rows
        else None,
        "countries": _countries(prefix, countries, rows, toks),
        "notes": [str(n) for n in doc.notes],
    }


def render(docs: list[ResultsDocument], env: jinja2.Environment) -> str:
    """Render every tokenizer-audit document as one block of this section."""
    blocks = [_block(doc, i) for i, doc in enumerate(docs, start=1)]
    return env.get_template("tokenizers.html.j2").render(blocks=blocks)
