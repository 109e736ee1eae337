"""Development script (not a test): run sovaudit's MOF evaluator over real Model Openness Tool declarations.

    python tests/openness/dev_mot_agreement.py DIR_OF_MOT_YAMLS [--expected expected_results.json]

Prints the class distribution over the declarations (licenses read as written, as the tool does, and
normalised to SPDX ids, as sovaudit reports them). With ``--expected`` (the tool's
``Test_Data/expected_results.json``, whose entries carry each release and the tool's classification), prints
the agreement of class and completion percentages with the tool.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import yaml

from sovaudit.audits.openness.declarations import load_declaration, mof_input, parse_declaration
from sovaudit.audits.openness.mof import evaluate


def over_folder(folder: Path) -> None:
    """Class distribution over a folder of MOT declarations."""
    strict: Counter[object] = Counter()
    norm: Counter[object] = Counter()
    changed = errors = 0
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    for f in files:
        try:
            inp = mof_input(load_declaration(f))
        except Exception as exc:  # report and go on: this is a survey
            errors += 1
            print(f"error {f.name}: {exc}")
            continue
        a, b = evaluate(inp, as_written=True), evaluate(inp)
        strict[a.klass] += 1
        norm[b.klass] += 1
        changed += a.klass != b.klass
    print(f"{len(files)} declarations, {errors} unreadable")
    print("class (as written):", dict(sorted(strict.items(), key=str)))
    print("class (normalised):", dict(sorted(norm.items(), key=str)))
    print(f"class changes when license names are normalised: {changed}")


def against_expected(path: Path) -> None:
    """Agreement with the tool's classification of its own test releases."""
    text = re.sub(r",(\s*[}\]])", r"\1", path.read_text(encoding="utf-8"))  # the file has trailing commas
    models = json.loads(text)["models"]
    agree = 0
    for m in models:
        release = m["release"]
        if isinstance(release.get("license"), list):  # PHP's empty array
            release["license"] = {}
        decl = parse_declaration(
            yaml.safe_dump({"framework": m["framework"], "release": release}), release["name"]
        )
        v = evaluate(mof_input(decl), as_written=True)
        exp = m["classification"]
        want = (exp["class"] or None, *(round(float(exp["progress"][k]), 2) for k in ("1", "2", "3")))
        got = (v.klass, round(v.class_1, 2), round(v.class_2, 2), round(v.class_3, 2))
        agree += got == want
        if got != want:
            print(f"differs: {release['name']}: tool {want}, sovaudit {got}")
    print(f"agreement with the tool: {agree}/{len(models)}")


def main() -> None:
    """Parse arguments and run."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, nargs="?")
    ap.add_argument("--expected", type=Path)
    args = ap.parse_args()
    if args.folder:
        over_folder(args.folder)
    if args.expected:
        against_expected(args.expected)


if __name__ == "__main__":
    main()
