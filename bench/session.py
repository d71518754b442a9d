"""The real `MeshtuiApp` run headless in this process, with a frame probe, for interactive measures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bench.probe import FrameProbe, wait_until

SIZE = (160, 50)
"""Terminal size of every in-process session."""


@asynccontextmanager
async def app_session(mesh_client: Any, metrics: Any, *, expect: int, refresh: float = 5.0,
                      live: bool = True, writer: Any = None
                      ) -> AsyncIterator[tuple[Any, Any, FrameProbe]]:
    """Run the app until its navigator lists `expect` splits; yields (app, pilot, probe).

    `writer` (a `ClusterWriter`) turns the traffic-control keys on.
    """
    from meshtui.ui.app import MeshtuiApp
    from meshtui.ui.config import Settings

    # owns_process as `meshtui` runs: the collector then also skips the emulator this process
    # hosts, which a real meshtui process does not have to scan at all.
    app = MeshtuiApp(mesh_client, metrics, Settings(refresh=refresh), live=live, writer=writer,
                     owns_process=True)
    async with app.run_test(size=SIZE) as pilot:
        probe = FrameProbe(app)
        await wait_until(lambda: _listed(app) >= expect, message=f"{expect} splits listed")
        yield app, pilot, probe


def _listed(app: Any) -> int:
    try:
        return len(app.dashboard.split_list.rows)
    except Exception:  # noqa: BLE001 - the screen is not mounted yet
        return 0


def row_percents(app: Any, ref: Any) -> tuple[float, ...] | None:
    """The weights the navigator shows for `ref`, or None when it has no such row."""
    for row in app.dashboard.split_list.rows:
        if row.ref == ref:
            return tuple(row.percents)
    return None
