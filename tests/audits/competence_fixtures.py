"""Fixtures for the competence tests: a tiny random model and a small parallel TSV corpus."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from tiny_models import TRAIN_TEXT, make_tiny_model

WORDS_TEXT = {
    "eng": "all human beings are born free and equal in dignity rights reason conscience",
    "swh": "kila mtu amezaliwa huru hadhi na haki zake ni sawa wote",
    "fra": "tous les êtres humains naissent libres et égaux en dignité droits",
    "ell": "όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια",
}
WORDS = {lang: text.split(" ") for lang, text in WORDS_TEXT.items()}


def write_corpus(path: Path, n_segments: int = 12, seed: int = 0, partial: str | None = None) -> Path:
    """A TSV corpus of ``n_segments`` pseudo-sentences per language (``partial`` lacks every third one)."""
    rng = random.Random(seed)
    langs = list(WORDS)
    lines = ["id\t" + "\t".join(langs)]
    for i in range(n_segments):
        length = rng.randint(4, 14)
        cells = []
        for lang in langs:
            words = [rng.choice(WORDS[lang]) for _ in range(length)]
            text = " ".join(words).capitalize() + "."
            cells.append("" if lang == partial and i % 3 == 2 else text)
        lines.append(f"s{i}\t" + "\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tiny_model(folder: Path) -> Path:
    """The tiny Gemma 3 model of the model tests (context 48: long segments are windowed)."""
    return make_tiny_model(folder, "gemma3", max_position_embeddings=48)


__all__ = ["TRAIN_TEXT", "tiny_model", "write_corpus"]
