"""Hostile strings from the cluster, drawn by the real dashboard: literal, escaped, bounded, inert.

Each example creates a TrafficSplit or HTTPRoute in the API emulator, starts the dashboard on
it, opens it and inspects what reached the screen: no exception, the data's text on screen as
it is (control characters escaped), no control byte in any line, and no link or click action
in any segment's style.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from dataclasses import replace
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.command import CommandPalette
from textual.widgets import Input, Static

from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import ANNOTATION, HistoryEntry
from meshtui.model.text import visible
from meshtui.rollout import commands
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.control.confirmation import ConfirmOption, Confirmation
from meshtui.ui.control.plans import shipped_plans
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.screens.namespace_picker import NamespacePicker
from meshtui.ui.screens.percent_prompt import PercentPrompt
from meshtui.ui.widgets.backend_table import BackendTable
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from meshtui.ui.widgets.weight_slider import LABEL_WIDTH, WeightSlider
from tests.model.hypothesis_settings import PILOT
from tests.reliability import figures
from tests.ui.control_helpers import dialog
from tests.ui.hostile import (
    CONTROL,
    FRAGMENTS,
    HOSTILE,
    harmful_segments,
    httproute,
    plain_prefix,
    screen_lines,
    screen_strips,
    trafficsplit,
)
from tests.ui.widgets.harness import WidgetApp
from tests.waiting import settle

SIZE = (140, 40)
MakeApp = Callable[..., MeshtuiApp]
ROWS = 4
"""Splits of the default scenario."""
_names = itertools.count()
DRAWN: Counter[str] = Counter()
"""What the tests below drew and found inert, for docs/reliability.md."""
_BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
LONG = "[@click=app.quit]" + "\x1b[2J" + "y" * 99_989
"""A 100,000-character name with markup and an escape at its start."""


def teardown_module() -> None:
    """Record what was drawn."""
    figures.record("hostile_strings", **DRAWN)


def note_drawn(test: str, strings: list[str], backends: int, rules: int = 1) -> None:
    """Count one example that passed every check, and the kinds of payload it carried."""
    DRAWN[f"examples {test}"] += 1
    DRAWN["strings"] += len(strings)
    for kind, found in (("markup", lambda t: "[" in t or "]" in t),
                        ("click or link markup", lambda t: "[@click" in t or "[link" in t),
                        ("terminal escapes", lambda t: CONTROL.search(t) is not None),
                        ("bidi or zero-width", lambda t: _BIDI.search(t) is not None),
                        ("100,000 characters", lambda t: len(t) >= 100_000)):
        DRAWN[f"payload {kind}"] += sum(1 for t in strings if found(t))
    DRAWN["max backends"] = max(DRAWN["max backends"], backends)
    DRAWN["max rules"] = max(DRAWN["max rules"], rules)


def head(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` cells and characters (the dashboard caps
    zero-width characters too, so a title of a million of them shows only a cut start)."""
    out, used = "", 0
    for char in text:
        used += cell_len(char)
        if used > cells or len(out) >= cells:
            break
        out += char
    return out


def shown_as_cut(cell: str, value: str) -> bool:
    """Whether `cell` is `value` escaped, or pieces of it around an ellipsis."""
    expected = visible(value)
    if "…" not in cell:
        return cell == expected
    pieces = [piece for piece in cell.split("…") if piece]
    return expected.startswith(cell.split("…")[0]) and all(piece in expected for piece in pieces)


async def open_split(pilot: Any, app: MeshtuiApp, name: str) -> DashboardScreen:
    """Wait for the split named `name` to be listed, then show it in the detail pane."""
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.initial_load_done
                 and any(row.name == name for row in app.screen.query_one(SplitList).rows),
                 timeout=30, message=f"{name} listed")
    screen = app.dashboard
    split = next(s for s in screen.state.splits() if s.name == name)
    screen.select_split(split.ref)
    title = screen.query_one("#detail-title", Static)
    await settle(pilot, lambda: name in str(getattr(title.content, "plain", title.content)),
                 timeout=10, message=f"{name} shown")
    await pilot.pause()
    return screen


def assert_inert(app: MeshtuiApp) -> list[str]:
    """No control byte, link or click action anywhere on screen; returns the screen's lines."""
    strips = screen_strips(app)
    harmful = harmful_segments(strips)
    assert not harmful, harmful[:3]
    return screen_lines(strips)


