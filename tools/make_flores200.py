"""Build the bundled FLORES-200 archive (dev + devtest, 204 varieties) from a ``flores200_dataset/`` folder.

    python tools/make_flores200.py PATH/TO/flores200_dataset 365c3f85bdb302fdcf6d389f5f1651e4ef041741

The folder is the one in the public repository ``AleksandarPetrov/tokenization-fairness`` (at the commit
given, whose short form names the archive). Every file is shipped unchanged under ``flores200/``:
``dev/*.dev``, ``devtest/*.devtest``, ``metadata_{dev,devtest}.tsv`` and the upstream ``README``, plus a
``NOTICE.md`` written here (licence, attribution, citation, origin) and the ``SOURCE.md`` of
:mod:`make_bundled` (SHA-256 of every original file). Prints the catalogue ``sources`` entry. The same
inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
from pathlib import Path

from make_bundled import build

REPO = "AleksandarPetrov/tokenization-fairness"
NOTICE = """# FLORES-200 (dev + devtest), shipped with sovaudit

Licence: Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0),
https://creativecommons.org/licenses/by-sa/4.0/ . The sentences are redistributed unchanged; if you
redistribute them (or adapted text), keep this attribution and share alike under the same licence.

Cite:
- NLLB Team, Costa-jussà et al. No Language Left Behind: Scaling Human-Centered Machine Translation.
  arXiv:2207.04672, 2022.
- Goyal, Gao, Chaudhary, Chen, Wenzek, Ju, Krishnan, Ranzato, Guzmán, Fan. The Flores-101 Evaluation
  Benchmark for Low-Resource and Multilingual Machine Translation. TACL 10:522-538, 2022.

Origin: the public copy in github {repo} @ {commit}, folder flores200_dataset/ (the copy
Petrov et al. 2023 tokenized), itself the FLORES-200 release of Meta AI (flores200_dataset.tar.gz).
Line i of every dev/<code>.dev (997 lines) and devtest/<code>.devtest (1,012 lines) is the same sentence;
metadata_<split>.tsv gives each sentence's source URL, domain and topic.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path, help="the flores200_dataset/ folder")
    ap.add_argument("commit", help="the commit of the upstream repository the folder comes from")
    a = ap.parse_args()
    short = a.commit[:7]
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        for sub in ("dev", "devtest"):
            shutil.copytree(a.src / sub, stage / sub)
        for name in ("metadata_dev.tsv", "metadata_devtest.tsv", "README"):
            shutil.copy2(a.src / name, stage / name)
        (stage / "NOTICE.md").write_text(NOTICE.format(repo=REPO, commit=a.commit), encoding="utf-8")
        out = build(
            f"flores200-{short}",
            stage,
            ["dev/*.dev", "devtest/*.devtest", "metadata_*.tsv", "README", "NOTICE.md"],
            "flores200",
            note=f"From github {REPO} @ {a.commit}, flores200_dataset/ (NOTICE.md: licence, citation).",
        )
    data = out.read_bytes()
    print(
        f'      - registry: bundled\n        package: "{REPO}"\n        version: "{short}"\n'
        f"        archive: {out.name}\n        sha256: {hashlib.sha256(data).hexdigest()}\n"
        f"        size: {len(data)}"
    )


if __name__ == "__main__":
    main()
