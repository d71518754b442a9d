"""Pure parts of traffic control: pending sets, confirmations, revert watching, slider geometry,
settings, the CLI flag and the writer wiring."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import pytest

import meshtui
from meshtui.cli import build_parser
from meshtui.model.split import parse_split
from meshtui.ui.config import ConfigError, Settings, settings_from_mapping
from meshtui.ui.control.confirmation import PAUSE_FIRST, weights_confirmation
from meshtui.ui.control.pending import needs_typed_confirmation, production, shifted, start_edit
from meshtui.ui.control.reverts import RevertWatcher
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


def test_confirmation_of_an_owned_split_warns_and_offers_pause() -> None:
    """A controller-owned split: the warning names the controller; pause-first is offered."""
    split = parse_split(split_obj(owner=True))
    change = shifted(start_edit(split), 1, 5, stable=0)
    dialog = weights_confirmation(split, change, context="dev", pattern="prod", dry_run=False,
                                  can_pause=True)
    assert any("Argo will take it over" in w for w in dialog.warnings)
    assert [o.id for o in dialog.options] == [PAUSE_FIRST]
    assert dialog.typed is None
    assert dialog.lines == ("web-stable   80% →  75%  (-5)", "web-canary   20% →  25%  (+5)")


def test_revert_watcher_needs_its_own_write_first() -> None:
    """A late event from before the write is not a revert; a change after it is, with its author."""
    watcher = RevertWatcher(window=10)
    ref = parse_split(split_obj()).ref
    watcher.expect(ref, 0, (75, 25), "9", at=100.0)
    objects = {ref: parse_split(split_obj(("80", "20"), rv="8"))}
    assert watcher.check(objects.get, 101.0) == []
    objects[ref] = parse_split(split_obj(("75", "25"), rv="9"))
    assert watcher.check(objects.get, 101.5) == []
    objects[ref] = parse_split(split_obj(("80", "20"), rv="10", managers=("meshtui", "rollouts-controller")))
    assert watcher.check(objects.get, 102.0) == [(ref, "reverted by argo-rollouts after 2 s")]
    assert not watcher.watching(ref)


def test_revert_watcher_forgets_after_the_window() -> None:
    """Changes after the window are nobody's revert."""
    watcher = RevertWatcher(window=10)
    ref = parse_split(split_obj()).ref
    watcher.expect(ref, 0, (75, 25), "9", at=0.0)
    assert watcher.check(lambda _ref: parse_split(split_obj(rv="12")), 11.0) == []
    assert not watcher.watching(ref)


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
    # tests/cli swaps meshtui.launch in sys.modules: leave no imported copy behind.
    if "meshtui.launch" not in sys.modules:
        monkeypatch.setattr(meshtui, "launch", None, raising=False)
        monkeypatch.delattr(meshtui, "launch")
        monkeypatch.setitem(sys.modules, "meshtui.launch", None)
        monkeypatch.delitem(sys.modules, "meshtui.launch")
    build_writer = importlib.import_module("meshtui.launch").build_writer
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
