"""The one way a span of time is written."""

from __future__ import annotations

import pytest

from meshtui.model.durations import format_duration


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (-5, "0s"), (0.0001, "0s"), (0.5, "500ms"), (0.9996, "1s"), (1, "1s"), (45, "45s"),
    (60, "1m"), (62, "1m2s"), (90, "1m30s"), (150, "2m30s"), (600, "10m"), (725, "12m5s"),
    (3600, "1h"), (3661, "1h1m1s"), (5400, "1h30m"), (7200, "2h"),
])
def test_format_duration(seconds: float, text: str) -> None:
    """Exact to the second in the largest units; milliseconds under a second; never negative."""
    assert format_duration(seconds) == text
