"""``read_only = true`` in config.toml stops every write of every command.

The verbs are not listed by hand: they are read from the argument parser, so a verb added later
is tried here too. Every verb not known to be a pure read must, with the config file asking for
read-only, exit 1 with one ``error:`` line saying so, and send nothing that changes the cluster.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meshtui.cli.entry import build_parser
from meshtui.kube.audit import read_audit
from meshtui.ui.config import config_path
from tests.cli.helpers import run_main
from tests.control.conftest import mutating, owner_ref, rollout
from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.reliability import figures

ROOT = Path(__file__).resolve().parents[2]

READS = {("get", "splits"), ("get", "services"), ("audit",), ("rollout", "status"),
         ("completion",)}
"""Verbs that never write; every other verb is treated as a writing one."""
ELSEWHERE = {("demo",): "the dashboard on the simulator: its writer is build_writer's too",
             ("sim",): "the simulator itself, no cluster to write to",
             ("serve",): "serves dashboards whose writer is build_writer's (tests/serve)"}

PLAN = "steps:\n  - pause: {untilApproved: true}\n  - setWeight: 50\n"

TARGETS = {
    ("pause",): "ts/books", ("resume",): "ts/held", ("promote",): "ts/books",
    ("abort",): "ts/books",
    ("rollout", "approve"): "ts/planned", ("rollout", "pause"): "ts/planned",
    ("rollout", "promote"): "ts/planned", ("rollout", "abort"): "ts/planned",
    ("rollout", "resume"): "ts/paused",
    ("split", "delete"): "ts/shifted",
}
"""The split each verb reaches its write on; any other verb acts on ``ts/web``."""


def leaf_verbs(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
               ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable subcommand of `parser` (aliases once), with its own parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    yield from leaf_verbs(sub, (*prefix, name))
            return
    yield prefix, parser


def _argv(verb: tuple[str, ...], parser: argparse.ArgumentParser, samples: dict[str, Any]
          ) -> list[str]:
    argv = list(verb)
    for action in parser._actions:
        if action.option_strings and not action.required:
            continue
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.dest in samples, (
            f"{' '.join(verb)}: no sample value for {action.dest!r}; add one to this test")
        value = samples[action.dest]
        if action.dest == "target":
            value = [TARGETS.get(verb, "ts/web")]
        argv += ([action.option_strings[0]] if action.option_strings else []) + value
    return argv


def _versions(apiserver: RunningApiServer) -> dict[str, str]:
    out = {}
    for kind, api in (("TrafficSplit", "split.smi-spec.io/v1alpha2"),
                      ("Rollout", "argoproj.io/v1alpha1")):
        for name in ("web", "planned", "paused", "books", "held"):
            try:
                obj = apiserver.store.get(api, kind, "default", name)
            except Exception:  # noqa: BLE001 - not every name exists for every kind
                continue
            out[f"{kind}/{name}"] = obj["metadata"]["resourceVersion"]
    return out


@pytest.fixture
def cluster_with_plans(apiserver: RunningApiServer, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str]) -> RunningApiServer:
    """Unowned splits, two Argo-owned ones (one paused by hand), a plan awaiting approval and
    a paused plan: each writing verb finds something to write."""
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    apiserver.store.create(trafficsplit("planned", weights=(100, 0)))
    apiserver.store.create(trafficsplit("paused", weights=(100, 0)))
    books = trafficsplit("books", service="books", weights=(80, 20))
    books["metadata"]["ownerReferences"] = owner_ref("Rollout", "books")
    apiserver.store.create(books)
    apiserver.store.create(rollout())
    held = trafficsplit("held", service="held", weights=(80, 20))
    held["metadata"]["ownerReferences"] = owner_ref("Rollout", "held")
    apiserver.store.create(held)
    manual = rollout("held")
    manual["spec"]["paused"] = True
    apiserver.store.create(manual)
    shifted = trafficsplit("shifted", service="shifted", weights=(0, 100))
    shifted["metadata"]["labels"] = {"app.kubernetes.io/managed-by": "meshtui"}
    apiserver.store.create(shifted)
    for name in ("lonely", "podinfo-canary"):
        apiserver.store.create({"apiVersion": "v1", "kind": "Service",
                                "metadata": {"name": name, "namespace": "default"},
                                "spec": {"ports": [{"port": 80}]}})
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    kube = ["--kubeconfig", str(apiserver.kubeconfig)]
    for argv in (["rollout", "start", "ts/planned", "--plan", str(plan)],
                 ["rollout", "start", "ts/paused", "--plan", str(plan)],
                 ["rollout", "pause", "ts/paused"]):
        result = run_main([*argv, *kube], capsys)
        assert result.returncode == 0, result.stderr
    return apiserver


def test_config_read_only_refuses_every_writing_verb(cluster_with_plans: RunningApiServer,
                                                     tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    apiserver = cluster_with_plans
    plan = tmp_path / "plan.yaml"
    samples = {"target": None, "assignments": ["podinfo-canary=50"], "plan": [str(plan)],
               "service": ["lonely"]}
    verbs = dict(leaf_verbs(build_parser()))
    writing = {verb: parser for verb, parser in verbs.items()
               if verb not in READS and verb not in ELSEWHERE}
    assert {("weight",), ("rollout", "start"), ("rollout", "run"), ("abort",),
            ("split", "create"), ("split", "delete")} <= set(writing)

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("read_only = true\n")
    before, audited = _versions(apiserver), len(read_audit())
    apiserver.server.clear_requests()
    refused = {}
    for verb, parser in writing.items():
        argv = [*_argv(verb, parser, samples), "--kubeconfig", str(apiserver.kubeconfig)]
        result = run_main(argv, capsys)
        lines = result.stderr.splitlines()
        assert result.returncode == 1 and len(lines) == 1, (argv, result)
        assert lines[0].startswith("error: ") and "read-only" in lines[0], (argv, lines)
        refused[verb] = lines[0]

    assert mutating(apiserver.server) == []
    assert _versions(apiserver) == before
    assert {r["result"] for r in read_audit()[audited:]} <= {"read-only"}
    assert len(refused) == len(writing) >= 12
    figures.record("config_read_only", writing_verbs=len(writing), refused=len(refused),
                   mutating_requests=0, objects_changed=0)


def test_config_read_only_does_not_stop_reads(cluster_with_plans: RunningApiServer,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("read_only = true\n")
    kube = ["--kubeconfig", str(cluster_with_plans.kubeconfig)]
    for argv in (["get", "splits"], ["rollout", "status"], ["audit"]):
        result = run_main([*argv, *(kube if argv[0] != "audit" else [])], capsys)
        assert result.returncode == 0, (argv, result.stderr)


def test_only_build_writer_makes_a_writer() -> None:
    """Every write path gets its writer from `meshtui.cli.clients.build_writer`, which applies the
    config file; a `ClusterWriter(...)` built anywhere else could skip it."""
    builders = []
    for path in sorted((ROOT / "meshtui").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and getattr(call.func, "id", "") == \
                            "ClusterWriter":
                        builders.append((path.relative_to(ROOT).as_posix(), node.name))
    assert builders == [("meshtui/cli/clients.py", "build_writer")]
