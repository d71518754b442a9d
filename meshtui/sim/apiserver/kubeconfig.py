"""Identities of the emulator and a kubeconfig that carries them."""

from __future__ import annotations

from pathlib import Path

import yaml

# Fixed, test-only bearer tokens of the simulated cluster (not secrets of any real system).
ADMIN_TOKEN = "meshtui-sim-admin-4f1c2e9b"
READONLY_TOKEN = "meshtui-sim-readonly-7d3a5c81"

IDENTITIES = {ADMIN_TOKEN: "admin", READONLY_TOKEN: "readonly"}


def write_kubeconfig(path: str | Path, url: str, *, context: str = "meshtui-sim") -> Path:
    """Write a kubeconfig for the emulator at `url`.

    Contexts: ``meshtui-sim`` (user ``admin``) and ``readonly`` (user ``readonly``), both in
    namespace ``default``.

    Args:
        path: Where to write (parents are created).
        url: The emulator's base URL.
        context: The current context.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "meshtui-sim", "cluster": {"server": url}}],
        "users": [{"name": "admin", "user": {"token": ADMIN_TOKEN}},
                  {"name": "readonly", "user": {"token": READONLY_TOKEN}}],
        "contexts": [
            {"name": "meshtui-sim", "context": {"cluster": "meshtui-sim", "user": "admin",
                                                "namespace": "default"}},
            {"name": "readonly", "context": {"cluster": "meshtui-sim", "user": "readonly",
                                             "namespace": "default"}},
        ],
        "current-context": context,
        "preferences": {},
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)
    return path
