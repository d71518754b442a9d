"""End-to-end plans: the runner and the CLI as subprocesses against the simulated mesh, with a
real Prometheus scraping it (skipped when the prometheus binary is absent)."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
from datetime import datetime

import pytest

from meshtui.model.kubetime import rfc3339
from meshtui.model.plan_state import PlanState
from tests.plugins.apiserver import KUBECTL
from tests.rollout.conftest import PlanMesh, dump, history_steps, kill_runners, kill_seed
from tests.waiting import wait_for

ANALYSIS = ('{window: 1m, interval: 1s, successRate: ">= 99", latencyP99: "<= 300ms", '
            'minRequests: 5, failureLimit: 2, count: 2}')
HEALTHY = f"""\
onFailure: rollback
steps:
  - setWeight: 20
  - analysis: {ANALYSIS}
  - setWeight: 50
  - pause: {{duration: 1s}}
  - setWeight: 100
"""


ONE_CHECK = """\
steps:
  - setWeight: 20
  - analysis: {window: 1m, interval: 1s, successRate: ">= 99", latencyP99: "<= 300ms",
               minRequests: 1, failureLimit: 1, count: 1}
  - setWeight: 100
"""
EXTERNAL = "steps:\n  - setWeight: 20\n  - pause: {duration: 10m}\n  - setWeight: 100\n"
APPROVAL = "steps:\n  - setWeight: 10\n  - pause: {untilApproved: true}\n  - setWeight: 100\n"


def phase_is(env: PlanMesh, namespace: str, *phases: str) -> PlanState | None:
    """The namespace's plan state when it is in one of `phases`, else None."""
    state = env.state(namespace)
    return state if state is not None and state.phase in phases else None


@pytest.fixture(scope="module")
def launched(plan_mesh: PlanMesh) -> PlanMesh:
    """Plans started and runners running in several namespaces at once, so they progress
    together while the tests below look at them one by one."""
    env = plan_mesh
    env.cli("start", "-n", "good", "trafficsplit/web", "--plan",
            str(env.plan_file("good", HEALTHY)), subprocess_=True)
    # Enough requests per check that a 7%-error canary cannot pass by luck of a tiny sample.
    bad = HEALTHY.replace("minRequests: 5", "minRequests: 40")
    env.cli("start", "-n", "bad", "ts/web", "--plan", str(env.plan_file("bad", bad)))
    env.cli("start", "-n", "race", "httproute/web", "--plan", str(env.plan_file("race", HEALTHY)))
    env.cli("start", "-n", "ext", "ts/web", "--plan", str(env.plan_file("ext", EXTERNAL)))
    env.cli("start", "-n", "cli", "web", "--plan", str(env.plan_file("cli", APPROVAL)))
    for namespace in ("good", "bad", "ext", "cli"):
        env.runner(namespace, f"runner-{namespace}")
    env.runner("race", "runner-a")
    env.runner("race", "runner-b")
    return env


def test_healthy_canary_completes_the_plan(launched: PlanMesh) -> None:
    env, ns = launched, "good"
    state = wait_for(lambda: phase_is(env, ns, "Succeeded", "RolledBack", "Paused"), timeout=45,
                     message="the healthy plan to end")
    assert state.phase == "Succeeded", dump(state)
    assert env.canary(ns) == 100
    assert env.weight_history(ns) == [0, 20, 50, 100]
    assert history_steps(state) == [0, 1, 2, 3, 4]
    status = json.loads(env.cli("status", "-n", ns, "ts/web", "-o", "json",
                                subprocess_=True).stdout)[0]
    assert status["phase"] == "Succeeded"
    assert [s["state"] for s in status["steps"]] == ["done"] * 5
    # JSON times are RFC 3339, the ones the plan state holds (epoch seconds on the annotation).
    assert status["startedAt"] == rfc3339(state.started_at)
    assert all(datetime.fromisoformat(s["finishedAt"]) for s in status["steps"])
    assert status["history"][0]["at"].endswith("Z")


def test_worse_canary_is_rolled_back_within_failure_limit(launched: PlanMesh) -> None:
    env, ns = launched, "bad"
    state = wait_for(lambda: phase_is(env, ns, "Succeeded", "RolledBack", "Paused"), timeout=45,
                     message="the bad canary's plan to end")
    assert state.phase == "RolledBack", dump(state)
    assert env.canary(ns) == 0
    assert env.weight_history(ns) == [0, 20, 0]
    checks = [h for h in state.history if h.kind == "check"]
    verdicts = [h.result for h in checks]
    assert verdicts.count("fail") == 2 and verdicts[-1] == "fail", verdicts
    assert "failureLimit 2" in state.message, state.message
    assert "success rate" in state.message or "p99" in state.message, state.message


