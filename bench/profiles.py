"""Run sizes: ``smoke`` (tiny, for the test suite), ``quick`` (under a minute), ``full``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """How big and how many: every knob of one run.

    Attributes:
        name: ``smoke``, ``quick`` or ``full``.
        namespaces: Namespaces of the scale scenario.
        services: Services of the scale scenario.
        splits: Splits of the scale scenario (the goals are stated at 1,000 / 3,000).
        launch_samples: Launches of the app (each paired with a kubectl run), besides the one
            that also measures idle CPU.
        get_samples: ``meshtui get splits -A`` runs (each paired with a kubectl run).
        idle_seconds: Length of the idle CPU interval.
        change_samples: kubectl patches timed to the screen.
        write_samples: Weight writes timed to the API server.
        filter_rows: Rows in the navigator for the filter measure.
        filter_samples: Filter keystrokes timed.
        refresh_samples: Metrics refreshes timed to the screen.
        refresh_backends: Backends in view for the refresh measure.
        query_sizes: Backend counts at which queries per refresh are counted.
        large_splits: Splits of the larger scenario (three services each) whose peak RSS is
            reported next to `splits`' in ``peak_rss_mb``'s ``by_size``; 0 for none.
        key_samples: Key presses timed to the screen in each Prometheus mode (`key_to_frame_ms`).
    """

    name: str
    namespaces: int
    services: int
    splits: int
    launch_samples: int
    get_samples: int
    idle_seconds: float
    change_samples: int
    write_samples: int
    filter_rows: int
    filter_samples: int
    refresh_samples: int
    refresh_backends: int
    query_sizes: tuple[int, ...]
    large_splits: int = 0
    key_samples: int = 16
    fill_window: bool = True
    """Measure idle CPU only once Prometheus holds a full metrics window (not in smoke)."""


PROFILES = {
    "smoke": Profile("smoke", 4, 120, 40, 1, 1, 1.0, 3, 3, 200, 6, 3, 20, (1, 10, 100),
                     large_splits=80, key_samples=3, fill_window=False),
    "quick": Profile("quick", 20, 3000, 1000, 2, 3, 4.0, 8, 15, 5000, 14, 8, 100, (1, 10, 100, 1000),
                     large_splits=5000),
    "full": Profile("full", 20, 3000, 1000, 6, 7, 20.0, 40, 60, 5000, 56, 30, 100,
                    (1, 10, 100, 1000, 3000), large_splits=5000, key_samples=60),
}
"""The profiles by name."""