def run_dashboard(mesh: SimulatedMesh, make_app: MakeApp, obj: dict[str, Any],
                  check: Callable[[DashboardScreen, list[str]], None]) -> None:
    """Create `obj`, open it in a fresh dashboard, run `check`, and remove it again."""
    mesh.store.create(obj)
    try:
        app = make_app()

        async def scenario() -> None:
            async with app.run_test(size=SIZE) as pilot:
                screen = await open_split(pilot, app, obj["metadata"]["name"])
                check(screen, assert_inert(app))
                assert app.is_running

        asyncio.run(scenario())
    finally:
        mesh.store.delete(obj["apiVersion"], obj["kind"], "booksapp", obj["metadata"]["name"])


def check_backends(screen: DashboardScreen) -> None:
    """Every backend row shows its name escaped (or cut around an ellipsis), never parsed.

    The names are the model's (it drops a backend without a name, and says so as a problem).
    """
    split = screen.state.split(screen.selected)
    table = screen.query_one(BackendTable)
    cells = [str(table.get_cell_at((row, 0))) for row in range(table.row_count)]
    assert len(cells) == len(split.backends) > 0
    for cell, backend in zip(cells, split.backends):
        assert shown_as_cut(cell, backend.name), (cell, backend.name[:80])


def check_controls_in_place(screen: DashboardScreen, lines: list[str]) -> None:
    """However long the names, the title is one line, the table's numbers and each slider's track
    and value are on screen."""
    assert screen.query_one("#detail-title", Static).outer_size.height == 2
    header = next(line for line in lines if "BACKEND" in line)
    assert "WEIGHT" in header and "OBSERVED" in header, header
    for slider in screen.query(WeightSlider):
        drawn = slider.render()
        assert drawn.cell_len <= max(slider.size.width, LABEL_WIDTH + 30)
        assert drawn.plain.rstrip().endswith("%") and ("─" in drawn.plain or "━" in drawn.plain)


@PILOT
@given(service=HOSTILE, first=HOSTILE, others=st.lists(FRAGMENTS, max_size=63))
@example(service=LONG, first=LONG, others=[f"b{i}[/]\x1b]0;x\x07\u202e" for i in range(63)])
def test_a_hostile_trafficsplit_is_drawn_literally(mesh: SimulatedMesh, make_app: MakeApp,
                                                   service: str, first: str, others: list[str]) -> None:
    """Markup, escapes, bidi and zero-width characters and 100,000-character names, up to 64
    backends: the title shows the service as written, each backend row its name, nothing acts."""
    name = f"hostile-{next(_names)}"
    backends = [first, *others]

    def check(screen: DashboardScreen, lines: list[str]) -> None:
        title = screen.query_one("#detail-title", Static).content
        assert isinstance(title, Text)
        assert head(visible(service), 40) in title.plain
        prefix = plain_prefix(visible(service))
        assert not prefix.strip() or any(f"→ {prefix}" in line for line in lines), prefix
        check_backends(screen)
        check_controls_in_place(screen, lines)
        note_drawn("trafficsplit", [service, *backends], len(backends))

    run_dashboard(mesh, make_app, trafficsplit(name, service, backends), check)


@PILOT
@given(parent=HOSTILE,
       rules=st.lists(st.lists(FRAGMENTS, min_size=2, max_size=2), min_size=1, max_size=16))
@example(parent=LONG, rules=[[f"a{i}[@click=app.quit]", f"b{i}\x1b[5m"] for i in range(16)])
def test_a_hostile_httproute_of_many_rules_is_drawn(mesh: SimulatedMesh, make_app: MakeApp,
                                                    parent: str, rules: list[list[str]]) -> None:
    """Up to 16 rules of 2 backendRefs (a valid Gateway API object) with hostile names draw."""
    name = f"route-{next(_names)}"

    def check(screen: DashboardScreen, lines: list[str]) -> None:
        assert head(visible(parent), 40) in screen.query_one("#detail-title", Static).content.plain
        check_backends(screen)
        names = [backend for rule in rules for backend in rule]
        note_drawn("httproute", [parent, *names], len(names), len(rules))

    run_dashboard(mesh, make_app, httproute(name, parent, rules), check)


CLICK = "[@click=app.screenshot('victim.conf','/tmp')]see runbook[/]"
"""The payload that overwrote a file on the operator's machine with one click."""


