"""Identities of the emulator and a kubeconfig that carries them."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from meshtui.sim.apiserver.tlsdata import CA_CERT_PEM

# Fixed, test-only bearer tokens of the simulated cluster (not secrets of any real system).
ADMIN_TOKEN = "meshtui-sim-admin-4f1c2e9b"
READONLY_TOKEN = "meshtui-sim-readonly-7d3a5c81"

IDENTITIES = {ADMIN_TOKEN: "admin", READONLY_TOKEN: "readonly"}


def write_kubeconfig(path: str | Path, url: str, *, context: str = "meshtui-sim",
                     tls: bool = True) -> Path:
    """Write a kubeconfig for the emulator at `url`.

    Contexts: ``meshtui-sim`` (user ``admin``) and ``readonly`` (user ``readonly``), both in
    namespace ``default``. With `tls` (the default) an ``http://`` URL is written as its
    ``https://`` form with the emulator's CA: kubectl sends a user's token only over TLS, and the
    emulator serves both on the same port.

    Args:
        path: Where to write (parents are created).
        url: The emulator's base URL (`ApiServer.url`).
        context: The current context.
        tls: Point clients at the TLS form of `url`.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cluster: dict[str, str] = {"server": url}
    parts = urlsplit(url)
    if tls and parts.scheme in ("http", "https"):
        cluster["server"] = urlunsplit(("https", *parts[1:]))
        cluster["certificate-authority-data"] = base64.b64encode(CA_CERT_PEM.encode()).decode()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "meshtui-sim", "cluster": cluster}],
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
