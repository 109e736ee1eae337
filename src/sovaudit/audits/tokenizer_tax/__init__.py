"""The language-tax audit of tokenizers (Petrov et al. 2023): tokens per language against a reference.

``method`` (counting per tokenizer and language), ``counts`` (summable counts and the metrics from them),
``summary``, ``segments`` (per-segment counts for country intervals), ``doc`` (the results document),
``country`` (a model's own tokenizer in a country audit) and ``audit`` (the audit contract).
"""

from __future__ import annotations

from .audit import TokenizersAudit, TokenizersSpec

__all__ = ["TokenizersAudit", "TokenizersSpec"]
