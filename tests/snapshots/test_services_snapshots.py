"""The services view (`:svc`) of the default mesh at an explicit size, over a frozen mesh.

Regenerate deliberately with ``pytest tests/snapshots/test_services_snapshots.py --snapshot-update``
and review the SVG.
"""

from __future__ import annotations

from meshtui.ui.widgets.service_table import ServiceTable
from tests.snapshots.test_dashboard_snapshots import ready
from tests.waiting import settle

SIZE = (140, 30)


def test_services_view(snap_compare, snapshot_app) -> None:
    """Every service of the default mesh, split or not, with its meshed state, proxies, figures
    and splits (apexes carry no traffic of their own: it is counted at their backends)."""
    app, _ = snapshot_app()

    async def run_before(pilot) -> None:
        screen = await ready(pilot, 4, charts=None)
        await pilot.press("colon", *"svc", "enter")
        table = screen.query_one(ServiceTable)
        await settle(pilot, lambda: screen.pipeline.idle and len(table.rows) == 19
                     and sum(1 for r in table.rows if r.rps) >= 12, timeout=20,
                     message="services with figures")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
