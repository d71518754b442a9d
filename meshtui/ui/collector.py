"""The garbage collector paced by the app, so that no collection lands between a key and its frame.

Python collects whenever allocations outnumber deallocations by 700, in whichever thread is
allocating: mostly the metrics workers decoding Prometheus's answers (hundreds of thousands of
objects for a large one). A collection holds the GIL, so the UI thread waited for it, at random,
mid-keystroke. Once the first lists are in (and frozen out of the scans), automatic collection is
turned off and the app collects on a timer instead: the young generations every second (a few
milliseconds: what survives a second is small) and everything once a minute. Memory held by
cyclic garbage lasts at most that long; everything else is freed as it always is, by reference
counting.
"""

from __future__ import annotations

import gc
from typing import Any

YOUNG_EVERY = 1.0
"""Seconds between two collections of the young generations."""
FULL_EVERY = 60
"""Young collections between two full ones."""


class PacedCollector:
    """Freezes what is loaded and takes the collector's timing over, for a process the app owns.

    Args:
        app: The app whose timers run the collections.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._timer: Any = None
        self._ticks = 0
        self._was_enabled = gc.isenabled()

    @property
    def active(self) -> bool:
        """Whether the app collects (and automatic collection is off)."""
        return self._timer is not None

    def start(self) -> None:
        """Freeze everything alive now (loaded to stay) and collect on the app's timer from now on."""
        gc.freeze()
        if self._timer is None:
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._timer = self.app.set_interval(YOUNG_EVERY, self.collect, name="collector")

    def collect(self) -> None:
        """One paced collection: the young generations, and every `FULL_EVERY`-th time all."""
        self._ticks += 1
        gc.collect(2 if self._ticks % FULL_EVERY == 0 else 1)

    def stop(self) -> None:
        """Give collection back to Python (the app is closing)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            if self._was_enabled:
                gc.enable()
