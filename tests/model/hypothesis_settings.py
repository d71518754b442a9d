"""Hypothesis settings shared by every property test: no per-example deadline and no too-slow
health check (CI machines are shared and slow, and a loaded machine failed a bare `@given`).

Every `@given` test names one of these (tests/test_hypothesis_settings.py checks it); `DEFAULT`
is also loaded as the profile for the whole run, so a test that forgot still runs under it.

Every profile is derandomized: the same commit draws the same examples on every run, so CI's
verdict on a commit does not depend on luck (a random draw once failed CI on a bug that had been
in the tree for a whole round). `MESHTUI_HYPOTHESIS=explore` draws new random examples instead,
to look for bugs; whatever it finds becomes an `@example` on the test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_EXPLORE = os.environ.get("MESHTUI_HYPOTHESIS") == "explore"
settings.register_profile("meshtui-base", derandomize=not _EXPLORE,
                          database=settings.default.database if _EXPLORE else None)
settings.load_profile("meshtui-base")

_SLOW_MACHINE = [HealthCheck.too_slow]

DEFAULT = settings(deadline=None, suppress_health_check=_SLOW_MACHINE)
"""What any Hypothesis test runs under unless it asks for more or less."""

QUICK = settings(deadline=None, max_examples=60, suppress_health_check=_SLOW_MACHINE)
"""Cheap properties: enough examples to find rounding edge cases."""

FUZZ = settings(deadline=None, max_examples=150,
                suppress_health_check=[*_SLOW_MACHINE, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
"""Fuzzing parsers with arbitrary or hostile object shapes (which can be large)."""

LONG_RUNS = settings(deadline=None, max_examples=5, suppress_health_check=_SLOW_MACHINE)
"""Properties that run 1,000 operations per example."""

SEEDED = settings(deadline=None, derandomize=True, database=None,
                  suppress_health_check=[*_SLOW_MACHINE, HealthCheck.data_too_large,
                                         HealthCheck.filter_too_much])
"""The reliability scenarios: reproducible (derandomized, no example database)."""


def seeded(examples: int) -> settings:
    """`SEEDED` with a fixed number of examples."""
    return settings(SEEDED, max_examples=examples)


PILOT = settings(deadline=None, max_examples=12, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                        HealthCheck.data_too_large])
"""Properties that start a whole dashboard per example (seconds each): few examples, and no
shrinking, which would start hundreds more (the failing example is reported as found)."""


PROFILE = "meshtui"
settings.register_profile(PROFILE, DEFAULT)
