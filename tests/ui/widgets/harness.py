"""Small apps hosting one widget each, and sample data, for the widget tests and snapshots."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from meshtui.model.split import SplitRef
from meshtui.ui.themes import MESHTUI_THEME
from meshtui.ui.widgets.split_list import SplitList

T0 = 1_700_000_000.0
"""A fixed clock for chart data, so snapshots never depend on the time of the run."""


class WidgetApp(App[None]):
    """Hosts the widgets made by `factory` and records every message they post.

    It uses meshtui's own theme so snapshots show the widgets as the dashboard does.
    """

    CSS = "Screen { layout: vertical; }"

    def __init__(self, factory: Callable[[], Sequence[Widget]], setup: Callable[[WidgetApp], None] | None = None):
        """Create the app.

        Args:
            factory: Builds the widgets to mount.
            setup: Called once mounted, to feed the widgets data.
        """
        super().__init__()
        self._factory = factory
        self._setup = setup
        self.messages: list[Message] = []
        """Messages posted by the hosted widgets, in order."""

    def on_load(self) -> None:
        """Switch to meshtui's theme before anything is drawn."""
        self.register_theme(MESHTUI_THEME)
        self.theme = MESHTUI_THEME.name

    def compose(self) -> ComposeResult:
        """Mount the widgets under test."""
        yield from self._factory()

    def on_mount(self) -> None:
        """Feed the widgets."""
        if self._setup is not None:
            self._setup(self)

    def on_split_list_split_highlighted(self, message: SplitList.SplitHighlighted) -> None:
        """Record highlights."""
        self.messages.append(message)

    def on_split_list_split_selected(self, message: SplitList.SplitSelected) -> None:
        """Record selections."""
        self.messages.append(message)


def ref(namespace: str, name: str, kind: str = "trafficsplit") -> SplitRef:
    """A split reference."""
    group = "split.smi-spec.io" if kind == "trafficsplit" else "gateway.networking.k8s.io"
    return SplitRef(kind=kind, group=group, namespace=namespace, name=name)


def row(namespace: str, name: str, **overrides: Any) -> SplitList.Row:
    """A navigator row with sensible defaults."""
    values: dict[str, Any] = dict(
        ref=ref(namespace, name),
        namespace=namespace,
        kind_label="TS",
        name=name,
        service=name.removesuffix("-split"),
        owner_label="",
        percents=(90.0, 10.0),
        health="ok",
        attention=False,
        note="",
    )
    values.update(overrides)
    return SplitList.Row(**values)


def sample_rows() -> list[SplitList.Row]:
    """A small, varied mesh: three namespaces, every health, owners and notes."""
    return [
        row("checkout", "cart-split", owner_label="Flagger", percents=(80.0, 20.0)),
        row("checkout", "payments-split", owner_label="Argo", health="warn", attention=True,
            note="paused", percents=(60.0, 40.0)),
        row("web", "frontend", kind_label="HR", health="bad", attention=True, note="canary failing",
            percents=(50.0, 50.0), ref=ref("web", "frontend", "httproute")),
        row("web", "static-split", health="none", percents=(100.0, 0.0)),
        row("auth", "login-split", owner_label="Flagger", percents=(99.0, 1.0)),
    ]


def many_rows(count: int) -> list[SplitList.Row]:
    """`count` rows spread over 50 namespaces, every seventh needing attention."""
    return [
        row(f"team-{i % 50:02d}", f"svc-{i:05d}-split", attention=i % 7 == 0,
            health=("ok", "warn", "bad", "none")[i % 4], owner_label=("", "Flagger", "Argo")[i % 3])
        for i in range(count)
    ]


def wave(count: int, base: float, amplitude: float, period: float,
         gap: range = range(0)) -> list[tuple[float, float | None]]:
    """A sampled sine wave every 10 s from `T0`, with None inside `gap` (sample indices)."""
    return [(T0 + i * 10, None if i in gap else base + amplitude * math.sin(i / period)) for i in range(count)]
