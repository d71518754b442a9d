"""Hypothesis settings for the model tests: no per-example deadline (CI machines are shared and slow)."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

QUICK = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
"""Cheap properties: enough examples to find rounding edge cases."""

FUZZ = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
"""Fuzzing parse_split with arbitrary object shapes."""

LONG_RUNS = settings(deadline=None, max_examples=5, suppress_health_check=[HealthCheck.too_slow])
"""Properties that run 1,000 operations per example."""

PILOT = settings(deadline=None, max_examples=12, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                        HealthCheck.data_too_large])
"""Properties that start a whole dashboard per example (seconds each): few examples, and no
shrinking, which would start hundreds more (the failing example is reported as found)."""
