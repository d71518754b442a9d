"""A picture of the dashboard showing a hostile split: every string as written, nothing obeyed.

The split carries the payloads of issue 10: a service that was a clickable screenshot action,
backends named with markup, a stray `[/]`, terminal escapes, a fake "safe to promote" banner
and a 100,000-character name. The picture shows them escaped and cut, with the controls in place.
"""

from __future__ import annotations

from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.backend_table import BackendTable
from tests.snapshots.conftest import healthy_document
from tests.snapshots.test_dashboard_snapshots import SIZE, ready
from tests.ui.hostile import trafficsplit
from tests.waiting import settle

SERVICE = "[@click=app.screenshot('victim.conf','/some/dir')]see runbook[/]"
BACKENDS = ["[red]stable[/red]", "svc[/]", "\x1b[2J\x1b]0;pwned\x07clear",
            "\x1b[5mROLLOUT HEALTHY - SAFE TO PROMOTE\x1b[0m", "[@click=app.quit]quit[/]",
            "long-" + "x" * 100_000 + "-end"]


def test_hostile_split(snap_compare, snapshot_app) -> None:
    """The hostile split selected: title, table, sliders, checks and the navigator all literal."""
    app, mesh = snapshot_app(healthy_document())
    mesh.store.create(trafficsplit("aaa-hostile", SERVICE, BACKENDS))

    async def run_before(pilot) -> None:
        screen: DashboardScreen = await ready(pilot, 5, charts=None)
        split = next(s for s in screen.state.splits() if s.name == "aaa-hostile")
        screen.select_split(split.ref)
        table = screen.query_one(BackendTable)
        await settle(pilot, lambda: table.row_count == len(BACKENDS) and screen.pipeline.idle,
                     timeout=20, message="the hostile split shown")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
