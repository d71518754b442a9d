"""Scenario 5: ``meshtui weight`` killed with SIGKILL in the middle of a write.

The split must be either exactly as before or exactly as requested, never half-applied. Three
kill points: at a moment chosen by watching the request log (around the PATCH), with the PATCH
half-sent (a proxy holds the rest: the server must keep the old state), and with the PATCH
applied but its answer held (the server keeps the new state).
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents
from meshtui.sim.apiserver import write_kubeconfig
from tests.plugins.apiserver import trafficsplit
from tests.reliability import figures
from tests.reliability.proxy import TcpProxy
from tests.reliability.support import ROOT, meshtui_command
from tests.waiting import wait_for

TS_V = "split.smi-spec.io/v1alpha2"
AROUND_PATCH_RUNS = 6


@pytest.fixture
def proxied(apiserver, tmp_path: Path) -> Iterator[tuple[TcpProxy, Path]]:
    """A proxy before the emulator and a plain-HTTP kubeconfig through it."""
    proxy = TcpProxy(apiserver.server.port).start()
    kubeconfig = write_kubeconfig(tmp_path / "proxied", proxy.url, tls=False)
    try:
        yield proxy, kubeconfig
    finally:
        proxy.stop()


def _percents(apiserver) -> tuple[int, ...]:
    split = parse_split(apiserver.store.get(TS_V, "TrafficSplit", "default", "victim"))
    assert split.problems == (), split.problems
    return tuple(rule_percents(split, 0))


def _start(kubeconfig: Path, canary: int) -> subprocess.Popen[str]:
    return subprocess.Popen(meshtui_command(kubeconfig, "weight", "ts/victim",
                                            f"podinfo-canary={canary}"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode in (-signal.SIGKILL, 0), proc.returncode


def _patches(apiserver) -> int:
    return sum(1 for r in apiserver.server.requests if r.method == "PATCH" and r.status == 200)


@pytest.mark.heavy
def test_sigkill_never_half_applies(apiserver, proxied) -> None:
    proxy, kubeconfig = proxied
    apiserver.store.create(trafficsplit("victim", weights=(100, 0)))
    outcomes = {"before": 0, "after": 0}

    # Killed as soon as the split was read: the PATCH is in flight, or about to be.
    for run in range(AROUND_PATCH_RUNS):
        before = _percents(apiserver)
        canary = 10 + run * 7
        # Even runs die once the split was read, odd ones once the server answered the PATCH.
        method = "GET" if run % 2 == 0 else "PATCH"
        seen = lambda m=method: sum(1 for q in apiserver.server.requests  # noqa: E731 - a condition wait_for re-reads
                                    if q.method == m and q.path.endswith("/victim")
                                    and q.status == 200)
        count = seen()
        proc = _start(kubeconfig, canary)
        wait_for(lambda c=count, seen=seen, proc=proc: seen() > c or proc.poll() is not None,
                 timeout=30, message=f"the {method} of the split")
        _kill(proc)
        now = _percents(apiserver)
        assert now in (before, (100 - canary, canary)), (before, now)
        outcomes["before" if now == before else "after"] += 1

    # The PATCH half-sent when the process dies: the server must not apply a partial body.
    before = _percents(apiserver)
    proxy.on_request(lambda chunk: chunk.startswith(b"PATCH "), "cut")
    proc = _start(kubeconfig, 77)
    wait_for(lambda: proxy._request_rule is None, timeout=30, message="the PATCH to be cut")
    _kill(proc)
    assert _percents(apiserver) == before
    outcomes["before"] += 1

    # The PATCH applied but its answer held: killed before it knows, the new state stays whole.
    patches = _patches(apiserver)
    proxy.on_request(lambda chunk: chunk.startswith(b"PATCH "), "stall")
    proc = _start(kubeconfig, 64)
    wait_for(lambda: _patches(apiserver) > patches, timeout=30, message="the PATCH to be served")
    _kill(proc)
    proxy.unstall()
    assert _percents(apiserver) == (36, 64)
    outcomes["after"] += 1

    figures.record("sigkill", kills=AROUND_PATCH_RUNS + 2, half_applied=0,
                   left_before=outcomes["before"], left_after=outcomes["after"])
