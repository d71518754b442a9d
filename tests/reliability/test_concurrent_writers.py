"""Scenario 4: concurrent writers on one split, 500 writes in total.

In-process `ClusterWriter`s on threads (most writes), two ``meshtui weight`` loops as real
subprocesses, and a ``kubectl patch`` loop all change the same TrafficSplit. Every meshtui write
either lands on the latest version or is reported as a conflict; acknowledged writes form one
unbroken chain of resourceVersions (no lost update); the final state is the last acknowledged
write; the audit logs hold one record per meshtui attempt with the matching result.
"""

from __future__ import annotations

import json
import os
import random
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from meshtui.kube.audit import AuditLog, read_audit
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.writer import ClusterWriter, Conflict
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents
from tests.plugins.apiserver import trafficsplit
from tests.reliability import figures
from tests.reliability.support import run_meshtui

TOTAL = 500
THREADS = 6
CLI_LOOPS, CLI_RUNS = 2, 6
KUBECTL_RUNS = 14
TS_V = "split.smi-spec.io/v1alpha2"


@dataclass(frozen=True)
class Ack:
    """An acknowledged write: the version it created, the version it was based on, its weights."""

    rv: int
    base: int | None
    percents: tuple[int, ...]
    source: str


class Tally:
    """Outcomes of every writer, thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acks: list[Ack] = []
        self.conflicts: dict[str, int] = {}
        self.attempts: dict[str, int] = {}
        self.errors: list[str] = []
        self.unchanged: dict[str, int] = {}
        """Attempts that found the weights already as asked: no request, so no audit record."""

    def attempt(self, source: str) -> None:
        with self.lock:
            self.attempts[source] = self.attempts.get(source, 0) + 1

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)

    def nothing_to_write(self, source: str) -> None:
        with self.lock:
            self.unchanged[source] = self.unchanged.get(source, 0) + 1

    def conflict(self, source: str) -> None:
        with self.lock:
            self.conflicts[source] = self.conflicts.get(source, 0) + 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _in_process(apiserver, audit: Path, writes: int, seed: int, tally: Tally, source: str) -> None:
    cluster = load_cluster(str(apiserver.kubeconfig), "meshtui-sim")
    client = MeshClient(cluster)
    writer = ClusterWriter(cluster, audit=AuditLog(audit))
    rng = random.Random(seed)
    try:
        for _ in range(writes):
            split = parse_split(client.get("trafficsplits", "default", "race"))
            canary = rng.randint(0, 100)
            tally.attempt(source)
            try:
                result = writer.set_weights(split, [100 - canary, canary])
            except Conflict:
                tally.conflict(source)
                continue
            except Exception as exc:  # noqa: BLE001 - every other outcome is a failure to report
                tally.error(f"{source}: {type(exc).__name__}: {exc}")
                continue
            tally.ack(Ack(int(result.obj["metadata"]["resourceVersion"]),
                          int(split.resource_version), (100 - canary, canary), source))
    finally:
        cluster.close()


def _cli_loop(apiserver, state_home: Path, seed: int, tally: Tally, source: str) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(state_home)}
    rng = random.Random(seed)
    for _ in range(CLI_RUNS):
        canary = rng.randint(0, 100)
        tally.attempt(source)
        result = run_meshtui(apiserver.kubeconfig, "weight", "ts/race",
                             f"podinfo-canary={canary}", "-n", "default", "-o", "json", env=env)
        if result.returncode == 0:
            out = json.loads(result.stdout)
            tally.ack(Ack(int(out["resourceVersion"]), None, (100 - canary, canary), source))
            if out.get("changed") is False:
                # Another writer had set these very weights (1 in 101 per run): read, not written.
                tally.nothing_to_write(source)
        elif "conflict" in result.stderr:
            tally.conflict(source)
        else:
            tally.error(f"{source}: {result.stderr.strip()}")


def _kubectl_loop(apiserver, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    for _ in range(KUBECTL_RUNS):
        canary = rng.randint(0, 100)
        patch = {"spec": {"backends": [{"service": "podinfo-primary", "weight": 100 - canary},
                                       {"service": "podinfo-canary", "weight": canary}]}}
        tally.attempt("kubectl")
        result = apiserver.kubectl("patch", "trafficsplits.split.smi-spec.io", "race",
                                   "-n", "default", "--type", "merge", "-p", json.dumps(patch),
                                   "-o", "json", check=False)
        if result.returncode == 0:
            rv = int(json.loads(result.stdout)["metadata"]["resourceVersion"])
            tally.ack(Ack(rv, None, (100 - canary, canary), "kubectl"))
        else:
            tally.error(f"kubectl: {result.stderr.strip()}")


@pytest.mark.heavy
@pytest.mark.kubectl
def test_five_hundred_concurrent_writes(apiserver, tmp_path: Path) -> None:
    apiserver.kubectl("version", "--client")  # skips early when kubectl is absent
    created = apiserver.store.create(trafficsplit("race", weights=(100, 0)))
    tally = Tally()
    per_thread = (TOTAL - CLI_LOOPS * CLI_RUNS - KUBECTL_RUNS) // THREADS
    in_process_total = per_thread * THREADS
    workers = [threading.Thread(target=_in_process, args=(
        apiserver, tmp_path / f"audit-{i}.log", per_thread, i, tally, f"thread-{i}"))
        for i in range(THREADS)]
    workers += [threading.Thread(target=_cli_loop, args=(
        apiserver, tmp_path / f"state-{i}", 100 + i, tally, f"cli-{i}")) for i in range(CLI_LOOPS)]
    workers.append(threading.Thread(target=_kubectl_loop, args=(apiserver, 200, tally)))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert not any(w.is_alive() for w in workers), "a writer did not finish"

    attempted = sum(tally.attempts.values())
    assert attempted == in_process_total + CLI_LOOPS * CLI_RUNS + KUBECTL_RUNS
    assert tally.errors == [], tally.errors[:5]
    conflicts = sum(tally.conflicts.values())
    assert len(tally.acks) + conflicts == attempted, "every write landed or was a conflict"

    # Acknowledged writes, in the order the server applied them, form one chain: each guarded
    # meshtui write was based on the version the previous acknowledged write created.
    # A write that changes nothing creates no version (as with kube-apiserver): it confirms one.
    # The chain starts at the created object: the first landed write may be based on it.
    versions: dict[int, set[tuple[int, ...]]] = {
        int(created["metadata"]["resourceVersion"]): {(100, 0)}}
    for ack in tally.acks:
        versions.setdefault(ack.rv, set()).add(ack.percents)
    assert all(len(p) == 1 for p in versions.values()), "one version, one content"
    order = sorted(versions)
    previous = {rv: before for before, rv in zip(order, order[1:], strict=False)}
    changes = [a for a in tally.acks if a.base is not None and a.base != a.rv]
    broken = [a for a in changes if previous.get(a.rv) != a.base]
    lost = len(broken)
    assert lost == 0, [(a, previous.get(a.rv), sorted(versions)[max(0, order.index(a.rv) - 3):
                                                                order.index(a.rv) + 2])
                       for a in broken]
    last = next(iter(versions[order[-1]]))
    stored = apiserver.store.get(TS_V, "TrafficSplit", "default", "race")
    assert int(stored["metadata"]["resourceVersion"]) == order[-1]
    assert tuple(rule_percents(parse_split(stored), 0)) == last

    audited: dict[str, list[str]] = {}
    for i in range(THREADS):
        audited[f"thread-{i}"] = [r["result"] for r in read_audit(tmp_path / f"audit-{i}.log")]
    for i in range(CLI_LOOPS):
        path = tmp_path / f"state-{i}" / "meshtui" / "audit.log"
        audited[f"cli-{i}"] = [r["result"] for r in read_audit(path)]
    for source, results in audited.items():
        written = tally.attempts[source] - tally.unchanged.get(source, 0)
        assert len(results) == written, f"{source}: an attempt is not audited"
        assert results.count("conflict") == tally.conflicts.get(source, 0), source
        assert set(results) <= {"ok", "conflict"}, source
    meshtui_attempts = sum(v for k, v in tally.attempts.items() if k != "kubectl")
    figures.record("concurrent_writers", writes_attempted=attempted,
                   meshtui_attempts=meshtui_attempts, kubectl_writes=KUBECTL_RUNS,
                   landed=len(tally.acks), conflicts=conflicts, lost=lost,
                   versions_created=len(order),
                   audited=sum(len(r) for r in audited.values()),
                   cli_subprocess_writes=CLI_LOOPS * CLI_RUNS)
