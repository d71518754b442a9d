"""Reliability suite helpers: a watch sink feeding `MeshState`, comparisons, CLI runs."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from meshtui.kube.events import ConnectionChanged, ObjectChanged, ObjectsListed, WatchEvent
from meshtui.model.mesh import MeshState

ROOT = Path(__file__).resolve().parents[2]
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
SPLIT_RESOURCES = ["trafficsplits", "httproutes.gateway.networking.k8s.io",
                   "httproutes.policy.linkerd.io"]


class StateFeeder:
    """A watch sink that applies events to a `MeshState`, as the dashboard does, and keeps them.

    Thread-safe: watch threads call it, the test reads it.
    """

    def __init__(self) -> None:
        self.state = MeshState()
        self.events: list[WatchEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: WatchEvent) -> None:
        with self._lock:
            self.events.append(event)
            if isinstance(event, ObjectsListed):
                self.state.replace(event.resource, event.objects)
            elif isinstance(event, ObjectChanged):
                if event.type == "DELETED":
                    self.state.delete(event.resource, event.obj)
                else:
                    self.state.upsert(event.resource, event.obj)

    def of(self, cls: type, **attrs: Any) -> list[Any]:
        """Events of one class whose attributes equal `attrs`."""
        with self._lock:
            events = list(self.events)
        return [e for e in events
                if isinstance(e, cls) and all(getattr(e, k) == v for k, v in attrs.items())]

    def connection(self, resource: str) -> bool | None:
        """The last reported connection state of `resource` (None when never reported)."""
        changes = self.of(ConnectionChanged, resource=resource)
        return changes[-1].connected if changes else None

    def snapshot(self) -> dict[tuple[str, str, str], tuple[str, tuple]]:
        """The splits the state holds: (kind/group, ns, name) -> (resourceVersion, weights)."""
        with self._lock:
            splits = self.state.splits()
        return {(s.ref.resource_key, s.namespace, s.name):
                (s.resource_version, tuple(b.raw_weight for b in s.backends)) for s in splits}


def server_snapshot(client: Any, namespace: str | None = None
                    ) -> dict[tuple[str, str, str], tuple[str, tuple]]:
    """The same view as `StateFeeder.snapshot`, from a direct list of the server."""
    return {(s.ref.resource_key, s.namespace, s.name):
            (s.resource_version, tuple(b.raw_weight for b in s.backends))
            for s in client.list_splits(namespace)}


def meshtui_command(kubeconfig: Path | None, *args: str) -> list[str]:
    """``python -m meshtui ARGS`` (with ``--kubeconfig`` unless the command is ``audit``)."""
    command = [sys.executable, "-m", "meshtui", *args]
    if kubeconfig is not None and args and args[0] != "audit":
        command += ["--kubeconfig", str(kubeconfig)]
    return command


def run_meshtui(kubeconfig: Path | None, *args: str, env: dict[str, str] | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run one meshtui command to completion."""
    return subprocess.run(meshtui_command(kubeconfig, *args), capture_output=True, text=True,
                          timeout=timeout, check=False, cwd=ROOT, env=env)


def run_together(kubeconfig: Path | None, *commands: tuple[str, ...],
                 env: dict[str, str] | None = None) -> list[subprocess.CompletedProcess[str]]:
    """Run independent meshtui commands in parallel (interpreter start-up dominates)."""
    procs = [subprocess.Popen(meshtui_command(kubeconfig, *args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
             for args in commands]
    results = []
    for args, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(list(args), proc.returncode, out, err))
    return results


def mutating(server: Any) -> list[Any]:
    """The mutating requests a server received."""
    return [r for r in server.requests if r.method in MUTATING]
