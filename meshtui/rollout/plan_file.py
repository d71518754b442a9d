"""Reads a plan file for `rollout start` and the dashboard's start dialog, bounded.

The path is typed by the operator, but what it names need not be a plan: /dev/zero never ends (it
filled memory until MemoryError), a FIFO blocks the open forever, and a binary file is no text.
A name that is no file, such as ``canary-basic`` or ``canary-basic.yaml``, names a plan shipped
with meshtui, so the plans' own comments work from any directory.
"""

from __future__ import annotations

import os
import stat
from importlib import resources
from pathlib import Path

from meshtui.model.plan import PlanError

__all__ = ["MAX_PLAN_FILE", "read_plan_text", "resolve_plan_path", "shipped_plans"]

MAX_PLAN_FILE = 1024 * 1024
"""The largest plan file read, in bytes: a plan of the most steps of the longest kind is ~30 KiB."""


PLAN_SUFFIX = ".yaml"


def shipped_plan_dir() -> Path:
    """The folder of the plans shipped in the package (``meshtui/sim/plans``), wherever it is
    installed; read as files, so neither the UI nor the runner imports the simulator."""
    return Path(str(resources.files("meshtui").joinpath("sim", "plans")))


def shipped_plans() -> list[Path]:
    """The shipped plan files, sorted by name."""
    folder = shipped_plan_dir()
    return sorted(folder.glob(f"*{PLAN_SUFFIX}")) if folder.is_dir() else []


def resolve_plan_path(path: str) -> str:
    """`path` itself when something is there, else the shipped plan a bare name names
    (``canary-basic`` or ``canary-basic.yaml``), else `path` unchanged (its read then fails)."""
    location = os.path.expanduser(path)
    if os.path.lexists(location) or os.sep in path or (os.altsep and os.altsep in path):
        return location
    name = path if path.endswith(PLAN_SUFFIX) else path + PLAN_SUFFIX
    shipped = {plan.name: plan for plan in shipped_plans()}
    return str(shipped[name]) if name in shipped else location


def read_plan_text(path: str) -> str:
    """The text of the plan file at `path` (``~`` expanded), or of the shipped plan a bare name
    names (`resolve_plan_path`).

    Raises:
        PlanError: The path is not a regular file, is larger than `MAX_PLAN_FILE`, cannot be read
            or is not UTF-8.
    """
    location = resolve_plan_path(path)
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
