"""Properties of the GGUF metadata header reader (src/sovaudit/audits/openness/gguf_meta.py).

Round trip: random ``general.*`` metadata written with the ``gguf`` package's own ``GGUFWriter`` (strings,
integers, floats, booleans, string arrays) reads back to exactly the values written, and keys outside the
prefixes are skipped. Robustness: a damaged header reads or raises a one-line :class:`SovauditError`
naming the file.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from props_helpers import PROFILE, mutated, reads_or_refuses, texts

from sovaudit.audits.openness.gguf_meta import read_gguf_metadata

gguf = pytest.importorskip("gguf")

keys = st.from_regex(r"[a-z_]{1,10}", fullmatch=True)
values = st.one_of(
    texts(max_size=6, long=False).filter(bool),  # GGUFWriter leaves out an empty string value
    st.integers(0, 2**32 - 1),
    st.booleans(),
    st.floats(width=32, allow_nan=False),
    st.lists(texts(max_size=2, long=False), min_size=1, max_size=4),  # (and an empty array)
)


def write_gguf(path: Path, general: dict[str, Any], other: dict[str, Any]) -> None:
    w = gguf.GGUFWriter(str(path), "llama")
    for name, data in ((f"general.{k}", v) for k, v in general.items()):
        _add(w, name, data)
    for k, v in other.items():
        _add(w, f"tok.{k}", v)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.close()


def _add(w: Any, key: str, value: Any) -> None:
    if isinstance(value, bool):
        w.add_bool(key, value)
    elif isinstance(value, int):
        w.add_uint32(key, value)
    elif isinstance(value, float):
        w.add_float32(key, value)
    elif isinstance(value, str):
        w.add_string(key, value)
    else:
        w.add_array(key, value)


@settings(PROFILE)
@given(st.dictionaries(keys, values, max_size=5), st.dictionaries(keys, values, max_size=3))
def test_gguf_header_round_trip(
    tmp_path_factory: pytest.TempPathFactory, general: dict[str, Any], other: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("gguf") / "m.gguf"
    write_gguf(path, general, other)
    got = read_gguf_metadata(path)
    want = {f"general.{k}": v for k, v in general.items()}
    want["general.architecture"] = "llama"
    assert set(got) == set(want)
    for k, v in want.items():
        if isinstance(v, float):
            assert math.isclose(got[k], v, rel_tol=2**-23) or got[k] == v
        else:
            assert got[k] == v


@settings(PROFILE)
@given(st.dictionaries(keys, values, max_size=5), st.dictionaries(keys, values, max_size=3), st.data())
@example(general={}, other={"x": "y"}, data=None)  # a skipped string of 2**64-1 bytes: refused
def test_gguf_damaged_header_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    general: dict[str, Any],
    other: dict[str, Any],
    data: st.DataObject | None,
) -> None:
    path = tmp_path_factory.mktemp("gguf") / "m.gguf"
    write_gguf(path, general, other)
    raw = path.read_bytes()
    if data is None:  # the skipped key's value length set to 2**64 - 1
        at = raw.index(b"tok.x") + len(b"tok.x") + 4
        raw = raw[:at] + struct.pack("<Q", 2**64 - 1) + raw[at + 8 :]
    else:
        raw = data.draw(mutated(raw))
    path.write_bytes(raw)
    reads_or_refuses(lambda: read_gguf_metadata(path), path)
