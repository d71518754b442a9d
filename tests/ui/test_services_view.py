"""The services view and `:` commands on the dashboard, against the simulated mesh over HTTP."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from meshtui.model.signals import BackendKey
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.panes.services_pane import ServicesPane
from meshtui.ui.screens.split_picker import SplitPicker
from meshtui.ui.widgets.command_line import CommandLine
from meshtui.ui.widgets.service_table import ServiceTable
from tests.ui.test_dashboard import PODINFO, SIZE, VOTING, loaded
from tests.waiting import settle


async def command(pilot, text: str) -> None:
    """Type `:` then `text`, then enter."""
    await pilot.press("colon", *[{" ": "space", "-": "minus"}.get(c, c) for c in text], "enter")


async def services_shown(pilot, app: MeshtuiApp):
    """Wait for the services table with signals, and return it."""
    table = app.screen.query_one(ServiceTable)
    await settle(pilot, lambda: len(table.rows) > 10 and any(r.rps for r in table.rows),
                 message="services with signals")
    return table


async def test_svc_lists_every_service_split_or_not(make_app: Callable[..., MeshtuiApp]) -> None:
    """`:svc` shows every service: web-svc, emoji-svc and webapp have no split and are listed
    meshed with their proxies ready and their traffic; voting-svc names its split."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        await command(pilot, "svc")
        assert screen.services.shown and app.screen.query_one(ServicesPane).display
        assert not app.screen.query_one("#main").display
        table = await services_shown(pilot, app)
        rows = {row.key: row for row in table.rows}
        for key in (BackendKey("emojivoto", "web-svc"), BackendKey("emojivoto", "emoji-svc"),
                    BackendKey("booksapp", "webapp")):
            assert rows[key].splits == () and rows[key].meshed
            assert rows[key].pods and rows[key].proxies_ready == rows[key].pods
            assert rows[key].rps
        assert rows[BackendKey("emojivoto", "voting-svc")].split_labels == ("HTTPRoute/voting-split",)
        # Service figures come through the same batched fetch as the splits'.
        assert BackendKey("emojivoto", "web-svc") in {t.key for t in screen.pipeline.targets}
        await command(pilot, "splits")
        assert not screen.services.shown and app.screen.query_one("#main").display


async def test_enter_on_a_service_opens_its_split(make_app: Callable[..., MeshtuiApp]) -> None:
    """Enter on voting-svc opens voting-split in the splits view; on web-svc, it says there is
    none; a service in two splits asks which one."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        await command(pilot, "svc")
        table = await services_shown(pilot, app)
        table.filter = "voting-svc"
        # The default mesh also mirrors voting-svc and web-svc from west; the cursor is on the first.
        await settle(pilot, lambda: [r.name for r in table.shown] == ["voting-svc", "voting-svc-west"],
                     message="filtered")
        await pilot.press("enter")
        await settle(pilot, lambda: not screen.services.shown and screen.selected == VOTING,
                     message="voting-split opened")
        await command(pilot, "svc")
        table.filter = "web-svc"
        await settle(pilot, lambda: [r.name for r in table.shown] == ["web-svc", "web-svc-west"],
                     message="filtered")
        await pilot.press("enter")
        assert screen.services.shown
        assert screen.services.shown
        two = dataclasses.replace(table.shown[0], splits=(VOTING, PODINFO),
                                  split_labels=("HTTPRoute/voting-split", "HTTPRoute/podinfo"))
        screen.services.open_splits(two)
        await settle(pilot, lambda: isinstance(app.screen, SplitPicker), message="split picker")
        await pilot.press("down", "enter")
        await settle(pilot, lambda: app.screen is screen and screen.selected == PODINFO
                     and not screen.services.shown, message="second split opened")


async def test_sorting_in_the_dashboard(make_app: Callable[..., MeshtuiApp]) -> None:
    """o sorts by the next column; by RPS the busiest service comes first, no data last."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await command(pilot, "svc")
        table = await services_shown(pilot, app)
        for _ in range(5):
            await pilot.press("o")
        assert table.sort_column == "rps" and table.descending
        figures = [r.rps for r in table.shown if r.rps is not None]
        assert figures == sorted(figures, reverse=True) and figures
        assert all(r.rps is None for r in table.shown[len(figures):])
        assert "sorted by rps ▼" in str(app.screen.query_one("#services-title").render())


async def test_ns_scopes_and_attention_filters(make_app: Callable[..., MeshtuiApp]) -> None:
    """`:ns booksapp` scopes both views, tab completes the name; `:ns all` widens again;
    `!` shows only services needing attention; an unknown namespace changes nothing."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        await command(pilot, "svc")
        table = await services_shown(pilot, app)
        await pilot.press("colon", "n", "tab", "b", "o", "tab")
        assert app.screen.query_one(CommandLine).value == "ns booksapp"
        await pilot.press("enter")
        await settle(pilot, lambda: screen.scope == "booksapp" and table.rows
                     and {r.namespace for r in table.rows} == {"booksapp"}, message="scoped")
        await command(pilot, "ns nosuch")
        assert screen.scope == "booksapp"
        await command(pilot, "ns all")
        await settle(pilot, lambda: screen.scope is None and len({r.namespace for r in table.rows}) > 1,
                     message="every namespace")
        await pilot.press("exclamation_mark")
        await settle(pilot, lambda: table.attention_only, message="attention only")
        assert all(r.attention for r in table.shown)


async def test_unknown_command_and_quit(make_app: Callable[..., MeshtuiApp]) -> None:
    """A line that is no command is refused with a notification; `:q` quits."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await command(pilot, "bogus")
        assert any("unknown command :bogus" in n.message for n in app.said)
        assert not app.screen.query_one(CommandLine).has_class("-visible")
        await command(pilot, "q")
        await settle(pilot, lambda: not app.is_running, message="app exited")


async def test_enter_on_a_split_still_opens_it(make_app: Callable[..., MeshtuiApp]) -> None:
    """The services view's own 'show this split' does not shadow the split list's Enter handler:
    Enter on a split still moves the focus to its backends."""
    from meshtui.ui.widgets.backend_table import BackendTable
    from meshtui.ui.widgets.split_list import SplitList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        screen.query_one(SplitList).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.focused, BackendTable), message="backends focused")
