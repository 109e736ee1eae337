"""No egress: the default demo's audits run inside a network namespace with no network, and pass.

The demo is ``sovaudit audit --country KE --model gemma3-270m`` (Makefile ``demo``: ``sovaudit assets
install`` first, with the network, then the audit). Here the assets are installed the same way OUTSIDE the
namespace, then the same command runs under ``unshare -n`` (only a loopback interface, down) on reduced
inputs so that it fits a test: one age item of each bias benchmark (BBQ, CrowS-Pairs), one political-lean
template on four statements, the first four English items of each probe pack with answers of at most four
tokens, 20 bootstrap resamples, and competence on the two shortest UDHR articles in English and Swahili
(taken from the real UDHR asset) instead of every article in every Kenyan language. Everything else is
the demo's path: the real embedded model, the real bundled tokenizer, BBQ, CrowS-Pairs, 8values, the probe
packs, the openness declarations, the scorecard, the report and the signed manifest. A model named by hub
id, which needs the network, must fail there with one line, fast.

Skipped only where ``unshare -n true`` fails (not root, or no user namespaces).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _can_unshare() -> tuple[bool, str]:
    try:
        proc = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"unshare not available ({exc})"
    if proc.returncode != 0:
        why = " ".join(proc.stderr.split())[:160]
        return False, f"`unshare -n true` failed (needs root or user namespaces): {why}"
    return True, ""


CAN_UNSHARE, WHY_NOT = _can_unshare()
needs_netns = pytest.mark.skipif(not CAN_UNSHARE, reason=WHY_NOT)

# Run inside the namespace: the demo's plan with smaller inputs for the model audits (the same spec
# fields a user sets with `sovaudit run AUDIT -A key=value`), then the CLI exactly as the demo calls it.
DRIVER = textwrap.dedent(
    """
    import csv, shutil, sys
    from pathlib import Path
    import sovaudit.country.audit as country_audit
    from sovaudit.country.plan import Planned

    SMALLER = {
        "competence": {"corpus": "tsv:" + sys.argv[1], "languages": ("swh",), "reference": "eng"},
        "bias": {"categories": ("Age", "age")},  # BBQ's and CrowS-Pairs' age items
        "politics": {"limit": 4, "orders": ("forward",)},
        "pack": {"max_tokens": 4, "languages": ("en",)},
    }

    def first_items(pack, n=8):
        # a copy of the pack with its first n item rows (the example packs alternate en and fr rows)
        dst = Path(sys.argv[1]).parent / "packs" / Path(pack).name
        shutil.copytree(pack, dst, dirs_exist_ok=True)
        for f in dst.glob("*.jsonl"):
            f.write_text("".join(f.read_text(encoding="utf-8").splitlines(True)[:n]), encoding="utf-8")
        for f in dst.glob("*.csv"):
            with f.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.reader(fh))[: n + 1]
            with f.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(rows)
        return str(dst)

    full_plan = country_audit.plan_country

    def smaller_plan(opts):
        out = []
        for p in full_plan(opts):
            if isinstance(p, Planned) and p.audit in SMALLER:
                spec = {k: v for k, v in p.spec.items() if not (p.audit == "competence" and k == "country")}
                spec.update(SMALLER[p.audit])
                if p.audit == "pack":
                    spec["pack"] = first_items(spec["pack"])
                if "bootstrap" in spec:
                    spec["bootstrap"] = 20
                p = Planned(p.audit, p.model, spec, p.folder)
            out.append(p)
        return out

    country_audit.plan_country = smaller_plan
    from sovaudit.cli import main

    sys.exit(main(sys.argv[2:]))
    """
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SOVAUDIT_ANSWER_CACHE"] = str(tmp_path / "answers.sqlite")  # every answer computed in there
    env.pop("HF_HUB_OFFLINE", None)  # the namespace, not a flag, is what keeps the network away
    env.pop("TRANSFORMERS_OFFLINE", None)
    return env


def _small_udhr(path: Path) -> Path:
    from sovaudit.corpora import load_corpus

    udhr = load_corpus("udhr")
    ids = sorted(udhr.aligned("eng", "swh"), key=lambda i: len(udhr.texts["eng"][i]))[:2]  # the shortest
    rows = ["id\teng\tswh"] + [f"{i}\t{udhr.texts['eng'][i]}\t{udhr.texts['swh'][i]}" for i in ids]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@needs_netns
def test_demo_audits_run_without_network(tmp_path: Path) -> None:
    env = _env(tmp_path)
    # outside the namespace, as `make demo` does: install the assets (a no-op where they are)
    install = subprocess.run(
        [sys.executable, "-m", "sovaudit.cli", "assets", "install"], env=env, capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr[-2000:]
    corpus = _small_udhr(tmp_path / "udhr-small.tsv")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    out = tmp_path / "demo"
    cmd = [
        "unshare", "-n", sys.executable, str(driver), str(corpus),
        "audit", "--country", "KE", "--model", "gemma3-270m", "--out", str(out),
        "--bias-limit", "1", "--politics-templates", "1",
    ]  # fmt: skip
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    seconds = time.monotonic() - t0
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    for name in ("report.html", "manifest.json", "manifest.sig", "country/results.json"):
        assert (out / name).is_file(), name
    for audit in ("tokenizers", "competence", "bias", "politics", "openness"):
        assert (out / audit / "gemma3-270m" / "results.json").is_file(), (audit, proc.stdout[-3000:])
    packs = list(out.glob("pack/*/gemma3-270m/results.json"))
    assert packs, proc.stdout[-3000:]
    # what is not measured is so for the demo's own reasons (no GlobalOpinionQA, no BLEnD for KE, no
    # training data), never for a network one
    assert f"{5 + len(packs)} audits measured, 3 not measured" in proc.stdout, proc.stdout[-3000:]
    card = json.loads((out / "country" / "results.json").read_text(encoding="utf-8"))
    assert card["audit"] == "country"
    verify = [sys.executable, "-m", "sovaudit.cli", "verify", str(out)]
    checked = subprocess.run(["unshare", "-n", *verify], env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, (checked.stdout[-2000:], checked.stderr[-2000:])
    print(f"demo audits under unshare -n: {seconds:.0f} s\n{proc.stdout}")


@needs_netns
def test_a_hub_model_fails_fast_with_one_line_without_network(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env["HF_HOME"] = str(tmp_path / "hf")  # nothing cached: the hub would be the only source
    corpus = tmp_path / "small.tsv"
    corpus.write_text("id\teng\tswh\n1\tAll human beings.\tWatu wote.\n", encoding="utf-8")
    cmd = [
        "unshare", "-n", sys.executable, "-m", "sovaudit.cli", "competence", "--model",
        "hf:HuggingFaceTB/SmolLM2-135M", "--corpus", f"tsv:{corpus}", "--out", str(tmp_path / "out"),
    ]  # fmt: skip
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    seconds = time.monotonic() - t0
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert proc.returncode == 2, (proc.stdout[-2000:], proc.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("sovaudit: error:"), proc.stderr[-2000:]
    assert "HuggingFaceTB/SmolLM2-135M" in lines[0] and "Traceback" not in proc.stderr
    assert seconds < 60, seconds
    assert not (tmp_path / "out" / "results.json").exists()
    print(f"hub id without network: exit 2 after {seconds:.1f} s: {lines[0]}")
