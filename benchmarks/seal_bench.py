"""Sizes and timings of sealed bundles: a secret pack of N items x 2 languages run on a tiny random model,
then seal (+ in-toto), redact, verify (full and public copy) and disclose.

    .venv/bin/python benchmarks/seal_bench.py --items 150      # 300 items (150 ids x en, fr)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "models"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=150, help="item ids (each in en and fr)")
    args = ap.parse_args()
    from tiny_models import make_tiny_model

    from sovaudit.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["SOVAUDIT_HOME"] = str(root / "home")
        os.environ["SOVAUDIT_ANSWER_CACHE"] = str(root / "answers.sqlite")
        tiny = make_tiny_model(root / "g3", "gemma3", max_position_embeddings=512)
        pack = root / "pack"
        pack.mkdir()
        (pack / "pack.yaml").write_text(
            "name: bench\nversion: '1'\nauthors: [A]\nlicence: CC-BY-4.0\nlanguages: [en, fr]\n"
            "domain: d\ndescription: d\nvisibility: secret\n",
            encoding="utf-8",
        )
        rows = ["id,language,topic,type,question,options,correct"]
        for lang in ("en", "fr"):
            rows += [
                f"q{i},{lang},t{i % 5},mc,Question {i} in {lang}?,a{i} | b{i} | c{i} | d{i},B"
                for i in range(args.items)
            ]
        (pack / "items.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        run, pub = root / "run", root / "public"
        t = time.perf_counter()
        assert (
            cli(["pack", "run", str(pack), "--model", str(tiny), "--bootstrap", "100", "--out", str(run)])
            == 0
        )
        t_run = time.perf_counter() - t
        assert cli(["keys", "new", "--out", str(root / "keys")]) == 0
        key, pubkey = root / "keys" / "sovaudit.key", root / "keys" / "sovaudit.pub"
        timings = {"pack run (tiny model)": t_run}
        steps = [
            ("seal --format in-toto", ["bundle", "seal", str(run), "--key", str(key), "--format", "in-toto"]),
            ("redact", ["bundle", "redact", str(run), "--out", str(pub)]),
            ("verify full bundle", ["verify", str(run), "--key", str(pubkey)]),
            ("verify public copy", ["verify", str(pub), "--key", str(pubkey)]),
            ("disclose", ["bundle", "disclose", str(run), "--item", "q7:fr", "--out", str(root / "p.json")]),
            ("check-proof", ["bundle", "check-proof", str(root / "p.json"), "--bundle", str(pub)]),
        ]
        for name, argv in steps:
            t = time.perf_counter()
            assert cli(argv) == 0, name
            timings[name] = time.perf_counter() - t
        sizes = {
            "manifest.json": (run / "manifest.json").stat().st_size,
            "manifest.intoto.json": (run / "manifest.intoto.json").stat().st_size,
            "commitments.json": (run / "commitments.json").stat().st_size,
            "private/salts.json": (run / "private" / "salts.json").stat().st_size,
            "results.json (full)": (run / "results.json").stat().st_size,
            "results.json (public)": (pub / "results.json").stat().st_size,
            "proof.json": (root / "p.json").stat().st_size,
        }
        proof = json.loads((root / "p.json").read_text())
        print(
            json.dumps(
                {
                    "items": proof["tree_size"],
                    "audit_path": len(proof["audit_path"]),
                    "seconds": {k: round(v, 3) for k, v in timings.items()},
                    "bytes": sizes,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