def test_runner_killed_at_random_points_still_completes_once(plan_mesh: PlanMesh) -> None:
    env, ns = plan_mesh, "kill"
    seed = kill_seed()
    plan = HEALTHY.replace("  - setWeight: 50\n", "  - setWeight: 30\n  - setWeight: 50\n")
    env.cli("start", "-n", ns, "ts/web", "--plan", str(env.plan_file(ns, plan)))
    kills = kill_runners(lambda name: env.runner(ns, name, "--lease-duration", "1"),
                         lambda: phase_is(env, ns, "Succeeded", "RolledBack", "Paused"),
                         random.Random(seed), rounds=6, delay=(0.3, 2.5),
                         state=lambda: env.state(ns))
    state = wait_for(lambda: phase_is(env, ns, "Succeeded", "RolledBack", "Paused"), timeout=45,
                     message=f"the plan to end after {kills} kills (seed {seed})")
    assert state.phase == "Succeeded", f"seed {seed}\n{dump(state)}"
    weights = env.weight_history(ns)
    assert weights == sorted(weights) and weights[-1] == 100, f"seed {seed}: {weights}"
    assert history_steps(state) == list(range(len(state.plan.steps))), f"seed {seed}"
    assert len(weights) == len(set(weights)), f"seed {seed}: {weights}"
    drivers = {h.by for h in state.history if h.kind == "step"}
    assert len(drivers) >= 2, f"seed {seed}: no kill interrupted the plan ({drivers})"


def test_two_runners_at_once_one_drives(launched: PlanMesh) -> None:
    env, ns = launched, "race"
    state = wait_for(lambda: phase_is(env, ns, "Succeeded", "RolledBack", "Paused"), timeout=45,
                     message="the raced plan to end")
    assert state.phase == "Succeeded", dump(state)
    drivers = {h.by for h in state.history if h.kind in ("step", "check")}
    assert len(drivers) == 1 and drivers <= {"runner-a", "runner-b"}, drivers
    assert env.weight_history(ns) == [0, 20, 50, 100]
    assert history_steps(state) == [0, 1, 2, 3, 4]


def test_prometheus_stopped_mid_plan_holds_the_plan(plan_mesh: PlanMesh) -> None:
    from meshtui.sim.prometheus import PrometheusProcess

    env, ns = plan_mesh, "hold"
    own = PrometheusProcess([env.mesh.metrics_target], scrape_interval="1s").start()
    try:
        env.cli("start", "-n", ns, "ts/web", "--plan", str(env.plan_file(ns, HEALTHY)))
        env.runner(ns, "runner-hold", prometheus_url=own.url)
        wait_for(lambda: env.canary(ns) == 20, timeout=20, message="the first step")
    finally:
        own.stop()

    def holding() -> PlanState | None:
        state = env.state(ns)
        checks = [h for h in state.history if h.kind == "check" and
                  "metrics unavailable" in h.detail]
        return state if len(checks) >= 4 else None

    state = wait_for(holding, timeout=30, message="four checks without metrics")
    assert (state.phase, state.step, env.canary(ns)) == ("Progressing", 1, 20), dump(state)
    assert state.message.startswith("holding: metrics unavailable"), state.message
    assert env.weight_history(ns) == [0, 20]


