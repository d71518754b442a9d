"""Pure parts of traffic control: pending sets, confirmations, revert watching, slider geometry,
settings, the CLI flag and the writer wiring."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from meshtui.cli.clients import build_writer
from meshtui.cli.entry import build_parser
from meshtui.model.split import parse_split
from meshtui.ui.config import ConfigError, Settings, settings_from_mapping
from meshtui.ui.control.confirmation import weights_confirmation
from meshtui.ui.control.pending import needs_typed_confirmation, production, shifted, start_edit
from meshtui.model.plan_state import ANNOTATION as PLAN_ANNOTATION
from meshtui.ui.control.reverts import SplitStatus
from meshtui.ui.widgets.weight_slider import track_cell, track_percent


def split_obj(weights: tuple[str, str] = ("80", "20"), rv: str = "7", owner: bool = False,
              managers: tuple[str, ...] = ()) -> dict:
    """A TrafficSplit web → web-stable / web-canary, optionally owned by an Argo Rollout."""
    meta: dict = {"name": "web", "namespace": "shop", "resourceVersion": rv,
                  "managedFields": [{"manager": m, "operation": "Update",
                                     "time": f"2026-01-01T00:00:0{i}Z"} for i, m in enumerate(managers)]}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                                    "name": "web", "controller": True, "uid": "u"}]
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": meta,
            "spec": {"service": "web", "backends": [{"service": "web-stable", "weight": int(weights[0])},
                                                    {"service": "web-canary", "weight": int(weights[1])}]}}


def test_shift_round_trips_and_clamps() -> None:
    """+n then -n restores the weights; shifting past 100 clamps."""
    change = start_edit(parse_split(split_obj()))
    up = shifted(change, 1, 5, stable=0)
    assert up.pending == (75, 25)
    assert shifted(up, 1, -5, stable=0).pending == change.live
    assert shifted(change, 1, 500, stable=0).pending == (0, 100)


def test_typed_confirmation_rules() -> None:
    """50 points or a production context need the name; the regex is searched in the context."""
    assert needs_typed_confirmation(50, "dev", "prod")
    assert not needs_typed_confirmation(49, "dev", "prod")
    assert needs_typed_confirmation(1, "gke-prod-eu", "prod")
    assert production("live-1", "^live") and not production("staging", "^live")
    assert production("anything", "(")  # a broken pattern errs on the safe side


def test_confirmation_of_an_argo_split_says_pausing_does_not_help() -> None:
    """An Argo-owned split: the Rollout sets the weights back even when paused, so pause-first is
    not offered; promote and abort are named instead."""
    split = parse_split(split_obj(owner=True))
    change = shifted(start_edit(split), 1, 5, stable=0)
    dialog = weights_confirmation(split, change, context="dev", pattern="prod", dry_run=False,
                                  can_pause=True)
    assert any("set the weights back" in w and "even while it is paused" in w
               and "promote or abort the Rollout (P / A)" in w for w in dialog.warnings), dialog.warnings
    assert dialog.options == ()
    assert dialog.typed is None
    assert dialog.lines == ("web-stable   80% →  75%  (-5)", "web-canary   20% →  25%  (+5)")


def test_status_line_ignores_the_split_before_the_write() -> None:
    """The split at the version the write was guarded by predates it; any later version that
    sets the weights back is a revert, named after its field manager, even unseen writes between."""
    status = SplitStatus(ttl=120)
    ref = parse_split(split_obj()).ref
    status.wrote(ref, "applied: web-canary 20% → 25%", 100.0, before=(80, 20), after=(75, 25),
                 base_version="8")
    objects = {ref: parse_split(split_obj(("80", "20"), rv="8"))}
    assert status.check(objects.get, 101.0) == []
    objects[ref] = parse_split(split_obj(("80", "20"), rv="10", managers=("meshtui", "rollouts-controller")))
    [(_, line)] = status.check(objects.get, 102.0)
    assert line.text == "⚠ weights reverted by argo-rollouts after 2 s: web-stable 75% → 80%, web-canary 25% → 20%"
    assert status.texts() == {ref: line.text}


def test_status_line_names_other_writers_and_ages_out() -> None:
    """A change to other weights by someone else says so; every line ages out."""
    status = SplitStatus(ttl=120)
    ref = parse_split(split_obj()).ref
    status.wrote(ref, "applied", 0.0, before=(80, 20), after=(75, 25), base_version="8")
    changed = {ref: parse_split(split_obj(("60", "40"), rv="12", managers=("kubectl-edit",)))}
    [(_, line)] = status.check(changed.get, 5.0)
    assert line.text.startswith("⚠ weights changed by kubectl-edit after 5 s")
    assert status.check(changed.get, 100.0) == []
    assert status.check(changed.get, 126.0) == [] and status.get(ref) is None


def test_status_line_says_the_plan_moved_the_weights() -> None:
    """"applied" is replaced as soon as the split's plan moves the weights."""
    status = SplitStatus(ttl=120)
    ref = parse_split(split_obj()).ref
    status.wrote(ref, "applied", 0.0, before=(80, 20), after=(75, 25), base_version="8")
    obj = split_obj(("50", "50"), rv="12", managers=("meshtui",))
    obj["metadata"]["annotations"] = {PLAN_ANNOTATION: "{}"}
    [(_, line)] = status.check({ref: parse_split(obj)}.get, 3.0)
    assert line.text == "weights moved by the plan: web-stable 75% → 50%, web-canary 25% → 50%"


def test_a_move_after_an_owner_action_is_news_not_a_revert() -> None:
    """"done: promote" then Argo moving the weights: the line says Argo changed them, no warning."""
    status = SplitStatus(ttl=120)
    ref = parse_split(split_obj()).ref
    status.say(ref, "done: promote Rollout shop/web", 0.0, parse_split(split_obj(rv="8")))
    moved = {ref: parse_split(split_obj(("60", "40"), rv="9", managers=("rollouts-controller",)))}
    [(_, line)] = status.check(moved.get, 4.0)
    assert line.text.startswith("weights changed by argo-rollouts after 4 s")
    assert line.severity == "information"


def test_track_geometry_round_trips() -> None:
    """Every percentage maps to a cell and back to itself or a neighbour."""
    width = 41
    assert track_percent(0, width) == 0 and track_percent(width - 1, width) == 100
    for percent in range(0, 101, 5):
        assert abs(track_percent(track_cell(percent, width), width) - percent) <= 2


def test_control_settings() -> None:
    """step, production_context and read_only are read and validated."""
    settings = settings_from_mapping({"step": 10, "production_context": "^gke-", "read_only": True})
    assert (settings.step, settings.production_context, settings.read_only) == (10, "^gke-", True)
    assert Settings().refresh == 2.0 and Settings().step == 5
    for bad, key in (({"step": 0}, "'step'"), ({"step": 2.5}, "'step'"),
                     ({"production_context": "("}, "production_context"),
                     ({"read_only": "yes"}, "read_only")):
        with pytest.raises(ConfigError, match=key):
            settings_from_mapping(bad)


def test_dry_run_flag_and_writer_wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--dry-run and --read-only reach the writer; read_only also comes from the config file."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    args = build_parser().parse_args(["--dry-run", "--read-only"])
    assert args.dry_run and args.read_only

    class FakeCluster:
        context, user = "dev", "me"

        def auth_headers(self) -> dict[str, str]:
            return {}

    writer = build_writer(args, FakeCluster(), Settings())
    assert writer.dry_run and writer.read_only
    plain = build_writer(argparse.Namespace(), FakeCluster(), Settings(read_only=True))
    assert plain.read_only and not plain.dry_run
