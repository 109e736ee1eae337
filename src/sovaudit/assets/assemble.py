"""Built-in post-extraction steps that catalogue entries name in ``assemble``."""

from __future__ import annotations
