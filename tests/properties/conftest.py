"""Hypothesis profile ``sovaudit-props`` for the property tests here (used through ``props_helpers.PROFILE``):
derandomized (the same examples on every run and machine), no deadline, 60 examples, no example database.

For a longer local hunt: ``SOVAUDIT_PROPS_EXAMPLES=N`` (more examples), ``SOVAUDIT_PROPS_RANDOM=1`` (fresh
random examples), ``SOVAUDIT_PROPS_NO_SHRINK=1`` (report failures unshrunk, faster).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "sovaudit-props",
    derandomize=not os.environ.get("SOVAUDIT_PROPS_RANDOM"),  # =1: a fresh random hunt (not for CI)
    deadline=None,
    max_examples=int(os.environ.get("SOVAUDIT_PROPS_EXAMPLES", "60")),
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # SOVAUDIT_PROPS_NO_SHRINK=1: report the first failing example as found (a quick hunt for bugs)
    phases=[p for p in Phase if p is not Phase.shrink or not os.environ.get("SOVAUDIT_PROPS_NO_SHRINK")],
)
