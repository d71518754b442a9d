"""The canary has its own colour, far from the warning amber, wherever a split is drawn."""

from __future__ import annotations

from rich.color import Color as RichColor
from textual.color import Color

from meshtui.ui.widgets import BackendTable, SplitList, WeightBar
from meshtui.ui.widgets._styles import component_fg
from tests.ui.widgets.harness import WidgetApp, row
from tests.ui.widgets.test_detail_widgets import CANARY
from tests.waiting import settle

# Far enough apart in RGB to read as different hues at a glance (accent vs warning is about 26).
DISTINCT = 100


def rgb(color: RichColor | None) -> tuple[int, int, int]:
    """The RGB triplet of a Rich colour."""
    assert color is not None
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Euclidean distance between two RGB colours."""
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def theme_rgb(app: WidgetApp, variable: str) -> tuple[int, int, int]:
    """A theme variable's colour."""
    return Color.parse(app.theme_variables[variable]).rgb


async def test_twenty_eighty_bar_shows_two_colours_and_canary_is_not_amber() -> None:
    """A 20/80 WeightBar: stable and canary cells in two colours; the canary is `$secondary`."""
    app = WidgetApp(lambda: [WeightBar((20.0, 80.0))])
    async with app.run_test(size=(40, 3)) as pilot:
        bar = app.query_one(WeightBar)
        await settle(pilot, until=lambda: bar.size.width == 40)
        text = bar.render()
        colours = [rgb(span.style.color) for span in text.spans if "█" in text.plain[span.start:span.end]]
        assert len(set(colours)) == 2, colours
        stable, canary = colours[0], colours[-1]
        assert stable == theme_rgb(app, "primary")
        assert canary == theme_rgb(app, "secondary")
        assert distance(canary, theme_rgb(app, "warning")) > DISTINCT
        # Blue against lavender: apart in hue, if less than from the amber (the theme owns the hues).
        assert distance(canary, stable) > 60


async def test_split_list_and_table_use_the_same_canary_colour() -> None:
    """The navigator's bar and the table's canary role share the bar's canary colour."""
    app = WidgetApp(lambda: [SplitList([row("shop", "web", percents=(20.0, 80.0))]), BackendTable(),
                             WeightBar((20.0, 80.0))])
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(BackendTable)
        table.set_rows([CANARY])
        await settle(pilot, until=lambda: table.row_count == 1)
        bar_canary = rgb(component_fg(app.query_one(WeightBar), "weight-bar--segment-2").color)
        list_canary = rgb(component_fg(app.query_one(SplitList), "split-list--canary").color)
        role = table.get_row_at(0)[1]
        assert role.plain == "canary"
        assert rgb(role.style.color) == list_canary == bar_canary
        assert distance(bar_canary, theme_rgb(app, "warning")) > DISTINCT
        warn = rgb(component_fg(table, "backend-table--warn").color)
        assert distance(bar_canary, warn) > DISTINCT


async def test_split_list_bar_follows_roles_not_positions() -> None:
    """With roles given, a canary listed first is still drawn in the canary colour."""
    rows = [row("shop", "books", percents=(20.0, 80.0), roles=("canary", "stable")),
            row("shop", "web", percents=(20.0, 80.0))]
    app = WidgetApp(lambda: [SplitList(rows)])
    async with app.run_test(size=(100, 6)) as pilot:
        split_list = app.query_one(SplitList)
        await settle(pilot, until=lambda: split_list.visible_count == 2)
        canary = rgb(component_fg(split_list, "split-list--canary").color)
        stable = rgb(component_fg(split_list, "split-list--stable").color)

        def bar_colours(y: int) -> list[tuple[int, int, int]]:
            return [rgb(s.style.color) for s in split_list.render_line(y) if "█" in s.text]

        books, web = bar_colours(1), bar_colours(2)
        assert books[0] == canary and books[-1] == stable
        assert web[0] == stable and web[-1] == canary  # no roles: the first backend is stable
