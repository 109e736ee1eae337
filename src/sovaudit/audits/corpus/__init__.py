"""Corpus language audit: which languages a corpus holds, in what share, how clean, against speakers.

``sovaudit.run("corpus", paths=[...], out=...)`` (or ``sovaudit corpus``) streams the corpus files in
shards, identifies the language of every paragraph, sums mergeable counts per shard (saved under
``<out>/shards/`` with completion markers, so reruns skip finished shards) and writes
``<out>/results.json``.
"""

from __future__ import annotations

from .audit import CorpusAudit, CorpusAuditSpec, comparable, plan_units
from .counts import CorpusCounts, LangCounts, merge_all
from .lid import DEFAULT_LID, Detector, get_detector, normalise_label

__all__ = [
    "DEFAULT_LID",
    "CorpusAudit",
    "CorpusAuditSpec",
    "CorpusCounts",
    "Detector",
    "LangCounts",
    "comparable",
    "get_detector",
    "merge_all",
    "normalise_label",
    "plan_units",
]
