"""``sovaudit studio``: a local web app in which a country's experts write items, collect model answers
and grade them blind; its numbers (rubric means, Bradley-Terry ratings, Krippendorff's alpha) export as a
results document.

Parts: :mod:`.db` (SQLite, WAL), :mod:`.auth` (argon2, sessions, CSRF, rate limit), :mod:`.app` and
:mod:`.views` (Starlette pages), :mod:`.items` (authoring checked by the pack validator), :mod:`.jobs`
(answers in a background thread), :mod:`.grading` (blind least-graded-first assignment), :mod:`.stats`
(the numbers), :mod:`.export` (results document), :mod:`.pack_io` (probe-pack round trip).
The web parts need the ``studio`` extra (``pip install 'sovaudit[studio]'``).
"""

from __future__ import annotations

from .db import GRADERS_PER_ITEM, ROLES, Store
from .export import export_results, results_document
from .pack_io import export_pack, import_pack
from .stats import bradley_terry, bt_bootstrap, krippendorff_alpha, rubric_means

__all__ = [
    "GRADERS_PER_ITEM",
    "ROLES",
    "Store",
    "bradley_terry",
    "bt_bootstrap",
    "export_pack",
    "export_results",
    "import_pack",
    "krippendorff_alpha",
    "results_document",
    "rubric_means",
]
