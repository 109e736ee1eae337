"""Executors: run an audit's work units ``(audit, subject, shard)`` locally, on a process pool or on Ray.

Executors are separate from audit logic: an audit plans :class:`WorkUnit` s and a picklable unit function,
:func:`run_units` runs what is not finished yet and saves each result under ``<OUT>/shards/`` with a
completion marker, and the audit reduces the results, which come back in unit order.
"""

from __future__ import annotations

from .base import Executor, RunStats, ShardStore, WorkUnit, run_units
from .choose import get_executor

__all__ = ["Executor", "RunStats", "ShardStore", "WorkUnit", "get_executor", "run_units"]
