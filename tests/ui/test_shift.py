"""Shift and End shift from the dashboard: what reached the API server, and what never did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshtui.kube.audit import read_audit
from meshtui.model.shift import MANAGED_BY_LABEL, REASON_ANNOTATION
from meshtui.model.split import SplitRef
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.screens.shift_picker import ShiftPicker
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import SIZE, VOTING, dialog, drawn, open_split
from tests.waiting import settle

POLICY = "policy.linkerd.io/v1beta3"
SHIFT = SplitRef("HTTPRoute", "policy.linkerd.io", "emojivoto", "web-svc-shift")


def _said(app: Any) -> list[str]:
    return [n.message for n in app.said]


def _stored_shift(mesh: Any) -> dict[str, Any] | None:
    found = [o for o in mesh.store.list(POLICY, "HTTPRoute")
             if o["metadata"]["name"] == "web-svc-shift"]
    return found[0] if found else None


async def _shift_web_svc(pilot: Any, app: Any, screen: Any) -> ConfirmDialog:
    screen.action_shift_service("emojivoto", "web-svc")
    picker = await drawn(pilot, app, ShiftPicker)
    assert picker.fallbacks[0].name == "web-svc-west"  # its mirror is offered first
    await pilot.press("space", "tab", "enter")  # web-svc-west; nothing typed: all of it
    return await dialog(pilot, app)


async def test_shift_creates_the_object_it_showed_with_the_reason(
        make_control_app: Callable, mesh: Any, tmp_path: Any) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        before = len(mutating_requests(mesh))
        confirm = await _shift_web_svc(pilot, app, screen)
        shown = "\n".join(confirm.confirmation.lines)
        assert f"{MANAGED_BY_LABEL}: meshtui" in shown and "name: web-svc-west" in shown
        assert "weight: 100" in shown and "weight: 0" in shown
        await pilot.press("y")  # the reason input takes it as a letter: nothing is written
        await pilot.press("backspace", *"west is healthy", "enter")
        await settle(pilot, lambda: _stored_shift(mesh), message="the shift stored")
        await settle(pilot, lambda: screen.state.split(SHIFT), message="the shift listed")
    requests = mutating_requests(mesh)[before:]
    assert [(r.method, r.path) for r in requests] == [
        ("POST", "/apis/policy.linkerd.io/v1beta3/namespaces/emojivoto/httproutes")]
    obj = _stored_shift(mesh)
    assert obj is not None
    assert obj["metadata"]["annotations"][REASON_ANNOTATION] == "west is healthy"
    assert [(r["name"], r["weight"]) for r in obj["spec"]["rules"][0]["backendRefs"]] == [
        ("web-svc", 0), ("web-svc-west", 100)]
    assert [(r["verb"], r["action"], r["result"]) for r in read_audit(tmp_path / "audit.log")] \
        == [("create", "shift", "ok")]


async def test_end_shift_deletes_the_shift_after_y(make_control_app: Callable, mesh: Any,
                                                   tmp_path: Any) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        await _shift_web_svc(pilot, app, screen)
        await pilot.press(*"incident", "enter")
        await settle(pilot, lambda: screen.state.split(SHIFT), message="the shift listed")
        screen.select_split(SHIFT)
        before = len(mutating_requests(mesh))
        await pilot.press("E")
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.typed is None  # meshtui made it: y is enough
        assert any("goes back to its own pods" in w for w in confirm.confirmation.warnings)
        await pilot.press("y")
        await settle(pilot, lambda: _stored_shift(mesh) is None, message="the shift deleted")
        await settle(pilot, lambda: screen.state.split(SHIFT) is None, message="it left the list")
    requests = mutating_requests(mesh)[before:]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in requests] == [
        ("DELETE", "web-svc-shift")]
    assert [r["action"] for r in read_audit(tmp_path / "audit.log")] == ["shift", "end-shift"]


async def test_ending_a_foreign_split_needs_its_name_and_stale_keys_do_nothing(
        make_control_app: Callable, mesh: Any) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, VOTING)
        before = len(mutating_requests(mesh))
        await pilot.press("E", "y")  # the y arrives before the dialog was drawn: dropped
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.typed == "voting-split"
        assert "meshtui did not create this split" in confirm.confirmation.warnings[0]
        await pilot.press("y", "enter")  # typed into the name input: not the name
        assert isinstance(app.screen, ConfirmDialog)
        assert len(mutating_requests(mesh)) == before
        confirm.typed_input.value = ""
        await pilot.press(*"voting-split", "enter")
        await settle(pilot, lambda: not mesh.store.list(POLICY, "HTTPRoute"),
                     message="voting-split deleted")
    assert [r.method for r in mutating_requests(mesh)[before:]] == ["DELETE"]


async def test_a_service_that_has_a_split_is_refused_by_name(make_control_app: Callable,
                                                              mesh: Any) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        before = len(mutating_requests(mesh))
        screen.action_shift_service("emojivoto", "voting-svc")
        picker = await drawn(pilot, app, ShiftPicker)
        picker.pick("voting-svc-west")
        await pilot.press("tab", "enter")
        await settle(pilot, lambda: any("httproute/emojivoto/voting-split" in m
                                        for m in _said(app)), message="the refusal")
        assert not isinstance(app.screen, ConfirmDialog)
    assert len(mutating_requests(mesh)) == before


async def test_read_only_offers_no_shift(make_control_app: Callable, mesh: Any) -> None:
    app, _ = make_control_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        screen.action_shift_service("emojivoto", "web-svc")
        await pilot.press("E")
        await pilot.pause()
        assert not isinstance(app.screen, (ShiftPicker, ConfirmDialog))
        assert sum("unavailable (read-only mode)" in m for m in _said(app)) == 2
    assert mutating_requests(mesh) == []


async def test_a_split_made_while_the_dialog_was_open_wins(make_control_app: Callable,
                                                           mesh: Any) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        await _shift_web_svc(pilot, app, screen)
        mesh.store.create({"apiVersion": POLICY, "kind": "HTTPRoute",
                           "metadata": {"name": "someone-else", "namespace": "emojivoto"},
                           "spec": {"parentRefs": [{"group": "core", "kind": "Service",
                                                    "name": "web-svc"}],
                                    "rules": [{"backendRefs": [{"name": "web-svc", "port": 80,
                                                                "weight": 1}]}]}})
        before = len(mutating_requests(mesh))
        await pilot.press(*"incident", "enter")
        await settle(pilot, lambda: any("got a split while the dialog was open" in m
                                        for m in _said(app)), message="the refusal")
    assert len(mutating_requests(mesh)) == before
    assert _stored_shift(mesh) is None


async def test_the_palette_offers_a_shift_for_services_without_a_split(
        make_control_app: Callable, mesh: Any) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: app.screen is not screen, message="palette open")

        def hits() -> list[str]:
            lists = app.screen.query("CommandList")
            if not lists:
                return []
            found = lists.first()
            return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]

        await pilot.press(*"shift: Shift emojivoto/")
        await settle(pilot, lambda: any("emojivoto/web-svc…" in h for h in hits()),
                     message="a shift of web-svc offered")
        assert not any("emojivoto/voting-svc…" in h for h in hits()), "voting-svc has a split"
        await pilot.press(*"web-svc-w")  # the palette matches fuzzily: narrow to the mirror
        await settle(pilot, lambda: hits() and "web-svc-west" in hits()[0], message="the mirror")
        await pilot.press("enter")
        picker = await drawn(pilot, app, ShiftPicker)
        assert picker.service == "web-svc-west"


async def test_s_in_the_services_view_shifts_the_highlighted_service(
        make_control_app: Callable, mesh: Any) -> None:
    """`S` on web-svc's row opens the same picker the palette does; outside the view it does
    nothing (the key belongs to the services view)."""
    from meshtui.ui.widgets.service_table import ServiceTable
    from tests.ui.test_services_view import command

    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        await pilot.press("S")
        await pilot.pause()
        assert not isinstance(app.screen, ShiftPicker)
        await command(pilot, "svc")
        table = app.screen.query_one(ServiceTable)
        await settle(pilot, lambda: any(r.name == "web-svc" for r in table.rows),
                     message="web-svc listed")
        table.focus()
        for _ in range(len(table.rows)):
            row = screen.services.highlighted
            if row is not None and row.name == "web-svc":
                break
            await pilot.press("j")
        assert screen.services.highlighted is not None
        assert screen.services.highlighted.name == "web-svc"
        await pilot.press("S")
        picker = await drawn(pilot, app, ShiftPicker)
        assert picker.fallbacks[0].name == "web-svc-west"
