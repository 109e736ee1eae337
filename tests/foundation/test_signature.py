"""The signature format is a contract: pin it."""

import re

import pytest

from sovaudit import __version__
from sovaudit.signature import hashed, make_signature, parse_signature, short_hash


def test_signature_format_is_fixed() -> None:
    sig = make_signature(
        [
            ("corpus", hashed("udhr", "3f2a9c1b" + "0" * 56)),
            ("tok", hashed("cl100k_base", "9b1e07aa")),
            ("ref", "eng"),
        ],
        version="0.1.0",
    )
    assert sig == "corpus:udhr@3f2a9c1b|tok:cl100k_base@9b1e07aa|ref:eng|v:0.1.0"


def test_signature_round_trips_and_ends_with_version() -> None:
    sig = make_signature([("tok", "a@12345678"), ("tok", "b@87654321")])
    assert parse_signature(sig) == [("tok", "a@12345678"), ("tok", "b@87654321"), ("v", __version__)]
    assert re.fullmatch(r"(\w+:[^|]+\|)+v:\d+\.\d+\.\d+", sig)


def test_short_hash_is_sha256_prefix() -> None:
    # sha256("abc") = ba7816bf...
    assert short_hash("abc") == "ba7816bf"
    assert short_hash(b"abc") == "ba7816bf"


def test_pipe_in_a_part_is_refused() -> None:
    with pytest.raises(ValueError):
        make_signature([("corpus", "a|b")])
