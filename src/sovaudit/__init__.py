"""sovaudit: audit open language models and their corpora for AI sovereignty, offline.

The public API is re-exported here; see ``__all__``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import SovauditError  # noqa: E402
from .results import ResultsDocument, load_results, write_results  # noqa: E402
from .signature import make_signature  # noqa: E402
from .models.loading import load_model  # noqa: E402

__all__ = [
    "ResultsDocument",
    "SovauditError",
    "__version__",
    "load_model",
    "load_results",
    "make_signature",
    "write_results",
]
