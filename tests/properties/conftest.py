"""Hypothesis profile ``sovaudit-props`` for the property tests here (used through ``props_helpers.PROFILE``):


``SOVAUDIT_PROPS_EXAMPLES`` raises ``max_examples`` for a longer local hunt (default 60).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "sovaudit-props",
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("SOVAUDIT_PROPS_EXAMPLES", "60")),
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # SOVAUDIT_PROPS_NO_SHRINK=1: report the first failing example as found (a quick hunt for bugs)
    phases=[p for p in Phase if p is not Phase.shrink or not os.environ.get("SOVAUDIT_PROPS_NO_SHRINK")],
)
