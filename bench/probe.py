"""Time what reaches the screen: a hook on the app's frame output, checked against a condition.

`FrameProbe` wraps `App._display` on one app instance. Textual calls it with each composed update
(headless too, where the driver then writes nothing), so the first frame for which a condition
holds is when the change became visible.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

WAIT_TIMEOUT = 10.0
"""Bound on one wait for a frame; a sample that times out is dropped and counted."""


class FrameProbe:
    """Records the monotonic time of the first frame drawn while a condition holds.

    Args:
        app: A running Textual app (from ``run_test``).
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._inner = app._display
        self._condition: Callable[[], bool] | None = None
        self.frame_at: float | None = None
        self.timeouts = 0
        """How many waits gave up."""
        app._display = self._display

    def _display(self, screen: Any, renderable: Any) -> None:
        self._inner(screen, renderable)
        if renderable is None or self.app._batch_count or self._condition is None:
            return
        if self._condition():
            self.frame_at = time.perf_counter()
            self._condition = None

    def arm(self, condition: Callable[[], bool]) -> None:
        """Watch the next frames for `condition` (forgetting any earlier one)."""
        self.frame_at = None
        self._condition = condition

    async def wait(self, timeout: float = WAIT_TIMEOUT) -> float | None:
        """The frame time once the armed condition was drawn, or None after `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        while self.frame_at is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        if self.frame_at is None:
            self.timeouts += 1
            self._condition = None
        return self.frame_at


async def wait_until(predicate: Callable[[], Any], timeout: float = 60.0, message: str = "") -> Any:
    """Let the event loop (and the app in it) run until `predicate()` is truthy; bounded.

    Raises:
        TimeoutError: After `timeout` seconds, naming `message`.
    """
    deadline = time.perf_counter() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {message or 'a condition'}")
        await asyncio.sleep(0.005)
