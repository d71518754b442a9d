"""Writes and watches: a weight write to the API server, and a kubectl change to the screen."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.cluster import WriteLog
from bench.kubectl import Kubectl
from bench.profiles import Profile
from bench.probe import wait_until
from bench.remote_mesh import where
from bench.session import app_session, row_percents
from bench.stats import Measure, at_most

ROUTES = "httproutes.gateway.networking.k8s.io"
KUBECTL_TIMEOUT = 30.0


def route_names(profile: Profile, count: int) -> list[tuple[str, str]]:
    """(namespace, name) of Gateway API HTTPRoutes of the scale scenario (every fourth split, from 1)."""
    names = [(f"scale-{i % profile.namespaces:03d}", f"app-{i:05d}")
             for i in range(1, profile.splits, 4)]
    return [names[k % len(names)] for k in range(count)]


def _weights_patch(canary: int) -> str:
    return (f'[{{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":{100 - canary}}},'
            f'{{"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":{canary}}}]')


async def _external_changes(profile: Profile, client: Any, kubectl: Kubectl,
                            log: WriteLog) -> tuple[list[float], int]:
    from meshtui.model.split import SplitRef

    samples: list[float] = []
    async with app_session(client, None, expect=profile.splits) as (app, pilot, probe):
        screen = app.dashboard
        for k, (namespace, name) in enumerate(route_names(profile, profile.change_samples)):
            canary = 31 + k % 60
            ref = SplitRef("HTTPRoute", "gateway.networking.k8s.io", namespace, name)
            # Shown in the detail pane, so the change is on screen: a navigator row scrolled out
            # of view is redrawn by no frame (the app draws nothing that did not change).
            screen.select_split(ref)
            await wait_until(lambda ref=ref: screen.current_split() is not None
                             and screen.current_split().ref == ref, message=f"{ref} selected")
            await pilot.pause()
            expected = (float(100 - canary), float(canary))
            probe.arm(lambda ref=ref, expected=expected: row_percents(app, ref) == expected)
            before = len(log)
            proc = await asyncio.create_subprocess_exec(
                *kubectl.argv("patch", ROUTES, name, "-n", namespace, "--type", "json",
                              "-p", _weights_patch(canary)),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
                stdin=asyncio.subprocess.DEVNULL)
            shown = await probe.wait()
            await asyncio.wait_for(proc.wait(), KUBECTL_TIMEOUT)
            writes = log.since(before)
            if shown is not None and writes:
                samples.append((shown - writes[0][0]) * 1000)
    return samples, probe.timeouts


def measure_external_change(profile: Profile, client: Any, kubectl: Kubectl, log: WriteLog) -> Measure:
    """``external_change_to_screen_ms``: kubectl's PATCH logged by the API server to the first
    frame showing the new weights (the app runs in this process, beside the emulator)."""
    kubectl.warm()
    samples, timeouts = asyncio.run(_external_changes(profile, client, kubectl, log))
    note = (f"{profile.splits} splits watched, the changed one selected; from the emulator logging "
            f"kubectl's PATCH to the first frame showing the new weights; {where()}")
    if timeouts:
        note += f"; {timeouts} samples never reached the screen within 10 s"
    measure = Measure("external_change_to_screen_ms", tuple(samples), "ms", "p95 <= 150", None, note)
    return replace(measure, met=at_most(measure.p95, 150.0) if not timeouts else False)


async def _key_presses(profile: Profile, client: Any, writer: Any, log: WriteLog) -> list[float]:
    from meshtui.model.split import SplitRef
    from meshtui.ui.screens.confirm import ConfirmDialog

    samples: list[float] = []
    async with app_session(client, None, expect=profile.splits, writer=writer) as (app, pilot, _probe):
        screen = app.dashboard
        # The first lists put the cursor on the first split; a selection made before that is lost.
        await wait_until(lambda: screen.initial_load_done and screen.owners_ready(),
                         message="the first lists in")
        await pilot.pause()
        for namespace, name in route_names(profile, profile.write_samples):
            ref = SplitRef("HTTPRoute", "gateway.networking.k8s.io", namespace, name)
            screen.select_split(ref)
            await wait_until(lambda ref=ref: screen.current_split() is not None
                             and screen.current_split().ref == ref, message=f"{ref} selected")
            version = screen.current_split().resource_version
            await pilot.press("plus", "a")
            await wait_until(lambda: isinstance(app.screen, ConfirmDialog) and app.screen.armed,
                             message="confirmation, armed")
            before = len(log)
            start = time.perf_counter()
            await pilot.press("y")
            writes = await wait_until(lambda before=before: log.since(before), timeout=10.0,
                                      message="the PATCH at the API server")
            samples.append((writes[0][0] - start) * 1000)
            # The next split starts from a settled screen: the write's own watch event is in.
            await wait_until(lambda ref=ref, version=version: not isinstance(app.screen, ConfirmDialog)
                             and screen.state.split(ref).resource_version != version,
                             message="the write seen by the watch")
    return samples


def measure_key_to_write(profile: Profile, cluster: Any, client: Any, log: WriteLog,
                         workdir: Path) -> Measure:
    """``key_to_write_ms``: a real key press in the running app to the PATCH at the API server.

    For each sample the app selects an HTTPRoute (untimed), `+` moves its canary one step and `a`
    opens the confirmation (untimed); the time runs from pressing `y` to the emulator logging
    the PATCH. The first sample is the process's first write (cold).
    """
    from meshtui.kube.audit import AuditLog
    from meshtui.kube.writer import ClusterWriter

    writer = ClusterWriter(cluster, audit=AuditLog(workdir / "audit.log"))
    samples = asyncio.run(_key_presses(profile, client, writer, log))
    measure = Measure("key_to_write_ms", tuple(samples), "ms", "p95 <= 30", None,
                      note=f"{profile.splits} splits watched; real key presses in the app: `+` then `a` "
                           "(untimed), then from pressing `y` in the confirmation to the emulator logging "
                           "the PATCH; the first sample is the process's first write (cold); "
                           f"{where()}")
    return replace(measure, met=at_most(measure.p95, 30.0))
