"""Readers of parallel corpora, all producing :class:`ParallelCorpus`."""

from __future__ import annotations

from .base import ParallelCorpus

__all__ = ["ParallelCorpus"]
