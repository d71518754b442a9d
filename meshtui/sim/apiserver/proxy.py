"""The service proxy: `/api/v1/namespaces/{ns}/services/{svc}:{port}/proxy/{path}` forwarding."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

from meshtui.sim.apiserver.errors import ApiError


@dataclass(frozen=True)
class ProxyResponse:
    """What the upstream answered."""

    status: int
    content_type: str
    body: bytes


class ProxyTable:
    """Registered upstreams by namespace, service and port."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str, str], str] = {}

    def add(self, namespace: str, service: str, port: int | str, upstream_url: str) -> None:
        """Route a service port to `upstream_url` (an http URL, path prefix allowed)."""
        with self._lock:
            self._routes[(namespace, service, str(port))] = upstream_url.rstrip("/")

    def resolve(self, namespace: str, name: str) -> str:
        """Find the upstream for a proxy name: `svc`, `svc:port` or `http:svc:port`.

        Raises:
            ApiError: 503 when no upstream is registered, as when a service has no endpoints.
        """
        parts = name.split(":")
        if len(parts) == 3 and parts[0] in ("http", "https"):
            parts = parts[1:]
        service, port = parts[0], parts[1] if len(parts) > 1 else None
        with self._lock:
            if port is not None:
                url = self._routes.get((namespace, service, port))
            else:
                url = next((u for (ns, svc, _), u in sorted(self._routes.items())
                            if ns == namespace and svc == service), None)
        if url is None:
            raise ApiError(503, f'no endpoints available for service "{name}"',
                           "ServiceUnavailable")
        return url


def forward(upstream: str, path: str, query: str, method: str, body: bytes | None,
            content_type: str | None, timeout: float = 10.0) -> ProxyResponse:
    """Send one request to the upstream and return its answer (HTTP errors included).

    Raises:
        ApiError: 503 when the upstream cannot be reached.
    """
    url = f"{upstream}/{path.lstrip('/')}" + (f"?{query}" if query else "")
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body if method == "POST" else None,
                                     method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get("Content-Type", "text/plain")
            return ProxyResponse(response.status, kind, response.read())
    except urllib.error.HTTPError as exc:
        return ProxyResponse(exc.code, exc.headers.get("Content-Type", "text/plain"), exc.read())
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ApiError(503, f"error trying to reach service: {reason}", "ServiceUnavailable"
                       ) from exc
