"""The dashboard's action objects work over any host that has what their Protocols name: no
screen and no app are needed to drive them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshtui.model.mesh import MeshState
from meshtui.model.split import Split, parse_split
from meshtui.ui.config import Settings
from meshtui.ui.control.controller import TrafficControl
from meshtui.ui.dashboard import PlanActions, TrafficActions
from meshtui.ui.dashboard._traffic import owners_loading
from tests.ui.test_traffic_units import split_obj


class Redraws:
    """The part of the presenter the actions call: counts detail redraws."""

    def __init__(self) -> None:
        self.details = 0

    def refresh_detail(self) -> None:
        self.details += 1


class FakeHost:
    """A `TrafficHost` that records what the actions ask of the screen."""

    def __init__(self, split: Split, writer: object = None) -> None:
        self.split = split
        self.state = MeshState()
        self.control = TrafficControl(writer, Settings(), lambda ref: split, lambda s: None)
        self.presenter: Any = Redraws()
        self.detail: Any = None
        self.selected = split.ref
        self.clock: Callable[[], float] = lambda: 0.0
        self.said: list[str] = []
        self.asked: list[object] = []
        self.workers: list[str | None] = []
        self.footer_redraws = 0

    def current_split(self) -> Split | None:
        return self.split

    def owners_ready(self) -> bool:
        return True

    def ask(self, dialog: object, answered: Callable[[Any], None]) -> None:
        self.asked.append(dialog)

    def notify(self, message: str, **_: object) -> None:
        self.said.append(message)

    def run_worker(self, work: Callable[[], None], name: str | None = "", **_: object) -> None:
        self.workers.append(name)

    def post_message(self, message: object) -> bool:
        return True

    def refresh_bindings(self) -> None:
        self.footer_redraws += 1

    async def run_action(self, action: str) -> None:
        raise AssertionError(f"{action} ran although it is unavailable")


def actions(host: FakeHost) -> tuple[TrafficActions, PlanActions]:
    plans = PlanActions(host)
    return TrafficActions(host, plans), plans


async def test_without_a_writer_nothing_is_asked_or_started() -> None:
    """No writer: write keys are dimmed, the palette says why, and no dialog or worker starts."""
    host = FakeHost(parse_split(split_obj()))
    traffic, plans = actions(host)
    assert traffic.check("apply_weights") is None and traffic.check("discard") is False
    await traffic.run("apply_weights")
    plans.start_plan()
    assert host.said == ["unavailable: no writer", "start plan: no writer"]
    assert not host.asked and not host.workers


def test_weight_keys_edit_the_pending_set_and_redraw() -> None:
    """`+` makes a pending change and redraws the detail; the footer redraws only on a change."""
    host = FakeHost(parse_split(split_obj()), writer=object())
    traffic, _ = actions(host)
    traffic.shift_weight(1)
    assert host.control.pending is not None and host.presenter.details == 1
    traffic.sync_bindings()
    traffic.sync_bindings()
    assert host.footer_redraws == 1


def test_a_plan_is_refused_on_an_owned_split() -> None:
    """Start plan on a split a controller drives says who drives it, and asks nothing."""
    host = FakeHost(parse_split(split_obj(owner=True)), writer=object())
    _, plans = actions(host)
    plans.start_plan()
    assert host.said == ["start plan: trafficsplit/shop/web is driven by Rollout web"]
    assert not host.asked


def test_writes_wait_for_the_owner_lists() -> None:
    """An owner resource watched but not listed, and not failing, holds the writes back."""
    state = MeshState()
    assert owners_loading(("canaries", "rollouts", "trafficsplits"), state, {}) == \
        ["canaries", "rollouts"]
    assert owners_loading(("canaries",), state, {"canaries": (False, "forbidden")}) == []
    assert owners_loading((), state, {}) == []
