"""Incremental redraws: only what changed is rebuilt, and the result is what a full rebuild gives."""

from __future__ import annotations

import dataclasses
from typing import Any

from meshtui.model.findings import Window
from meshtui.model.health import HealthPolicy
from meshtui.model.mesh import MeshState
from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.model.split import SplitRef
from meshtui.ui import weight_log as weight_log_module
from meshtui.ui.dashboard import MetricsPipeline
from meshtui.ui.row_cache import RowCache
from meshtui.ui.views import scoped, split_row
from meshtui.ui.weight_log import WeightLog
from meshtui.ui.widgets._split_rows import content_widths
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.widgets.harness import WidgetApp, many_rows
from tests.waiting import settle

POLICY = HealthPolicy()
RESOURCE = "trafficsplits"


def split_obj(namespace: str, name: str, canary: int, rv: str = "1", owner: str | None = None) -> dict:
    """A TrafficSplit with a stable and a canary backend (optionally named by a Flagger Canary)."""
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "resourceVersion": rv}
    if owner is not None:
        metadata["ownerReferences"] = [{"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                                        "name": owner, "controller": True}]
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": metadata,
            "spec": {"service": name, "backends": [{"service": f"{name}-primary", "weight": 100 - canary},
                                                   {"service": f"{name}-canary", "weight": canary}]}}


def canary_obj(namespace: str, name: str, phase: str, rv: str) -> dict:
    """A Flagger Canary in `phase`."""
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": name, "namespace": namespace, "resourceVersion": rv},
            "spec": {"targetRef": {"kind": "Deployment", "name": name}},
            "status": {"phase": phase, "canaryWeight": 10}}


def mesh(count: int = 30) -> MeshState:
    """A mesh of `count` splits over three namespaces; the first is driven by a Canary."""
    state = MeshState()
    objects = [split_obj(f"ns-{i % 3}", f"app-{i:03d}", 10, owner="app-000" if i == 0 else None)
               for i in range(count)]
    state.replace(RESOURCE, objects)
    state.replace("canaries", [canary_obj("ns-0", "app-000", "Progressing", "1")])
    return state


def full_rows(state: MeshState, signals: dict, scope: str | None = None) -> list[SplitList.Row]:
    """What a full rebuild gives (the reference the cache must match)."""
    return [split_row(s, state.owner_state(s), signals, POLICY) for s in scoped(state.splits(), scope)]


def key(name: str, which: str = "canary") -> BackendKey:
    """The backend key of one of a split's backends."""
    return BackendKey("ns-" + str(int(name[-3:]) % 3), f"{name}-{which}")


def test_rows_match_a_full_rebuild_and_are_reused_when_nothing_changed() -> None:
    """Same inputs: the very same list comes back; its rows equal a full rebuild's."""
    state, cache = mesh(), RowCache()
    first = cache.rows(state, None, {}, POLICY)
    assert first == full_rows(state, {})
    assert cache.rows(state, None, {}, POLICY) is first


def test_only_the_modified_split_is_rebuilt() -> None:
    """A watch event for one split rebuilds its row only; the others are the same objects."""
    state, cache = mesh(), RowCache()
    before = cache.rows(state, None, {}, POLICY)
    state.upsert(RESOURCE, split_obj("ns-1", "app-004", 40, rv="2"))
    after = cache.rows(state, None, {}, POLICY)
    assert after == full_rows(state, {})
    changed = [new.name for old, new in zip(before, after, strict=True) if old is not new]
    assert changed == ["app-004"]
    assert next(r for r in after if r.name == "app-004").percents == (60.0, 40.0)


def test_only_splits_whose_signals_changed_are_rebuilt() -> None:
    """A metrics answer rebuilds the rows of backends whose signals differ, and no other."""
    state, cache = mesh(), RowCache()
    healthy = GoldenSignals(success_rate=1.0, rps=5.0, p50_ms=1.0, p95_ms=2.0, p99_ms=3.0)
    failing = GoldenSignals(success_rate=0.5, rps=5.0, p50_ms=1.0, p95_ms=2.0, p99_ms=3.0)
    signals = {key(f"app-{i:03d}"): healthy for i in range(30)}
    before = cache.rows(state, None, signals, POLICY)
    same_values = dict(signals)
    assert cache.rows(state, None, same_values, POLICY) is before
    worse = {**signals, key("app-007"): failing}
    after = cache.rows(state, None, worse, POLICY)
    assert after == full_rows(state, worse)
    changed = [new for old, new in zip(before, after, strict=True) if old is not new]
    assert [r.name for r in changed] == ["app-007"] and changed[0].health == "bad"
    gone = {k: v for k, v in worse.items() if k != key("app-007")}
    assert cache.rows(state, None, gone, POLICY) == full_rows(state, gone)


def test_owner_change_and_scope_change_are_seen() -> None:
    """A changed Canary re-judges its split; a new scope lists only that namespace."""
    state, cache = mesh(), RowCache()
    cache.rows(state, None, {}, POLICY)
    state.upsert("canaries", canary_obj("ns-0", "app-000", "Failed", "2"))
    rows = cache.rows(state, None, {}, POLICY)
    assert rows == full_rows(state, {})
    assert next(r for r in rows if r.name == "app-000").attention
    scoped_rows = cache.rows(state, "ns-2", {}, POLICY)
    assert scoped_rows == full_rows(state, {}, "ns-2") and {r.namespace for r in scoped_rows} == {"ns-2"}


