"""Every rule of a multi-rule HTTPRoute: the keys act on the chosen rule (pure control state)."""

from __future__ import annotations

import pytest

from meshtui.model.split import Split, parse_split
from meshtui.ui.config import Settings
from meshtui.ui.control.controller import TrafficControl, rule_label
from meshtui.ui.control.pending import NotEditable, start_edit
from meshtui.ui.control.reverts import SplitStatus


def route(rv: str = "5", api: tuple[int, int] = (90, 10), web: tuple[int, int] = (50, 50)
          ) -> Split:
    """`/api` splits api-v1/api-v2; every other request web-v1/web (the apex)."""
    return parse_split({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "web", "namespace": "shop", "resourceVersion": rv},
        "spec": {"parentRefs": [{"kind": "Service", "name": "web", "port": 80}], "rules": [
            {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
             "backendRefs": [{"name": "api-v1", "port": 80, "weight": api[0]},
                             {"name": "api-v2", "port": 80, "weight": api[1]}]},
            {"backendRefs": [{"name": "web", "port": 80, "weight": web[0]},
                             {"name": "web-v2", "port": 80, "weight": web[1]}]}]}})


def control(split: Split) -> TrafficControl:
    return TrafficControl(object(), Settings(), lambda ref: split, lambda s: None)


def test_keys_act_on_the_chosen_rule_and_roles_follow_names() -> None:
    split = route()
    ctl = control(split)
    assert ctl.rule_of(split) == 0
    assert ctl.choose_rule(split, 1) == 1
    # In rule 2 the apex `web` is stable and `web-v2` the canary the keys select.
    assert ctl.stable_of(split) == 0 and ctl.selected_name(split) == "web-v2"
    change = ctl.shift(split, 1)
    assert (change.rule, change.names, change.live, change.pending) == (
        1, ("web", "web-v2"), (50, 50), (45, 55))
    assert ctl.weights_dialog(split, change).title.startswith("Apply weights to rule 2 of")
    assert ctl.editor_view(split).rule == "rule 2 of 2: every request"  # type: ignore[union-attr]
    with pytest.raises(NotEditable, match="rule 2 has pending weights"):
        ctl.choose_rule(split, 1)
    ctl.discard()
    assert ctl.choose_rule(split, -1) == 0
    assert ctl.editor_view(split).rule == "rule 1 of 2: PathPrefix /api"  # type: ignore[union-attr]
    assert ctl.canary_to_zero(split).pending == (100, 0)  # api-v1, the heavier, is stable


def test_a_single_rule_split_has_no_rule_label_and_nothing_to_choose() -> None:
    split = parse_split({"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
                         "metadata": {"name": "web", "namespace": "shop"},
                         "spec": {"service": "web", "backends": [
                             {"service": "web", "weight": 90}, {"service": "web-v2", "weight": 10}]}})
    ctl = control(split)
    assert ctl.choose_rule(split, 1) == 0
    assert rule_label(split, 0) == ""


def test_undo_returns_to_the_rule_it_changed() -> None:
    split = route()
    ctl = control(split)
    ctl.choose_rule(split, 1)
    ctl.shift(split, 1)
    ctl.applied(split.ref, (50, 50), (45, 55), undo=False, dry_run=False, text="applied",
                base_version="5")
    ctl.choose_rule(split, 1)  # back on rule 1
    after = route(rv="6", web=(45, 55))
    ctl.lookup = lambda ref: after
    undo = ctl.undo_change(after)
    assert undo is not None and (undo.rule, undo.pending) == (1, (50, 50))
    assert ctl.rule_of(after) == 1


def test_a_status_line_watches_the_rule_it_wrote() -> None:
    status = SplitStatus()
    before = route()
    status.wrote(before.ref, "applied", 0.0, before=(50, 50), after=(45, 55), base_version="5",
                 rule=1)
    moved_elsewhere = route(rv="6", api=(80, 20), web=(45, 55))
    assert status.check(lambda ref: moved_elsewhere, 1.0) == []
    reverted = route(rv="7", api=(80, 20), web=(50, 50))
    [(_, line)] = status.check(lambda ref: reverted, 2.0)
    assert "web-v2 55% → 50%" in line.text and line.rule == 1


def test_start_edit_refuses_a_rule_without_backends() -> None:
    with pytest.raises(NotEditable, match="no rule 3"):
        start_edit(route(), 2)




def test_the_editor_lists_every_rule_with_its_matches_and_marks_the_chosen_one() -> None:
    split = route()
    ctl = control(split)
    ctl.choose_rule(split, 1)
    view = ctl.editor_view(split)
    assert view is not None and view.rules == (
        ("rule 1: PathPrefix /api  →  api-v1 90% · api-v2 10%", False),
        ("rule 2: every request  →  web 50% · web-v2 50%", True))
