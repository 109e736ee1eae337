"""Helpers for the openness tests: declarations and tiny GGUF files made here, never read from shared data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

MIT_TEXT = """MIT License

Copyright (c) 2024 Example Person

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

ALL_REQUIRED = [
    "Model architecture",
    "Model parameters (Final)",
    "Evaluation results",
    "Model card",
    "Data card",
    "Technical report",  # class III
    "Training code",
    "Inference code",
    "Evaluation code",
    "Evaluation data",  # class II
    "Datasets",
    "Data preprocessing code",
    "Model parameters (Intermediate)",
    "Research paper",  # class I
]
CLASS_3 = ALL_REQUIRED[:6]
CLASS_2 = ALL_REQUIRED[6:10]
CLASS_1 = ALL_REQUIRED[10:]


def mot_yaml(
    components: dict[str, str | None], global_licenses: dict[str, str] | None = None, name: str = "T"
) -> str:
    """A Model Openness Tool declaration: component name -> license (None: no license key)."""
    comps: list[dict[str, Any]] = []
    for cname, lic in components.items():
        entry: dict[str, Any] = {"name": cname, "description": "made by the test"}
        if lic is not None:
            entry["license"] = lic
        comps.append(entry)
    release = {
        "name": name,
        "version": "1B",
        "license": {k: {"name": v, "path": ""} for k, v in (global_licenses or {}).items()},
        "components": comps,
    }
    return yaml.safe_dump(
        {"framework": {"name": "Model Openness Framework", "version": "1.0"}, "release": release}
    )


def make_gguf(path: Path, meta: dict[str, Any]) -> Path:
    """A tiny GGUF file with the given general.* metadata, a token list and one small tensor."""
    from gguf import GGUFWriter

    w = GGUFWriter(str(path), arch="llama")
    for key, value in meta.items():
        if isinstance(value, list):
            w.add_array(key, value)
        else:
            w.add_string(key, value)
    w.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(300)])
    w.add_tensor("token_embd.weight", np.zeros((4, 8), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
