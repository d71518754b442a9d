"""Reads a plan file for `rollout start` and the dashboard's start dialog, bounded.

The path is typed by the operator, but what it names need not be a plan: /dev/zero never ends (it
filled memory until MemoryError), a FIFO blocks the open forever, and a binary file is no text.
"""

from __future__ import annotations

import os
import stat

from meshtui.model.plan import PlanError

__all__ = ["MAX_PLAN_FILE", "read_plan_text"]

MAX_PLAN_FILE = 1024 * 1024
"""The largest plan file read, in bytes: a plan of the most steps of the longest kind is ~30 KiB."""


def read_plan_text(path: str) -> str:
    """The text of the plan file at `path` (``~`` expanded).

    Raises:
        PlanError: The path is not a regular file, is larger than `MAX_PLAN_FILE`, cannot be read
            or is not UTF-8.
    """
    location = os.path.expanduser(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
        fd = os.open(location, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except OSError:
            os.close(fd)
            raise
        if not regular:
            os.close(fd)
            raise PlanError("not a regular file", source=path)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_PLAN_FILE + 1)
    except OSError as error:
        raise PlanError(f"cannot read ({error.strerror or type(error).__name__})",
                        source=path) from None
    if len(data) > MAX_PLAN_FILE:
        raise PlanError(f"larger than {MAX_PLAN_FILE // 1024} KiB: not a plan", source=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError("not UTF-8 text", source=path) from None
