"""sovaudit: audit open language models and their corpora for AI sovereignty, offline.

The public API is re-exported here; see ``__all__``. Light names are imported with the package; the others
(corpora, tokenizers, audits, report, models, assets, languages) are imported on first use through the
module-level ``__getattr__``, so ``import sovaudit`` stays fast::

    import sovaudit as sa

    corpus = sa.load_corpus("udhr")
    ref = sa.resolve_reference(corpus, "eng")
    corpus, notes = sa.select_languages(corpus, None, "KE", ref)
    toks = [sa.load_tokenizer(name) for name in ("cl100k_base", "bytes")]
    doc = sa.TokenizerTaxAudit(corpus, toks, sa.TaxSpec(reference=ref)).run(progress=False)
    sa.write_report([sa.write_results(doc, "runs/ke")], "report.html")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .errors import SovauditError
from .results import ResultsDocument, load_results, write_results
from .signature import make_signature

if TYPE_CHECKING:
    from .assets import AssetStore
    from .audits.tokenizer_tax.method import TaxSpec, TokenizerTaxAudit
    from .corpora import ParallelCorpus, load_corpus, resolve_reference, select_languages
    from .languages import Language, country_languages, resolve
    from .models.loading import load_model
    from .report import render_report, write_report
    from .runner import run, run_audit
    from .tokenizers import Tokenizer, bundled_names, load_tokenizer

# public name -> module that defines it, imported on first access
_LAZY = {
    "AssetStore": ".assets",
    "Language": ".languages",
    "ParallelCorpus": ".corpora",
    "TaxSpec": ".audits.tokenizer_tax.method",
    "Tokenizer": ".tokenizers",
    "TokenizerTaxAudit": ".audits.tokenizer_tax.method",
    "bundled_names": ".tokenizers",
    "country_languages": ".languages",
    "load_corpus": ".corpora",
    "load_model": ".models.loading",
    "load_tokenizer": ".tokenizers",
    "render_report": ".report",
    "resolve": ".languages",
    "resolve_reference": ".corpora",
    "run": ".runner",
    "run_audit": ".runner",
    "select_languages": ".corpora",
    "write_report": ".report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sovaudit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "AssetStore",
    "Language",
    "ParallelCorpus",
    "ResultsDocument",
    "SovauditError",
    "TaxSpec",
    "Tokenizer",
    "TokenizerTaxAudit",
    "__version__",
    "bundled_names",
    "country_languages",
    "load_corpus",
    "load_model",
    "load_results",
    "load_tokenizer",
    "make_signature",
    "render_report",
    "resolve",
    "resolve_reference",
    "run",
    "run_audit",
    "select_languages",
    "write_report",
    "write_results",
]
