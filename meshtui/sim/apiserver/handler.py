"""The HTTP request handler: authentication, routing, Status errors and the request log."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from meshtui.sim.apiserver import discovery, errors, openapi, resources
from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.kubeconfig import IDENTITIES
from meshtui.sim.apiserver.proxy import forward
from meshtui.sim.apiserver.resources import Target
from meshtui.sim.apiserver.table import wants_table
from meshtui.sim.apiserver.watchstream import WatchStream

if TYPE_CHECKING:
    from meshtui.sim.apiserver.server import ApiServer

_log = logging.getLogger(__name__)
_NOT_FOUND = "the server could not find the requested resource"


@dataclass
class Request:
    """One parsed request (the bearer token is not kept)."""

    method: str
    path: str
    raw_query: str
    query: dict[str, str]
    identity: str | None
    content_type: str | None
    accept: str | None
    body: bytes
    now: float = 0.0
    user_agent: str | None = None
    status: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


class Handler(BaseHTTPRequestHandler):
    """Serves the Kubernetes API surface of one `ApiServer` over HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    # Small JSON answers on keep-alive connections: without TCP_NODELAY, Nagle plus delayed ACKs
    # add ~40 ms to every request, which a real API server does not.
    disable_nagle_algorithm = True
    server_version = "meshtui-sim-apiserver"
    api: ApiServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; `ApiServer.requests` is the log."""

    def do_GET(self) -> None:
        """Dispatch GET."""
        self._handle("GET")

    def do_POST(self) -> None:
        """Dispatch POST."""
        self._handle("POST")

    def do_PUT(self) -> None:
        """Dispatch PUT."""
        self._handle("PUT")

    def do_PATCH(self) -> None:
        """Dispatch PATCH."""
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        """Dispatch DELETE."""
        self._handle("DELETE")

    def _identity(self) -> str | None:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return IDENTITIES.get(token.strip())

    def _read_request(self, method: str) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        return Request(method=method, path=parts.path, raw_query=parts.query,
                       query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                       identity=self._identity(), content_type=self.headers.get("Content-Type"),
                       accept=self.headers.get("Accept"), body=body, now=self.api.store.clock(),
                       user_agent=self.headers.get("User-Agent"))

    def _handle(self, method: str) -> None:
        request = self._read_request(method)
        try:
            if request.identity is None:
                raise ApiError(401, "Unauthorized", "Unauthorized")
            self._route(request)
        except ApiError as exc:
            self._send(request, exc.code, exc.to_status())
        except OSError:
            # The client went away mid-answer; nothing can be sent any more.
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - every failure must become a Status
            _log.exception("apiserver emulator failed on %s %s", method, request.path)
            self._send(request, 500, errors.status_body(500, f"internal error: {exc}",
                                                        "InternalError"))
        finally:
            if request.status:
                self._record(request)

    def _record(self, request: Request) -> None:
        """Log the request once, before the client can see the answer."""
        if not request.extra.get("recorded"):
            request.extra["recorded"] = True
            self.api.record(request)

    def _send(self, request: Request, status: int, body: Any,
              content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        request.status = status
        self._record(request)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if request.method != "HEAD":
            self.wfile.write(data)

    def _route(self, request: Request) -> None:
        segs = _segments(request.path)
        store = self.api.store
        if not _is_resource(segs):
            body = self._discovery(segs) if request.method == "GET" else None
            if body is None:
                raise ApiError(404, _NOT_FOUND, "NotFound")
            self._send(request, 200, body)
            return
        target, proxy_rest = self._target(segs)
        if proxy_rest is not None:
            self._proxy(request, target, proxy_rest)
            return
        verb = resources.verb_of(request.method, target, request.query)
        resources.authorize(request.identity or "", verb, target)
        if verb == "watch":
            self._watch(request, target)
            return
        status, body = resources.handle(store, target, request)
        self._send(request, status, body)

    def _discovery(self, segs: list[str]) -> Any:
        types = self.api.store.served_types()
        if segs == ["version"]:
            return discovery.VERSION_INFO
        if segs == ["api"]:
            return discovery.api_versions()
        if segs == ["api", "v1"]:
            return discovery.resource_list(types, "", "v1")
        if segs == ["apis"]:
            return discovery.api_group_list(types)
        if len(segs) == 2 and segs[0] == "apis":
            return discovery.api_group(types, segs[1])
        if len(segs) == 3 and segs[0] == "apis":
            return discovery.resource_list(types, segs[1], segs[2])
        if segs == ["openapi", "v3"]:
            return openapi.index(types)
        if segs[:2] == ["openapi", "v3"] and len(segs) == 4 and segs[2] == "api":
            return openapi.document(types, "", segs[3])
        if segs[:2] == ["openapi", "v3"] and len(segs) == 5 and segs[2] == "apis":
            return openapi.document(types, segs[3], segs[4])
        return None

    def _target(self, segs: list[str]) -> tuple[Target, list[str] | None]:
        if segs[0] == "api":
            group, version, rest = "", segs[1], segs[2:]
        else:
            group, version, rest = segs[1], segs[2], segs[3:]
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3 and not (
                len(rest) == 3 and rest[2] in ("status", "finalize")):
            namespace, rest = rest[1], rest[2:]
        rtype = self.api.store.type_for(group, version, rest[0])
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        if sub == "proxy" and rtype.key == ("", "services") and namespace:
            return Target(rtype, version, namespace, name, sub), rest[3:]
        if len(rest) > 3 or (namespace is not None and not rtype.namespaced):
            raise ApiError(404, _NOT_FOUND, "NotFound")
        return Target(rtype, version, namespace, name, sub), None

    def _proxy(self, request: Request, target: Target, rest: list[str]) -> None:
        if request.method not in ("GET", "POST"):
            raise ApiError(405, f"{request.method} is not supported by the service proxy",
                           "MethodNotAllowed")
        verb = "get" if request.method == "GET" else "create"
        resources.authorize(request.identity or "", verb, target)
        upstream = self.api.proxies.resolve(target.namespace or "", target.name or "")
        answer = forward(upstream, "/".join(rest), request.raw_query, request.method,
                         request.body, request.content_type)
        self._send(request, answer.status, answer.body, answer.content_type)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _watch(self, request: Request, target: Target) -> None:
        store = self.api.store
        stream = WatchStream(store, target.rtype, target.version, target.namespace, request.query,
                             self._write_chunk, as_table=wants_table(request.accept),
                             bookmark_interval=self.api.bookmark_interval,
                             stopping=lambda: self.api.stopping)
        watcher, initial, error = stream.open()
        request.status = 200
        try:
            if watcher is not None:
                self.api.track_watch(watcher)
            # Logged as the stream opens, so tests can see a watch that is still running.
            self._record(request)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            stream.run(watcher, initial, error)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        finally:
            if watcher is not None:
                self.api.untrack_watch(watcher)
                store.close_watch(watcher)


def _is_resource(segs: list[str]) -> bool:
    """Whether a GET path addresses resources (rather than discovery or OpenAPI)."""
    if len(segs) >= 3 and segs[0] == "api":
        return True
    return len(segs) >= 4 and segs[0] == "apis"
