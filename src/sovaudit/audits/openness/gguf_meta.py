"""Read the key/value metadata header of a GGUF file, and nothing else (no tensor data, no tensor infos).

The value types are the ``gguf`` package's ``GGUFValueType``. Keys outside ``prefixes`` are skipped
without decoding (a 262k-entry token list costs only its length fields), so reading the header of a large
model takes milliseconds where ``gguf.GGUFReader`` parses every field.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from ...errors import SovauditError, require

GGUF_MAGIC = b"GGUF"
DEFAULT_PREFIXES = ("general.",)
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9
_MAX_STRING = 1 << 24


def read_gguf_metadata(path: str | Path, prefixes: tuple[str, ...] = DEFAULT_PREFIXES) -> dict[str, Any]:
    """The metadata keys of a GGUF file starting with one of ``prefixes`` (all keys if it is empty)."""
    require("gguf", "models")  # the value-type table this reader follows; a clear error if it is missing
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return _read(fh, prefixes, p)
    except OSError as exc:
        raise SovauditError(f"cannot read {p}: {exc.strerror}", "pass a readable GGUF file") from exc
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise SovauditError(f"{p} has a damaged GGUF header ({exc})", "pass a complete GGUF file") from exc


def _read(fh: BinaryIO, prefixes: tuple[str, ...], p: Path) -> dict[str, Any]:
    if fh.read(4) != GGUF_MAGIC:
        raise SovauditError(f"{p} is not a GGUF file (no GGUF magic)", "pass a .gguf model file")
    (version,) = struct.unpack("<I", fh.read(4))
    if version < 2:
        raise SovauditError(
            f"{p} is GGUF version {version}, too old to read", "convert it with a current llama.cpp"
        )
    _n_tensors, n_kv = struct.unpack("<QQ", fh.read(16))
    out: dict[str, Any] = {}
    for _ in range(n_kv):
        key = _string(fh)
        (vtype,) = struct.unpack("<I", fh.read(4))
        if not prefixes or key.startswith(prefixes):
            out[key] = _value(fh, vtype)
        else:
            _skip(fh, vtype)
    return out


def _string(fh: BinaryIO) -> str:
    (n,) = struct.unpack("<Q", fh.read(8))
    if n > _MAX_STRING:
        raise ValueError(f"string of {n} bytes")
    return fh.read(n).decode("utf-8")


def _value(fh: BinaryIO, vtype: int) -> Any:
    if vtype == _STRING:
        return _string(fh)
    if vtype == _ARRAY:
        (itype,) = struct.unpack("<I", fh.read(4))
        (n,) = struct.unpack("<Q", fh.read(8))
        return [_value(fh, itype) for _ in range(n)]
    fmt = _SCALARS.get(vtype)
    if fmt is None:
        raise ValueError(f"unknown value type {vtype}")
    return struct.unpack(fmt, fh.read(struct.calcsize(fmt)))[0]


def _skip(fh: BinaryIO, vtype: int) -> None:
    if vtype == _STRING:
        (n,) = struct.unpack("<Q", fh.read(8))
        fh.seek(n, 1)
    elif vtype == _ARRAY:
        (itype,) = struct.unpack("<I", fh.read(4))
        (n,) = struct.unpack("<Q", fh.read(8))
        if itype in _SCALARS:
            fh.seek(n * struct.calcsize(_SCALARS[itype]), 1)
        else:
            for _ in range(n):
                _skip(fh, itype)
    else:
        fmt = _SCALARS.get(vtype)
        if fmt is None:
            raise ValueError(f"unknown value type {vtype}")
        fh.seek(struct.calcsize(fmt), 1)