async def test_the_reported_payloads_are_shown_not_obeyed(mesh: SimulatedMesh, make_app: MakeApp,
                                                         tmp_path: Path) -> None:
    """The issue's objects: a clickable service, `[@click=app.quit]`, `[red]stable[/red]` and `svc[/]`
    are shown as written; a click on the "link" writes no file; the app keeps running."""
    click = f"[@click=app.screenshot('victim.conf','{tmp_path}')]see runbook[/]"
    backends = ["[red]stable[/red]", "svc[/]", "[@click=app.quit]q"]
    mesh.store.create(trafficsplit("aaa-click", click, backends))
    mesh.store.create(httproute("aaa-route", "svc[/]", [["svc[/]", "b\x1b]0;pwned\x07"]]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, "aaa-click")
        lines = assert_inert(app)
        assert any("→ [@click=app.screenshot('victim.conf'," in line for line in lines)
        assert any("[red]stable[/red]" in line for line in lines)
        for x in range(36, 76, 4):
            await pilot.click("#detail-title", offset=(x, 0))
        await pilot.pause()
        assert app.is_running and not (tmp_path / "victim.conf").exists()
        await open_split(pilot, app, "aaa-route")
        lines = assert_inert(app)
        assert any("b\\x1b]0;pwned\\x07" in line for line in lines)
        assert any("→ svc[/]" in line for line in lines)
    DRAWN["fixed cases"] += 1


async def test_notifications_are_literal(make_app: MakeApp) -> None:
    """`notify` parses markup by default: the app's notifications never do."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="dashboard")
        app.notify("[@click=app.quit]q[/] \x1b[2J", title="[b]t[/b]")
        said = app.said[-1]
        assert (said.message, said.title, said.markup) == ("[@click=app.quit]q[/] \\x1b[2J", "[b]t[/b]",
                                                           False)
        await settle(pilot, lambda: any("[@click=app.quit]q[/]" in line
                                        for line in screen_lines(screen_strips(app))),
                     message="the toast")
        lines = assert_inert(app)
        assert any("[@click=app.quit]q[/] \\x1b[2J" in line for line in lines)
        assert any("[b]t[/b]" in line for line in lines)
    DRAWN["fixed cases"] += 1


async def test_dialogs_and_prompts_show_names_literally(make_app: MakeApp) -> None:
    """Confirmation titles, lines, warnings and the typed name, and the `=` prompt's title and
    error, are drawn as written; `[/]` typed at the prompt is refused, not a crash."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="dashboard")
        confirmation = Confirmation(title=f"Apply weights to {CLICK}", lines=("svc[/]  10% → 20%",),
                                    warnings=("[@click=app.quit]owned\x1b[5m",), typed="svc[/]",
                                    options=(ConfirmOption("full", "[b]x[/b]", "f"),))
        await app.push_screen(ConfirmDialog(confirmation))
        await dialog(pilot, app)
        typed = app.screen.query_one("#typed", Input)
        typed.value = "wrong"
        await typed.action_submit()
        await pilot.pause()
        lines = assert_inert(app)
        for text in (f"Apply weights to {CLICK}", "svc[/]  10% → 20%",
                     "[@click=app.quit]owned\\x1b[5m",
                     "Type svc[/] and press enter", "Type 'svc[/]' exactly", "[b]x[/b] (f)"):
            assert any(text in line for line in lines), text
        await pilot.press("escape")
        await app.push_screen(PercentPrompt("[red]stable[/red]\x1b[2J", 10))
        await pilot.pause()
        await pilot.press("[", "/", "]", "enter")
        await pilot.pause()
        lines = assert_inert(app)
        assert any("Set [red]stable[/red]\\x1b[2J" in line for line in lines)
        assert any("nothing changed" in line for line in lines)
        assert app.is_running
    DRAWN["fixed cases"] += 1


ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[5mROLLOUT HEALTHY - SAFE TO PROMOTE\x1b[0m [/]"
"""A status message that cleared the screen, set the title and blinked a fake verdict."""


async def test_owner_and_plan_messages_are_escaped(mesh: SimulatedMesh, make_app: MakeApp) -> None:
    """A Rollout's pause reasons (its message), and a plan's message and check detail, are shown
    with their escapes visible and their markup as written."""
    rollout = mesh.store.get("argoproj.io/v1alpha1", "Rollout", "booksapp", "books")
    # Argo's phase is computed; a pause condition's reason is shown as the Rollout's message.
    rollout["status"]["pauseConditions"] = [{"reason": ESCAPES, "startTime": "2026-01-01T00:00:00Z"},
                                            {"reason": "[@click=app.quit]Paused[/]"}]
    mesh.store.update(rollout, subresource="status")
    path = next(p for p in shipped_plans() if p.name == "canary-approval.yaml")
    plan = parse_plan(path.read_text(), source=str(path))
    state = commands.start(plan, canary="authors-v2", stable="authors", weight=25, now=mesh.traffic.now,
                           by="[b]eve\x1b[2J").state
    state = replace(state, message=ESCAPES, history=state.history + (
        HistoryEntry(mesh.traffic.now, "check", 0, "fail", f"detail {ESCAPES}", None, "runner\x9b31m"),))
    split = mesh.store.get("split.smi-spec.io/v1alpha1", "TrafficSplit", "booksapp", "authors-split")
    split["metadata"].setdefault("annotations", {})[ANNOTATION] = state.to_annotation()
    mesh.store.update(split)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, "books")
        await settle(pilot, lambda: any("\\x1b[2J" in line for line in screen_lines(screen_strips(app))),
                     message="the Rollout's message")
        lines = assert_inert(app)
        assert any("[@click=app.quit]Paused[/]" in line for line in lines)
        assert any("\\x1b[5mROLLOUT HEALTHY - SAFE TO PROMOTE\\x1b[0m [/]" in line for line in lines)
        await open_split(pilot, app, "authors-split")
        await settle(pilot, lambda: any("detail \\x1b[2J" in line
                                        for line in screen_lines(screen_strips(app))),
                     message="the plan's check")
        lines = assert_inert(app)
        assert sum("\\x1b]0;pwned\\x07" in line for line in lines) >= 2
    DRAWN["fixed cases"] += 1


async def test_palette_entries_are_literal(mesh: SimulatedMesh, make_app: MakeApp) -> None:
    """The palette lists a split whose service is `svc[/]` (its help was parsed as markup)."""
    mesh.store.create(trafficsplit("aaa-palette", "svc[/] [@click=app.quit]x \x1b[2J", ["a", "b"]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, "aaa-palette")
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: isinstance(app.screen, CommandPalette), message="the palette")
        await pilot.press(*"aaa-palette")
        await settle(pilot, lambda: any("svc[/] [@click=app.quit]x \\x1b[2J" in line
                                        for line in screen_lines(screen_strips(app))), message="the hit")
        assert_inert(app)
        assert app.is_running
    DRAWN["fixed cases"] += 1


async def test_namespace_picker_and_status_bar_are_literal() -> None:
    """Namespace names and the kube context (from a file) are drawn as written."""
    app = WidgetApp(lambda: [StatusBar()])
    async with app.run_test(size=(120, 12)) as pilot:
        bar = app.query_one(StatusBar)
        bar.context = "[b]prod[/b]\x1b]0;pwned\x07"
        bar.scope = "[@click=app.quit]ns[/]"
        await pilot.pause()
        lines = assert_inert(app)
        assert "[b]prod[/b]\\x1b]0;pwned\\x07" in lines[0] and "[@click=app.quit]ns[/]" in lines[0]
        await app.push_screen(NamespacePicker(["[red]ns[/red]", "a\x1b[2J", "x[/]"], current=None))
        await pilot.pause()
        lines = assert_inert(app)
        for name in ("[red]ns[/red]", "a\\x1b[2J", "x[/]"):
            assert any(name in line for line in lines), name
    DRAWN["fixed cases"] += 1


def test_a_long_backend_name_keeps_the_confirmed_percentages_in_the_weights_dialog() -> None:
    # A 100,000-character backend name filled the Apply dialog and its "50% → 45%" was cut off:
    # the operator confirmed a change the dialog no longer showed.
    from meshtui.model.split import SplitRef
    from meshtui.ui.control.confirmation import weight_lines
    from meshtui.ui.control.pending import PendingChange

    names = ("x" * 100_000, "plain", "\x1b[2J\u202estable")
    change = PendingChange(SplitRef("TrafficSplit", "split.smi-spec.io", "ns", "s"), 0, names, (50, 50, 0),
                           (45, 55, 0))
    lines = weight_lines(change)
    assert [line.split()[-4:] for line in lines] == [
        ["50%", "→", "45%", "(-5)"], ["50%", "→", "55%", "(+5)"], ["0%", "→", "0%", "(unchanged)"]]
    assert len({line.index("%") for line in lines}) == 1
    assert all(cell_len(line) <= 80 and visible(line) == line for line in lines)
