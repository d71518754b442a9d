"""A Kubernetes API emulator on real HTTP for tests and demo mode.

`Store` holds the objects (built-ins plus the mesh CRDs), `ApiServer` serves them to kubectl and
the official client, `write_kubeconfig` points clients at it with the admin or read-only identity.
"""

from __future__ import annotations

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.kubeconfig import ADMIN_TOKEN, READONLY_TOKEN, write_kubeconfig
from meshtui.sim.apiserver.server import ApiServer, RequestRecord
from meshtui.sim.apiserver.store import Store

__all__ = ["ADMIN_TOKEN", "READONLY_TOKEN", "ApiError", "ApiServer", "RequestRecord", "Store",
           "write_kubeconfig"]