def test_a_check_right_after_the_canary_starts_waits_for_its_series(plan_mesh: PlanMesh) -> None:
    """The runner's check lands while the canary's series have two samples: rate() reads them as
    a few requests at 100% success, and one passing check would send it all the traffic. The
    check must wait; a tick after the third scrape judges it.

    A Prometheus of its own scrapes every 5 s so the moment between the second and the third
    sample is long enough to act in; one runner tick at a time (`--max-ticks 1`) picks the moment.
    """
    from meshtui.metrics.prometheus import PrometheusSource
    from meshtui.sim.prometheus import PrometheusProcess

    env, ns = plan_mesh, "young"
    own = PrometheusProcess([env.mesh.metrics_target], scrape_interval="5s").start()
    samples_query = (f'max(count_over_time(response_total{{direction="outbound", '
                     f'dst_namespace="{ns}", dst_service="web-canary"}}[1m]))')
    prometheus = PrometheusSource(own.url)

    def samples() -> int:
        answer = prometheus.query(samples_query)
        return int(answer[0][1] or 0) if answer else 0

    def tick() -> PlanState:
        handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            env.cli("run", "-n", ns, "--prometheus-url", own.url, "--identity", "runner-young",
                    "--max-ticks", "1", "--interval", "0.01")
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
        state = env.state(ns)
        assert state is not None
        return state

    try:
        env.cli("start", "-n", ns, "ts/web", "--plan", str(env.plan_file(ns, ONE_CHECK)))
        assert samples() == 0
        assert (tick().step, env.canary(ns)) == (1, 20)
        wait_for(lambda: samples() == 2, timeout=30, interval=0.05,
                 message="the canary's second scrape")
        state = tick()
        assert samples() == 2, "a third scrape landed during the tick: the machine stalled 5 s"
        checks = [h for h in state.history if h.kind == "check"]
        assert (state.phase, state.step, env.canary(ns)) == ("Progressing", 1, 20), dump(state)
        assert [c.result for c in checks] == ["inconclusive"], dump(state)
        assert "younger than 2 scrape intervals" in checks[0].detail, checks[0].detail
        assert state.message.startswith("waiting: "), state.message
        wait_for(lambda: samples() >= 3, timeout=30, interval=0.05,
                 message="the canary's third scrape")
        state = tick()
        assert (state.phase, env.canary(ns)) == ("Succeeded", 100), dump(state)
        assert [h.result for h in state.history if h.kind == "check"] == ["inconclusive", "pass"]
    finally:
        prometheus.close()
        own.stop()


def test_external_kubectl_patch_pauses_then_resume_and_abort(launched: PlanMesh) -> None:
    if shutil.which(KUBECTL) is None:
        pytest.skip("kubectl is not installed (/usr/bin/kubectl absent)")
    env, ns = launched, "ext"
    wait_for(lambda: env.canary(ns) == 20 and env.state(ns).step == 1, timeout=20,
             message="the long pause")
    patch = ('{"spec":{"backends":[{"service":"web-stable","weight":70},'
             '{"service":"web-canary","weight":30}]}}')
    subprocess.run([KUBECTL, "--kubeconfig", str(env.kubeconfig), "-n", ns, "patch",
                    "trafficsplit", "web", "--type", "merge", "-p", patch],
                   check=True, capture_output=True, timeout=60)
    state = wait_for(lambda: phase_is(env, ns, "Paused"), timeout=20, message="the pause")
    assert "kubectl" in state.message and "20% -> 30%" in state.message, state.message
    assert env.canary(ns) == 30
    out = env.cli("resume", "-n", ns, "ts/web").stdout
    assert "Progressing" in out
    assert env.state(ns).weight == 30
    out = env.cli("abort", "-n", ns, "ts/web", "--reason", "latency looks off").stdout
    assert "Aborted" in out and "latency looks off" in out
    assert env.canary(ns) == 0
    assert env.state(ns).phase == "Aborted"
    assert env.cli("approve", "-n", ns, "ts/web", check=False).returncode == 1


def test_pause_until_approved_waits_for_approve(launched: PlanMesh) -> None:
    env, ns = launched, "cli"
    wait_for(lambda: env.canary(ns) == 10 and env.state(ns).step == 1, timeout=20,
             message="the approval pause")
    status = json.loads(env.cli("status", "-n", ns, "-o", "json").stdout)[0]
    assert status["awaitingApproval"] is True and "approval" in status["message"]
    assert env.cli("resume", "-n", ns, "ts/web", check=False).returncode == 1
    second = env.cli("start", "-n", ns, "ts/web", "--plan", str(env.plan_file(ns, APPROVAL)))
    assert "already running" in second.stdout
    again = json.loads(env.cli("start", "-n", ns, "ts/web", "--plan",
                               str(env.plan_file(ns, APPROVAL)), "-o", "json").stdout)
    assert (again["action"], again["changed"], again["status"]["phase"]) == (
        "start", False, "Progressing")
    assert env.canary(ns) == 10 and env.state(ns).phase == "Progressing"
    approved = json.loads(env.cli("approve", "-n", ns, "ts/web", "-o", "json").stdout)
    assert (approved["object"], approved["action"], approved["changed"]) == (
        f"trafficsplit/{ns}/web", "approve", True)
    assert approved["status"]["awaitingApproval"] is False
    state = wait_for(lambda: phase_is(env, ns, "Succeeded"), timeout=20, message="success")
    assert env.weight_history(ns) == [0, 10, 100]
    assert [h.by for h in state.history if h.result == "Approved"] == ["admin"]
