"""The control command line end to end, as subprocesses against the API emulator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from meshtui.kube.audit import read_audit
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents
from meshtui.sim.apiserver import ADMIN_TOKEN
from tests.control.conftest import httproute, mutating, owner_ref, rollout
from tests.plugins.apiserver import trafficsplit

ROOT = Path(__file__).resolve().parents[2]


def _command(apiserver: Any, args: tuple[str, ...]) -> list[str]:
    # Through the real entry point, so the commands are proven hooked into `meshtui`.
    command = [sys.executable, "-m", "meshtui", *args]
    if args and args[0] != "audit":
        command += ["--kubeconfig", str(apiserver.kubeconfig)]
    return command


def meshtui(apiserver: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m meshtui`` against the emulator."""
    return subprocess.run(_command(apiserver, args), capture_output=True, text=True, timeout=60,
                          check=False, cwd=ROOT)


def meshtui_together(apiserver: Any, *commands: tuple[str, ...]
                     ) -> list[subprocess.CompletedProcess[str]]:
    """Run independent commands at the same time (start-up dominates their cost)."""
    procs = [subprocess.Popen(_command(apiserver, args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for args in commands]
    results = []
    for args, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(list(args), proc.returncode, out, err))
    return results


def _percents(apiserver: Any, api_version: str, kind: str, name: str) -> list[int]:
    return rule_percents(parse_split(apiserver.store.get(api_version, kind, "default", name)), 0)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_weight_json_prints_before_and_after_and_audit_lists_it(apiserver):
    # Written at v1alpha1 (its managedFields say so), read at v1alpha2 like linkerd-smi: written
    # back at v1alpha1, with weights as the quantity strings that version's writers use.
    apiserver.store.create(trafficsplit("web", version="v1alpha1", weights=("60", "30")),
                           manager="kubectl-client-side-apply")
    apiserver.store.create(httproute("api", weights=(50, 25, 25)))

    ts = meshtui(apiserver, "weight", "ts/web", "podinfo-canary=40", "-o", "json")
    hr = meshtui(apiserver, "weight", "api", "podinfo-extra=40")

    assert ts.returncode == 0, ts.stderr
    out = json.loads(ts.stdout)
    assert out["before"] == {"podinfo-primary": 67, "podinfo-canary": 33}
    assert out["after"] == {"podinfo-primary": 60, "podinfo-canary": 40}
    assert out["dryRun"] is False and out["object"] == "trafficsplit/default/web"
    stored = apiserver.store.get("split.smi-spec.io/v1alpha1", "TrafficSplit", "default", "web")
    assert [b["weight"] for b in stored["spec"]["backends"]] == ["60", "40"]
    assert hr.returncode == 0, hr.stderr
    assert "podinfo-extra" in hr.stdout and "25% ->  40%" in hr.stdout
    assert _percents(apiserver, "gateway.networking.k8s.io/v1", "HTTPRoute", "api") == [40, 20, 40]

    audit = meshtui(apiserver, "audit", "-o", "json")
    records = json.loads(audit.stdout)
    assert [(r["object"]["name"], r["result"]) for r in records] == [("web", "ok"), ("api", "ok")]
    tail = meshtui(apiserver, "audit", "--tail", "1")
    assert tail.returncode == 0 and len(tail.stdout.splitlines()) == 1
    assert "httproute/default/api" in tail.stdout and "ok" in tail.stdout
    assert ADMIN_TOKEN not in audit.stdout + tail.stdout
    everything = meshtui(apiserver, "audit", "--tail", "5")
    assert len(everything.stdout.splitlines()) == 2, "a tail longer than the log prints it all"


def test_dry_run_prints_the_preview_and_stores_nothing(apiserver):
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    result = meshtui(apiserver, "weight", "trafficsplit/web", "podinfo-canary=100",
                     "podinfo-primary=0", "--dry-run", "-o", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["dryRun"] is True and out["after"] == {"podinfo-primary": 0, "podinfo-canary": 100}
    assert _percents(apiserver, "split.smi-spec.io/v1alpha2", "TrafficSplit", "web") == [90, 10]
    assert [r["result"] for r in read_audit()] == ["dry-run"]


def test_refusals_are_one_error_line_and_send_no_write(apiserver):
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    apiserver.store.create(httproute("web"))

    results = meshtui_together(
        apiserver,
        ("weight", "web", "podinfo-canary=20"),
        ("weight", "ts/web", "podinfo-canary=120"),
        ("weight", "ts/web", "nope=20"),
        ("weight", "ts/web", "podinfo-canary=20", "--read-only"),
        ("weight", "hr/web", "podinfo-canary=20", "--context", "readonly"))
    ambiguous, invalid, unknown, readonly, forbidden = (_one_error_line(r) for r in results)

    assert "ambiguous" in ambiguous
    assert "exceed 100" in invalid
    assert "unknown backend 'nope'" in unknown
    assert "read-only" in readonly
    assert "cannot patch httproutes.gateway.networking.k8s.io default/web" in forbidden
    assert [r.status for r in mutating(apiserver.server)] == [403]
    assert sorted(r["result"] for r in read_audit()) == ["forbidden", "read-only"]


def test_promote_and_abort_by_owner(apiserver):
    split = trafficsplit("books", service="books", weights=(80, 20))
    split["metadata"]["ownerReferences"] = owner_ref("Rollout", "books")
    apiserver.store.create(split)
    apiserver.store.create(rollout())

    promote = meshtui(apiserver, "promote", "ts/books", "-o", "json")
    abort, resume = meshtui_together(apiserver, ("abort", "books"), ("resume", "books"))
    refused = _one_error_line(resume)

    assert promote.returncode == 0, promote.stderr
    out = json.loads(promote.stdout)
    assert out["controller"] == "argo-rollouts"
    assert [(w["target"], w["patch"], w["result"]) for w in out["writes"]] == [
        ("rollout/default/books/status", {"status": {"pauseConditions": None}}, "ok")]
    assert abort.returncode == 0, abort.stderr
    status = apiserver.store.get("argoproj.io/v1alpha1", "Rollout", "default", "books")["status"]
    assert status["abort"] is True and "pauseConditions" not in status
    assert "not manually paused" in refused


def test_weight_on_an_owned_split_needs_force_and_a_no_op_writes_nothing(apiserver):
    """Argo sets a paused Rollout's weights back: `weight` says so and writes only with --force;
    weights already as asked send no request at all."""
    split = trafficsplit("books", service="books", weights=(80, 20))
    split["metadata"]["ownerReferences"] = owner_ref("Rollout", "books")
    apiserver.store.create(split)
    apiserver.store.create(rollout(phase="Paused"))
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))

    refused, same = meshtui_together(apiserver, ("weight", "ts/books", "books-canary=25"),
                                     ("weight", "ts/web", "podinfo-canary=10"))
    line = _one_error_line(refused)
    assert "set the weights back" in line and "even while it is paused" in line and "--force" in line
    assert same.returncode == 0, same.stderr
    assert "unchanged, nothing written" in same.stdout
    assert mutating(apiserver.server) == [] and read_audit() == []

    forced = meshtui(apiserver, "weight", "ts/books", "books-canary=25", "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stderr.startswith("warning: ") and "promote / abort" in forced.stderr
    assert _percents(apiserver, "split.smi-spec.io/v1alpha2", "TrafficSplit", "books") == [75, 25]