def test_a_change_leaving_the_window_rebuilds_the_row_with_the_same_signals() -> None:
    """Shares are judged a window after a change: the row is rebuilt then, though no signal moved."""
    state, cache = mesh(3), RowCache()
    window = Window(60.0)
    # app-001 at 90/10 gets half of its traffic on the canary: a gap, once it may be judged.
    signals = {key("app-001", "primary"): GoldenSignals(success_rate=1.0, rps=5.0),
               key("app-001"): GoldenSignals(success_rate=1.0, rps=5.0)}
    changed = {SplitRef("TrafficSplit", "split.smi-spec.io", "ns-1", "app-001"): 1000.0}
    young = cache.rows(state, None, signals, POLICY, window, changed.get, now=1030.0)
    row = next(r for r in young if r.name == "app-001")
    assert not row.attention, "30 s after the change the window still holds the old weights"
    old = cache.rows(state, None, signals, POLICY, window, changed.get, now=1061.0)
    row = next(r for r in old if r.name == "app-001")
    assert row.attention and "gets 50%" in row.note, row.note
    assert [r.name for r, before in zip(old, young, strict=True) if r is not before] == ["app-001"]


def test_weight_log_looks_only_at_changed_objects(monkeypatch: Any) -> None:
    """Unchanged split objects are not signed again; a weight change is still marked."""
    state, log = mesh(), WeightLog()
    signed: list[str] = []
    original = weight_log_module.weights_signature

    def spy(split: Any) -> Any:
        signed.append(split.name)
        return original(split)

    monkeypatch.setattr(weight_log_module, "weights_signature", spy)
    log.observe(state.splits(), 1.0)
    assert len(signed) == 30
    signed.clear()
    state.upsert(RESOURCE, split_obj("ns-2", "app-005", 30, rv="2"))
    log.observe(state.splits(), 2.0)
    assert signed == ["app-005"]
    assert log.changes == {SplitRef("TrafficSplit", "split.smi-spec.io", "ns-2", "app-005"): [2.0]}


class _Screen:
    """Just what `MetricsPipeline.signals` needs."""


def test_pipeline_signals_are_copied_once_per_snapshot() -> None:
    """Every redraw reads the signals: the copy is made once per snapshot, and follows a new one."""
    pipeline = MetricsPipeline(_Screen(), None)  # type: ignore[arg-type]
    assert pipeline.signals == {}
    first = MetricsSnapshot(taken_at=1.0, signals={key("app-001"): GoldenSignals()}, source="t")
    pipeline.snapshot = first
    assert pipeline.signals is pipeline.signals and set(pipeline.signals) == {key("app-001")}
    pipeline.snapshot = MetricsSnapshot(taken_at=2.0, signals={}, source="t")
    assert pipeline.signals == {}


def _spy_layouts(widget: Any) -> list[bool]:
    """Record whether each `refresh` of `widget` asked for a layout."""
    calls: list[bool] = []
    original = widget.refresh

    def refresh(*regions: Any, **kwargs: Any) -> Any:
        calls.append(bool(kwargs.get("layout")))
        return original(*regions, **kwargs)

    widget.refresh = refresh
    return calls


async def test_split_list_updates_changed_rows_in_place() -> None:
    """Same splits with one changed: no re-filter, that row redrawn with its new weights."""
    rows = many_rows(200)
    app = WidgetApp(lambda: [SplitList(rows, id="list")])
    async with app.run_test(size=(100, 30)) as pilot:
        split_list = app.query_one(SplitList)
        await settle(pilot, until=lambda: split_list.highlighted_ref is not None, message="a cursor")
        relayouts: list[int] = []
        original = split_list._relayout

        def relayout() -> None:
            relayouts.append(1)
            original()

        split_list._relayout = relayout  # type: ignore[method-assign]
        shown = split_list.rows[0]
        changed = [dataclasses.replace(r, percents=(33.0, 67.0)) if r.ref == shown.ref else r for r in rows]
        split_list.set_rows(changed)
        assert relayouts == []
        text = "".join(s.text for s in split_list.render_line(1))
        assert shown.name in text and "33/67" in text
        assert split_list._widths == content_widths(split_list.rows)
        noted = [dataclasses.replace(r, note="a note wider than any") if r.ref == shown.ref else r
                 for r in changed]
        split_list.set_rows(noted)
        assert split_list._widths == content_widths(noted) != content_widths(changed)
        shrunk = [dataclasses.replace(r, note="") if r.ref == shown.ref else r for r in noted]
        split_list.set_rows(shrunk)
        assert split_list._widths == content_widths(shrunk) == content_widths(changed)
        assert relayouts == []
        split_list.set_rows([dataclasses.replace(r, name=r.name + "-x") if r.ref == shown.ref else r
                             for r in shrunk])
        assert relayouts == [1]


async def test_filter_keystrokes_do_not_lay_out_the_screen() -> None:
    """Filtering changes the line count, yet only the list redraws: no layout of the screen."""
    app = WidgetApp(lambda: [SplitList(many_rows(2000), id="list")])
    async with app.run_test(size=(100, 30)) as pilot:
        split_list = app.query_one(SplitList)
        await settle(pilot, until=lambda: split_list.highlighted_ref is not None, message="a cursor")
        layouts = _spy_layouts(split_list)
        for text in ("s", "sv", "svc-0", "svc-00"):
            split_list.filter = text
            await pilot.pause()
        assert layouts and not any(layouts)
        assert split_list.visible_count == 1000
        assert split_list.virtual_size.height == len(split_list._lines) == 1000 + 50
        split_list.filter = "svc-01999"
        await settle(pilot, until=lambda: split_list.visible_count == 1, message="one match")
        assert split_list.highlighted_ref == next(r.ref for r in split_list.rows if r.name == "svc-01999-split")
        assert split_list.virtual_size.height == 2 and split_list.scroll_y == 0
