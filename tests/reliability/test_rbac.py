"""Scenario 10: RBAC. The `readonly` identity cannot change anything; `--read-only` sends nothing.

On the default simulated scenario (controllers not running, so nothing else writes): every write
path (``weight``, ``pause``, ``resume``, ``promote``, ``abort``) on an unowned, a Flagger-owned
and an Argo-owned split either fails with a one-line "forbidden" message (a write was tried and
the server refused it) or is refused as unavailable for that split before any write; no object
changes. With ``--read-only`` (admin identity) the same commands send zero mutating requests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import figures
from tests.reliability.support import mutating, run_together

SPLITS = {
    "unowned": ("ts/authors-split", "booksapp", "authors-v2=50"),
    "flagger": ("hr/podinfo", "test", "podinfo-canary=50"),
    "argo": ("ts/books", "booksapp", "books-canary=50"),
}
ACTIONS = ("weight", "pause", "resume", "promote", "abort")
WRITES_ALWAYS = {"weight", "promote", "abort"}
"""Actions that are a write on every kind of split (pause/resume need a progressive plan)."""


def _commands(extra: tuple[str, ...]) -> list[tuple[str, ...]]:
    commands = []
    for target, namespace, assignment in SPLITS.values():
        for action in ACTIONS:
            # --force: a manual weight on an owned split is otherwise refused before any write,
            # and this scenario is about what the server refuses.
            args = (action, target, assignment, "--force") if action == "weight" else (action, target)
            commands.append((*args, "-n", namespace, *extra))
    return commands


def errors(stderr: str) -> list[str]:
    """The lines of `stderr` but the owner warning that `weight --force` prints before writing."""
    return [line for line in stderr.splitlines() if not line.startswith("warning: ")]


def _versions(store) -> dict[tuple[str, str, str], str]:
    out = {}
    for rtype in store.served_types():
        if rtype.group in ("", "apps") and rtype.plural not in ("services",):
            continue
        for obj in store.list_in(rtype, None)[1]:
            meta = obj.obj["metadata"]
            out[(rtype.plural, meta.get("namespace", ""), meta["name"])] = meta["resourceVersion"]
    return out


@pytest.mark.heavy
def test_readonly_identity_and_read_only_mode_change_nothing(sim_mesh_manual,
                                                             tmp_path: Path) -> None:
    mesh = sim_mesh_manual
    kubeconfig = mesh.write_kubeconfig(tmp_path / "kubeconfig")
    before = _versions(mesh.store)
    mesh.server.clear_requests()

    commands = _commands(("--context", "readonly"))
    results = run_together(kubeconfig, *commands)
    forbidden = unavailable = 0
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 1, (command, result)
        lines = errors(result.stderr)
        assert len(lines) == 1 and lines[0].startswith("error: "), (command, result.stderr)
        if "forbidden" in lines[0]:
            forbidden += 1
            assert "nothing was changed" in lines[0] or "cannot" in lines[0], lines[0]
        else:
            assert command[0] not in WRITES_ALWAYS, (command, lines[0])
            assert "cannot" in lines[0], (command, lines[0])
            unavailable += 1
    readonly_writes = [r for r in mutating(mesh.server) if r.identity == "readonly"]
    assert readonly_writes and all(r.status == 403 for r in readonly_writes), readonly_writes
    assert forbidden >= len(SPLITS) * len(WRITES_ALWAYS)
    assert _versions(mesh.store) == before, "the readonly identity changed something"

    mesh.server.clear_requests()
    commands = _commands(("--read-only",))
    results = run_together(kubeconfig, *commands)
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 1, (command, result)
        assert len(errors(result.stderr)) == 1, (command, result.stderr)
    read_only_mutations = len(mutating(mesh.server))
    assert read_only_mutations == 0
    assert _versions(mesh.store) == before
    figures.record("rbac", readonly_commands=len(commands), readonly_forbidden=forbidden,
                   readonly_unavailable=unavailable,
                   readonly_mutating_requests_all_403=len(readonly_writes),
                   read_only_mode_commands=len(commands),
                   read_only_mode_mutating_requests=read_only_mutations, objects_changed=0)
