"""``sovaudit tokenizers``: the contract on a FLORES-200 folder the test writes, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sovaudit.assets import AssetStore
from sovaudit.cli import main
from sovaudit.tokenizers.registry import get_spec

# UDHR article 1 and 3, as FLORES-style one-sentence lines
LINES = {
    "eng_Latn": [
        "All human beings are born free and equal in dignity and rights.",
        "Everyone has the right to life, liberty and security of person.",
    ],
    "swh_Latn": [
        "Watu wote wamezaliwa huru, hadhi na haki zao ni sawa.",
        "Kila mtu ana haki ya kuishi, haki ya uhuru na kila mtu ana haki ya kuwa salama.",
    ],
    "zho_Hans": ["人人生而自由，在尊严和权利上一律平等。", "人人有权享有生命、自由和人身安全。"],
    "hin_Deva": [
        "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है।",
        "प्रत्येक व्यक्ति को जीवन, स्वाधीनता और वैयक्तिक सुरक्षा का अधिकार है।",
    ],
}
CONTRACT = ["gpt2", "cl100k_base", "llama2", "bytes", "chars"]


def write_flores(root: Path, lines: dict[str, list[str]] = LINES) -> Path:
    for split in ("dev", "devtest"):
        (root / split).mkdir(parents=True, exist_ok=True)
        for code, text in lines.items():
            (root / split / f"{code}.{split}").write_text("\n".join(text) + "\n", encoding="utf-8")
    return root


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_contract_on_a_flores_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flores, out = write_flores(tmp_path / "flores"), tmp_path / "out"
    args = ["tokenizers", "--corpus", f"flores200:{flores}"]
    for name in CONTRACT:
        args += ["--tokenizer", name]
    code, stdout, stderr = run([*args, "--reference", "eng_Latn", "--out", str(out)], capsys)
    assert code == 0, stderr
    assert str(out / "results.json") in stdout
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = doc["rows"]
    assert len(rows) == len(CONTRACT) * len(LINES)
    for row in rows:
        assert {"tokenizer", "language", "tokens", "bytes", "chars", "premium"} <= set(row)
    by = {(r["tokenizer"], r["language"]): r for r in rows}
    assert {lang for _, lang in by} == set(LINES)
    for name in CONTRACT:
        assert by[(name, "eng_Latn")]["premium"] == 1.0
    eng_text = " ".join(LINES["eng_Latn"])  # devtest split, Petrov et al.'s joining
    assert by[("bytes", "eng_Latn")]["tokens"] == len(eng_text.encode())
    assert by[("chars", "zho_Hans")]["tokens"] == len(" ".join(LINES["zho_Hans"]))
    assert by[("gpt2", "hin_Deva")]["premium"] > by[("cl100k_base", "hin_Deva")]["premium"] > 1
    assert doc["summary"]["reference"] == "eng_Latn" and set(doc["summary"]["tokenizers"]) == set(CONTRACT)
    assert doc["signature"].count("|tok:") == len(CONTRACT)
    assert (out / "rows.csv").is_file()


def test_reference_eng_resolves_to_eng_latn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flores, out = write_flores(tmp_path / "flores"), tmp_path / "out"
    args = ["tokenizers", "--corpus", f"flores200:{flores}", "-t", "bytes", "-t", "chars"]
    code, _, stderr = run([*args, "--language", "swh", "--out", str(out)], capsys)
    assert code == 0, stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["settings"]["reference"] == "eng_Latn"
    assert {r["language"] for r in doc["rows"]} == {"eng_Latn", "swh_Latn"}


def test_country_selects_its_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flores, out = write_flores(tmp_path / "flores"), tmp_path / "out"
    args = [
        "tokenizers",
        "--corpus",
        f"flores200:{flores}",
        "-t",
        "chars",
        "--country",
        "ke",
        "--out",
        str(out),
    ]
    code, _, stderr = run(args, capsys)
    assert code == 0, stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {r["language"] for r in doc["rows"]} == {"eng_Latn", "swh_Latn"}
    assert list(doc["summary"]["countries"]) == ["KE"]
    assert any("not in corpus" in n for n in doc["notes"])


def _bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], flores: Path | None = None
) -> str:
    flores = flores or write_flores(tmp_path / "flores")
    out = tmp_path / "out"
    code, _, stderr = run(
        ["tokenizers", "--corpus", f"flores200:{flores}", "--out", str(out), *extra], capsys
    )
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sovaudit: error:"), stderr
    assert "Traceback" not in stderr
    assert not (out / "results.json").exists() and not (out / "rows.csv").exists()
    return lines[0]


def test_unknown_tokenizer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    msg = _bad(tmp_path, capsys, ["-t", "chars", "-t", "gpt-5"])
    assert "unknown tokenizer 'gpt-5'" in msg and "cl100k_base" in msg


def test_unknown_language_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown language code 'qqq_Zzzz'" in _bad(
        tmp_path, capsys, ["-t", "chars", "--language", "qqq_Zzzz"]
    )


def test_language_not_in_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    msg = _bad(tmp_path, capsys, ["-t", "chars", "--language", "fra"])
    assert "is not in corpus" in msg and "sovaudit corpora languages SPEC (the --corpus you passed)" in msg


def test_reference_missing_from_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flores = write_flores(tmp_path / "noeng", {k: v for k, v in LINES.items() if k != "eng_Latn"})
    assert "reference language 'eng'" in _bad(tmp_path, capsys, ["-t", "chars"], flores)


def test_empty_language_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flores = write_flores(tmp_path / "flores")
    (flores / "devtest" / "swh_Latn.devtest").write_text("\n\n", encoding="utf-8")
    assert "is empty" in _bad(tmp_path, capsys, ["-t", "chars"], flores)


def test_tokenizer_asset_hash_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = get_spec("gpt2")
    real = AssetStore()
    real.path(spec.asset, spec.member)
    home = tmp_path / "home"
    shutil.copytree(real.asset_dir(spec.asset), AssetStore(root=home).asset_dir(spec.asset))
    target = AssetStore(root=home).asset_dir(spec.asset) / spec.member
    target.write_bytes(target.read_bytes() + b"IQ== 99999\n")
    monkeypatch.setenv("SOVAUDIT_HOME", str(home))
    assert "SHA-256" in _bad(tmp_path, capsys, ["-t", "chars", "-t", "gpt2"])


def test_local_tokenizer_path_and_pattern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import base64

    ranks = [bytes([b]) for b in range(256)] + [b"th", b"the"]
    tik = tmp_path / "mine.tiktoken"
    tik.write_bytes(b"".join(base64.b64encode(t) + b" %d\n" % i for i, t in enumerate(ranks)))
    flores, out = write_flores(tmp_path / "flores"), tmp_path / "out"
    args = ["tokenizers", "--corpus", f"flores200:{flores}", "-t", str(tik), "--pattern", "o200k"]
    code, _, stderr = run([*args, "--out", str(out)], capsys)
    assert code == 0, stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["settings"]["patterns"] == {"mine": "o200k"}
    assert "|tok:mine@" in doc["signature"]
