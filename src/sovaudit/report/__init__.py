"""The self-contained HTML report, rendered from results documents only.

``render_report(docs)`` returns the page as a string; ``write_report(paths, out)`` loads ``results.json``
files (or folders holding one) and writes the page. Sections are plugins per audit: see
``sovaudit/report/README.md`` for how to add one.
"""

from __future__ import annotations

from .render import load_documents, make_env, render_report, write_report

__all__ = ["load_documents", "make_env", "render_report", "write_report"]
