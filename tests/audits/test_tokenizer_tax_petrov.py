"""Parity with Petrov et al.'s reference code (``compute/compute_tokenizations.py``) on a FLORES-200 folder.

Their ``process_one_language`` reads ``dev/<lang>.dev`` then ``devtest/<lang>.devtest``, splits each on
newlines, joins everything with single spaces and encodes it once with tiktoken's ``encode`` (no special
tokens). Here the same computation is written out with tiktoken itself on the real cl100k_base asset and
compared with ``sovaudit tokenizers --corpus flores200:DIR@all``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovaudit.assets import AssetStore
from sovaudit.cli import main
from sovaudit.tokenizers.registry import get_spec, registry

LINES = {  # devtest lines (UDHR articles 1 and 3)
    "eng_Latn": [
        "All human beings are born free and equal in dignity and rights.",
        "Everyone has the right to life, liberty and security of person.",
    ],
    "hin_Deva": [
        "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है।",
        "प्रत्येक व्यक्ति को जीवन, स्वाधीनता और वैयक्तिक सुरक्षा का अधिकार है।",
    ],
    "zho_Hans": ["人人生而自由，在尊严和权利上一律平等。", "人人有权享有生命、自由和人身安全。"],
}
DEV = {lang: [f"{s} ({i})" for i, s in enumerate(lines)] for lang, lines in LINES.items()}


def _write(root: Path) -> Path:
    for split, data in (("dev", DEV), ("devtest", LINES)):
        (root / split).mkdir(parents=True)
        for lang, lines in data.items():
            (root / split / f"{lang}.{split}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _cl100k():  # the encoding tiktoken.get_encoding("cl100k_base") builds, from the pinned file
    tiktoken = pytest.importorskip("tiktoken")
    from tiktoken.load import load_tiktoken_bpe

    spec = get_spec("cl100k_base")
    ranks = load_tiktoken_bpe(str(AssetStore().path(spec.asset, spec.member)))
    return tiktoken.Encoding(
        "cl100k_base",
        pat_str=registry().patterns["cl100k"],
        mergeable_ranks=ranks,
        special_tokens={"<|endoftext|>": 100257},
    )


def _petrov_text(root: Path, lang: str) -> str:
    """``process_one_language``'s ``data_str``, verbatim."""
    data_dev = (root / "dev" / f"{lang}.dev").read_text(encoding="utf-8").split("\n")
    data_devtest = (root / "devtest" / f"{lang}.devtest").read_text(encoding="utf-8").split("\n")
    return " ".join(data_dev + data_devtest)


def test_premium_matches_petrov_et_al(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    enc = _cl100k()
    flores, out = _write(tmp_path / "flores"), tmp_path / "out"
    args = ["tokenizers", "--corpus", f"flores200:{flores}@all", "-t", "cl100k_base", "-t", "chars"]
    assert main([*args, "--reference", "eng_Latn", "--out", str(out)]) == 0, capsys.readouterr().err
    rows = {
        (r["tokenizer"], r["language"]): r for r in json.loads((out / "results.json").read_text())["rows"]
    }
    for lang in LINES:
        ours = rows[("cl100k_base", lang)]
        # the same text with the stray blanks of their split("\n") removed: dev then devtest, one space apart
        joined = " ".join(DEV[lang] + LINES[lang])
        assert ours["tokens"] == len(enc.encode(joined))
        assert ours["chars"] == len(joined) and ours["bytes"] == len(joined.encode())
        # their text differs only by a doubled space between the splits and a trailing space
        theirs = _petrov_text(flores, lang)
        assert theirs.replace("  ", " ").rstrip(" ") == joined
        assert abs(len(enc.encode(theirs)) - ours["tokens"]) <= 2
        ref = len(enc.encode(" ".join(DEV["eng_Latn"] + LINES["eng_Latn"])))
        assert ours["premium"] == pytest.approx(len(enc.encode(joined)) / ref, rel=1e-12)
