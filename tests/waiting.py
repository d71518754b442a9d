"""Waiting on conditions with a bound, never on the clock alone."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.02,
             message: str = "condition") -> T:
    """Poll `predicate` until it returns something truthy and return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")
        time.sleep(interval)


async def settle(pilot: Any, until: Callable[[], T], *, timeout: float = 10.0,
                 message: str = "condition") -> T:
    """Let a Textual app run until `until()` is truthy, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = until()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)


def terminate(proc: subprocess.Popen, timeout: float = 20) -> None:
    """End `proc` with SIGTERM (so it can clean up after itself), waiting at most `timeout`
    seconds before SIGKILL."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
