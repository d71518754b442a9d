"""One hostile object in any namespace takes no command down: ``get splits -A``, ``rollout
status -A`` and ``rollout run -A`` run as subprocesses against the emulated API server."""

from __future__ import annotations

import json
from pathlib import Path

from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import ANNOTATION, PlanState
from meshtui.model.split import parse_split
from meshtui.rollout import commands
from tests.cli.helpers import closed_port, run_cli
from tests.kube.harness import KubeHarness, traffic_split
from tests.reliability import figures

HUGE = "9" * 5000
"""More digits than Python turns into an int."""
PLAN = "steps:\n  - setWeight: 20\n  - setWeight: 100\n"


def _huge_weight_split() -> dict:
    return traffic_split("huge", namespace="other", version="v1alpha1",
                         backends=[{"service": "a", "weight": HUGE},
                                   {"service": "b", "weight": "1"}])


def _bad_plan_split() -> dict:
    """A split whose plan state is valid but for one field: a weight of 1e999 (infinity)."""
    state = commands.start(parse_plan(PLAN), canary="web-canary", stable="web-primary", weight=0,
                           now=1.0).state
    text = state.to_annotation().replace('"weight":0', '"weight":1e999', 1)
    obj = traffic_split("bad-plan", namespace="other", service="web")
    obj["metadata"]["annotations"] = {ANNOTATION: text}
    return obj


def _state(kube: KubeHarness, namespace: str, name: str) -> PlanState | None:
    obj = kube.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", namespace, name)
    text = (obj["metadata"].get("annotations") or {}).get(ANNOTATION)
    return PlanState.from_annotation(text) if text else None


def test_a_5000_digit_weight_is_a_problem_not_a_crash(kube: KubeHarness) -> None:
    kube.create(traffic_split("podinfo"))
    kube.create(_huge_weight_split())
    config = ("--kubeconfig", str(kube.kubeconfig))
    listed = run_cli("get", "splits", "-A", "-o", "json", *config)
    assert listed.returncode == 0, listed.stderr[-2000:]
    splits = {s["name"]: s for s in json.loads(listed.stdout)}
    huge = splits["huge"]
    assert [b["weight"] for b in huge["backends"]] == [None, 1]
    assert any("5,000 characters" in p for p in huge["problems"]), huge["problems"]
    assert all(len(p) < 400 for p in huge["problems"])
    assert [b["percent"] for b in splits["podinfo"]["backends"]] == [90.0, 10.0]
    status = run_cli("rollout", "status", "-A", *config)
    assert status.returncode == 0, status.stderr[-2000:]
    assert "Traceback" not in status.stderr
    table = run_cli("get", "splits", "-A", *config)
    assert table.returncode == 0, table.stderr[-2000:]
    widest = max(len(line) for line in table.stdout.splitlines())
    assert widest < 400, table.stdout
    figures.record("oversized_inputs", huge_weight_digits=len(HUGE), huge_weight_commands_ok=3,
                   huge_weight_table_widest=widest, splits_listed=len(splits))


def test_rollout_run_skips_an_invalid_plan_and_drives_the_valid_one(kube: KubeHarness,
                                                                     tmp_path: Path) -> None:
    kube.create(traffic_split("podinfo"))
    kube.create(_huge_weight_split())
    kube.create(_bad_plan_split())
    config = ("--kubeconfig", str(kube.kubeconfig))
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    started = run_cli("rollout", "start", "-n", "test", "ts/podinfo", "--plan", str(plan), *config)
    assert started.returncode == 0, started.stderr

    status = run_cli("rollout", "status", "-A", "-o", "json", *config)
    assert status.returncode == 0, status.stderr[-2000:]
    phases = {s["name"]: (s["phase"], s["message"]) for s in json.loads(status.stdout)}
    assert phases["podinfo"][0] == "Progressing"
    assert phases["bad-plan"][0] == "Invalid" and "weight" in phases["bad-plan"][1]
    text = run_cli("rollout", "status", "-A", *config)
    assert text.returncode == 0, text.stderr[-2000:]
    invalid = [line for line in text.stdout.splitlines() if "bad-plan" in line]
    assert invalid == [f"trafficsplit/other/bad-plan  Invalid  —  {phases['bad-plan'][1]}"]

    # Each tick moves traffic at most once: 20%, then 100%, then Succeeded; a few spare ticks.
    ran = run_cli("rollout", "run", "-A", "--interval", "0.05", "--max-ticks", "8",
                  "--prometheus-url", f"http://127.0.0.1:{closed_port()}", *config)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "Traceback" not in ran.stderr
    state = _state(kube, "test", "podinfo")
    assert state is not None and state.phase == "Succeeded", ran.stdout
    assert [b.percent for b in parse_split(kube.store.get(
        "split.smi-spec.io/v1alpha2", "TrafficSplit", "test", "podinfo")).backends] == [0.0, 100.0]
    skipped = [line for line in ran.stdout.splitlines() if "bad-plan" in line]
    assert len(skipped) == 1 and "skipped" in skipped[0], ran.stdout
    untouched = kube.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "other", "bad-plan")
    assert "1e999" in untouched["metadata"]["annotations"][ANNOTATION]
    figures.record("oversized_inputs", inf_plan_ticks=8, inf_plan_skip_lines=len(skipped),
                   inf_plan_valid_phase=state.phase, inf_plan_left_unchanged=True)
