# ruff: noqa: E501  (the licence texts are archived byte for byte)
"""Build the bias audit's bundled archives (BBQ, KoBBQ, CBBQ, CrowS-Pairs EN/FR) from reference copies.

    python tools/make_bias_assets.py /work/shared/data /path/to/nyu-mll-BBQ-LICENSE

Stages each benchmark in its upstream layout (``<name>/data/...`` plus the licence and upstream notes) and
calls :func:`make_bundled.build`, so the archives are reproducible (sorted members, mtime 0, xz -9) and carry
a SOURCE.md with every original file's SHA-256. Prints the catalogue ``sources`` entries.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_bundled import build

ARCHIVES = {"kobbq": "kobbq-0dd165a", "cbbq": "cbbq-95eaf2e"}  # archive names (upstream commit)
CROWS_LICENSE = """CrowS-Pairs (Nangia, Vania, Bhalerao, Bowman, EMNLP 2020), github nyu-mll/crows-pairs data/.
Licensed under the Creative Commons Attribution-ShareAlike 4.0 International License (CC BY-SA 4.0),
https://creativecommons.org/licenses/by-sa/4.0/ . Known data-quality problems: Blodgett et al., ACL 2021.
"""
CROWS_FR_LICENSE = """French CrowS-Pairs (Neveol, Dupont, Bezancon, Fort, ACL 2022), created using material from
CrowS-Pairs (Nangia et al. 2020). CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/ .
Canonical origin gitlab.inria.fr french-crows-pairs/acl-2022-paper-data-and-code data/; this copy was taken
from a public third-party mirror (github shijing001/bayes_factor_bias_detection @ 9efa5cb).
"""
CBBQ_LICENSE = """CBBQ (Huang and Xiong), github YFHuangxxxx/CBBQ @ 95eaf2e data/. CC BY-SA 4.0 as stated in the
upstream README (README_upstream.md); https://creativecommons.org/licenses/by-sa/4.0/ .
"""


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def stage(ref: Path, bbq_license: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (staged folder, note)."""
    out: dict[str, tuple[Path, str]] = {}
    s = tmp / "bbq"
    for p in sorted((ref / "bbq").glob("*.jsonl")):
        _copy(p, s / "data" / p.name)
    _copy(bbq_license, s / "LICENSE")
    out["bbq"] = (s, "nyu-mll/BBQ data/ (6 of 11 categories), CC BY 4.0")
    s = tmp / "kobbq"
    _copy(ref / "kobbq/KoBBQ_test_samples.tsv", s / "data/KoBBQ_test_samples.tsv")
    for n in ("LICENSE", "README_data.md", "SOURCE.txt"):
        _copy(ref / "kobbq" / n, s / n)
    out["kobbq"] = (s, "naver-ai/KoBBQ @ 0dd165a data/KoBBQ_test_samples.tsv, MIT")
    s = tmp / "cbbq"
    for p in sorted((ref / "cbbq").glob("*/*/*.csv")):
        rel = p.relative_to(ref / "cbbq")
        if "templates" in p.name and rel.parts[1] != "disambiguous":
            continue
        _copy(p, s / "data" / rel)
    for n in ("README_upstream.md", "MISSING_FILES.txt", "SOURCE.txt"):
        _copy(ref / "cbbq" / n, s / n)
    (s / "LICENSE").write_text(CBBQ_LICENSE)
    out["cbbq"] = (
        s,
        "YFHuangxxxx/CBBQ @ 95eaf2e data/ (23 of 28 instance files + disambiguated templates), CC BY-SA 4.0",
    )
    s = tmp / "crows-pairs-en"
    _copy(ref / "crows-pairs/crows_pairs_anonymized.csv", s / "data/crows_pairs_anonymized.csv")
    (s / "LICENSE").write_text(CROWS_LICENSE)
    out["crows-pairs-en"] = (s, "nyu-mll/crows-pairs data/crows_pairs_anonymized.csv, CC BY-SA 4.0")
    s = tmp / "crows-pairs-fr"
    name = "crows_pairs_FR_languagearc_contribution+210.csv"
    _copy(ref / "crows-pairs-fr" / name, s / "data" / name)
    _copy(ref / "crows-pairs-fr/SOURCE.txt", s / "SOURCE.txt")
    (s / "LICENSE").write_text(CROWS_FR_LICENSE)
    out["crows-pairs-fr"] = (s, "French CrowS-Pairs (INRIA), CC BY-SA 4.0")
    return out


def main() -> None:
    ref, lic = Path(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as t:
        for name, (folder, note) in stage(ref, lic, Path(t)).items():
            path = build(ARCHIVES.get(name, name), folder, ["**/*"], name, note)
            data = path.read_bytes()
            print(f"{name}: {path.name} sha256 {hashlib.sha256(data).hexdigest()} size {len(data)}")


if __name__ == "__main__":
    main()
