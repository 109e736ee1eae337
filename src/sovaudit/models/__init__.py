"""LanguageModel protocol, backends (hf, llamacpp, openai) and the scoring engine."""

from __future__ import annotations

from .base import (
    GenerateRequest,
    LanguageModel,
    LoglikelihoodRequest,
    LoglikelihoodResult,
    RollingRequest,
    RollingResult,
)

__all__ = [
    "GenerateRequest",
    "LanguageModel",
    "LoglikelihoodRequest",
    "LoglikelihoodResult",
    "RollingRequest",
    "RollingResult",
]
