"""Command-line parsing of control targets and typed percentages (pure, no cluster)."""

from __future__ import annotations

import pytest

from meshtui.cli.entry import build_parser
from meshtui.kube.targets import TargetError, parse_target
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import weights_from_assignments
from meshtui.model.weights import AssignmentError, parse_assignments
from tests.control.conftest import httproute
from tests.plugins.apiserver import trafficsplit


def _split(weights: tuple[int, ...]):
    obj = httproute("r", weights=weights)
    obj["metadata"]["resourceVersion"] = "5"
    return parse_split(obj)


@pytest.mark.parametrize(("typed", "after"), [
    ({"podinfo-canary": "30"}, (47, 30, 23)),
    ({"podinfo-canary": "100"}, (0, 100, 0)),
    ({"podinfo-primary": "0", "podinfo-canary": "0"}, (0, 0, 100)),
    ({"podinfo-primary": "20%", "podinfo-canary": "30", "podinfo-extra": "50"}, (20, 30, 50)),
])
def test_unnamed_backends_share_the_rest_in_proportion(typed, after):
    plan = weights_from_assignments(_split((60, 10, 30)), typed, 0)
    assert plan.after == after and sum(plan.after) == 100
    assert plan.before == (60, 10, 30)


def test_unnamed_backends_without_traffic_share_the_rest_evenly():
    plan = weights_from_assignments(_split((100, 0, 0)), {"podinfo-primary": "50"}, 0)
    assert plan.after == (50, 25, 25)


@pytest.mark.parametrize(("typed", "message"), [
    ({"podinfo-canary": "-5"}, "negative"),
    ({"podinfo-canary": "101"}, "exceed 100"),
    ({"podinfo-canary": "ten"}, "not a percentage"),
    ({"podinfo-canary": "2.5"}, "whole number"),
    ({"podinfo-canary": "70", "podinfo-primary": "40"}, "more than 100"),
    ({"podinfo-primary": "50", "podinfo-canary": "30", "podinfo-extra": "10"}, "not 100"),
    ({"podinfo-primary": "0", "podinfo-canary": "0", "podinfo-extra": "0"}, "no backend"),
    ({"podinfo": "10"}, "unknown backend 'podinfo'"),
])
def test_invalid_percentages_are_refused_with_a_clear_message(typed, message):
    with pytest.raises(AssignmentError, match=message):
        weights_from_assignments(_split((60, 10, 30)), typed, 0)


def test_targets_and_assignments_are_validated():
    assert parse_target("ts/books") == (("trafficsplits",), "books")
    assert len(parse_target("books")[0]) == 3
    assert parse_target("hr/web")[0] == ("httproutes.gateway.networking.k8s.io",
                                         "httproutes.policy.linkerd.io")
    for bad in ("deployment/web", "ts/Web", 'ts/web"}', "ts/", "ts/a/b"):
        with pytest.raises(TargetError):
            parse_target(bad)
    assert parse_assignments(["a=1", "b=2%"]) == {"a": "1", "b": "2%"}
    for bad in (["a"], ["=1"], ["a="], ["a=1", "a=2"]):
        with pytest.raises(AssignmentError):
            parse_assignments(bad)


def test_trafficsplit_has_a_single_rule():
    obj = trafficsplit("t")
    obj["metadata"]["resourceVersion"] = "3"
    with pytest.raises(AssignmentError, match="no rule 2"):
        weights_from_assignments(parse_split(obj), {"podinfo-canary": "10"}, 1)


def test_parsers_keep_options_given_before_the_subcommand():
    parser = build_parser()
    before = parser.parse_args(["--read-only", "--dry-run", "--context", "c", "weight", "ts/x",
                                "a=1"])
    after = parser.parse_args(["weight", "ts/x", "a=1", "--read-only", "--kubeconfig", "k",
                               "-o", "json", "--dry-run"])
    plain = parser.parse_args(["promote", "--full", "x"])

    # --dry-run before the verb was overwritten by the verb's own default: a real write.
    assert (before.read_only, before.dry_run, before.context, before.control) == (
        True, True, "c", "weight")
    assert (after.read_only, after.kubeconfig, after.output, after.dry_run) == (True, "k",
                                                                              "json", True)
    assert (plain.read_only, plain.full, plain.control, plain.dry_run) == (False, True,
                                                                           "promote", False)


@pytest.mark.parametrize("argv", [["weight", "ts/x", "a=1"], ["pause", "x"], ["audit"],
                                  ["get", "splits"], ["rollout", "status"],
                                  ["rollout", "pause", "x"], ["rollout", "start", "x", "--plan", "p"],
                                  ["rollout", "run"]])
def test_every_verb_prints_table_or_json(argv):
    parser = build_parser()
    assert parser.parse_args(argv).output == "table"
    assert parser.parse_args([*argv, "-o", "json"]).output == "json"
    # "text" was the table's name on some verbs: still accepted, as the table.
    assert parser.parse_args([*argv, "-o", "text"]).output == "table"
