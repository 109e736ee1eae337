"""Time the default tokenizer audit; compare its tokenizing step with the tokenizer libraries called directly.

1. The whole default audit, as ``sovaudit tokenizers`` runs it (all UDHR languages x all 15 bundled
   tokenizers, assets cached): load the corpus, load the tokenizers, measure, summarise, write results
   (wall clock, per phase).
2. The tokenizing step side by side, per tokenizer, on exactly the same texts (every language's joined text
   and every reference text the audit needs):
   * sovaudit: ``audits.tokenizer_tax.measure`` (batches of languages through the adapter, fallback counting);
   * direct: the library object the adapter wraps, called once on all texts with its own batch API
     (``tiktoken.Encoding.encode_ordinary_batch``, ``tokenizers.Tokenizer.encode_batch_fast``,
     ``SentencePieceProcessor.encode(list, num_threads=...)``, ``len(text.encode())`` / ``len(text)``),
     counting ``len(ids)``.
   Each side runs ``--repeat`` times, alternating, and the best time is kept. The ratio sovaudit/direct is
   printed per tokenizer and in total (above 1.20 is a bug to fix).

Run: ``.venv/bin/python benchmarks/tokenizers_bench.py [--repeat 3] [--tokenizer NAME ...] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sovaudit.audits.tokenizer_tax.doc import build_document
from sovaudit.audits.tokenizer_tax.method import ROW_COLUMNS, TaxSpec, TokenizerTaxAudit, measure
from sovaudit.corpora import load_corpus
from sovaudit.results import write_results
from sovaudit.tokenizers import bundled_names, load_tokenizer
from sovaudit.tokenizers.bpe import TiktokenTokenizer, threads
from sovaudit.tokenizers.hf import HFTokenizer
from sovaudit.tokenizers.spm import SentencePieceTokenizer


def direct_counter(tok: Any) -> Callable[[list[str]], list[int]]:
    """Token counts of texts from the wrapped library, called directly with its batch API."""
    n = threads()
    if isinstance(tok, TiktokenTokenizer):
        enc = tok._enc
        return lambda texts: [len(ids) for ids in enc.encode_ordinary_batch(texts, num_threads=n)]
    if isinstance(tok, HFTokenizer):
        lib = tok._tok
        return lambda texts: [len(e.ids) for e in lib.encode_batch_fast(texts, add_special_tokens=False)]
    if isinstance(tok, SentencePieceTokenizer):
        sp = tok._sp
        return lambda texts: [len(ids) for ids in sp.encode(texts, out_type=int, num_threads=n)]
    if tok.name == "bytes":
        return lambda texts: [len(t.encode("utf-8")) for t in texts]
    if tok.name == "chars":
        return lambda texts: [len(t) for t in texts]
    raise SystemExit(f"no direct counterpart for {tok.name}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tokenizer", action="append", help="default: all 15 bundled")
    ap.add_argument("--out", help="results folder (default: a temporary one)")
    args = ap.parse_args()
    os.environ.setdefault("SOVAUDIT_QUIET", "1")
    names = args.tokenizer or bundled_names()

    # 1. the whole default audit
    t0 = time.perf_counter()
    corpus = load_corpus("udhr")
    t1 = time.perf_counter()
    toks = [load_tokenizer(n) for n in names]
    t2 = time.perf_counter()
    audit = TokenizerTaxAudit(corpus, toks, TaxSpec(reference="eng"))
    counts = audit.counts(progress=False)
    t3 = time.perf_counter()
    doc = build_document(audit, counts)
    out = args.out or tempfile.mkdtemp(prefix="sovaudit-tokbench-")
    write_results(doc, out, csv_columns=ROW_COLUMNS)
    t4 = time.perf_counter()
    print(f"default audit: {len(toks)} tokenizers x {len(audit.plans)} languages, {threads()} CPU(s)")
    print(
        f"  total {t4 - t0:.1f} s = corpus {t1 - t0:.1f} + load tokenizers {t2 - t1:.1f} + "
        f"tokenize {t3 - t2:.1f} + summarise/write {t4 - t3:.1f}  (results in {out})"
    )

    # 2. the tokenizing step, side by side on the same texts
    texts = [p.text for p in audit.plans] + list(audit.refs.values())
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(
        f"\ntokenizing step on the same {len(texts)} texts ({mb:.1f} MB) per tokenizer, best of {args.repeat}"
    )
    print(f"  {'tokenizer':<14}{'sovaudit s':>12}{'direct s':>10}{'ratio':>8}  counts agree")
    total_ours = total_direct = 0.0
    for tok in toks:
        direct = direct_counter(tok)
        best_ours = best_direct = float("inf")
        ours_counts: dict[str, int] = {}
        direct_counts: list[int] = []
        for _ in range(args.repeat):
            s = time.perf_counter()
            ours_counts = {lang: c.tokens for lang, c in measure(tok, audit.plans, audit.refs)}
            best_ours = min(best_ours, time.perf_counter() - s)
            s = time.perf_counter()
            direct_counts = direct(texts)
            best_direct = min(best_direct, time.perf_counter() - s)
        agree = [ours_counts[p.language] for p in audit.plans] == direct_counts[: len(audit.plans)]
        total_ours += best_ours
        total_direct += best_direct
        ratio = best_ours / best_direct if best_direct else float("nan")
        print(
            f"  {tok.name:<14}{best_ours:>12.3f}{best_direct:>10.3f}{ratio:>8.2f}  {'yes' if agree else 'NO'}"
        )
    ratio = total_ours / total_direct
    print(f"  {'all':<14}{total_ours:>12.3f}{total_direct:>10.3f}{ratio:>8.2f}")
    print(f"\noverhead of sovaudit's tokenizing step over direct library calls: {100 * (ratio - 1):+.1f}%")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
