"""How young a backend's series are: the figure an analysis check waits on before judging.

Only a source that answers PromQL (`PromQLSource`, e.g. `PrometheusSource`) can tell; the
simulator's source counts every request from the first, so it has nothing to wait for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from meshtui.metrics import promql
from meshtui.metrics.aggregate import Sample
from meshtui.metrics.prometheus import _scope, _valid
from meshtui.metrics.source import BackendTarget, MetricsError

__all__ = ["PromQLSource", "young_series_samples"]


@runtime_checkable
class PromQLSource(Protocol):
    """A metrics source that runs instant PromQL queries."""

    def query(self, query: str, at: float | None = None) -> list[Sample]:
        """Run one instant query and decode its vector.

        Raises:
            MetricsError: On any failure.
        """
        ...


def young_series_samples(source: PromQLSource, targets: Sequence[BackendTarget],
                         window: str) -> int | None:
    """Of the targets' kinds of response first seen inside `window`, the fewest samples the
    oldest live series of one has there (`promql.young_series_samples`); None when every kind
    was there at the window's start, or no target has a valid name.

    Raises:
        MetricsError: When Prometheus cannot answer or `window` is not a known window.
    """
    try:
        rng = promql.validate_window(window)
    except promql.InvalidWindow as exc:
        raise MetricsError(str(exc)) from None
    valid = _valid(targets)
    if not valid:
        return None
    samples = source.query(promql.young_series_samples(_scope(valid), rng))
    counts = [value for _, value in samples
              if value is not None and math.isfinite(value) and value >= 0]
    # A count is a whole number of samples; anything larger than any window holds is as good as old.
    return int(min(min(counts), 1_000_000)) if counts else None
