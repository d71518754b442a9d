"""`ApiServer`: the emulator on real HTTP (127.0.0.1), restartable, with a request log."""

from __future__ import annotations

import logging
import socket
import ssl
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from meshtui.sim.apiserver.handler import Handler
from meshtui.sim.apiserver.proxy import ProxyTable
from meshtui.sim.apiserver.tlsdata import SERVER_CERT_PEM, SERVER_KEY_PEM

if TYPE_CHECKING:
    from meshtui.sim.apiserver.handler import Request
    from meshtui.sim.apiserver.history import Watcher
    from meshtui.sim.apiserver.store import Store

_log = logging.getLogger(__name__)
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
# The request log is for tests and debugging; a long demo run must not grow it without bound.
_MAX_RECORDS = 20_000
_TLS_HANDSHAKE = b"\x16"


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """The server-side TLS context with the emulator's fixed loopback certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="meshtui-apiserver-") as tmp:
        cert, key = Path(tmp, "tls.crt"), Path(tmp, "tls.key")
        cert.write_text(SERVER_CERT_PEM)
        key.write_text(SERVER_KEY_PEM)
        context.load_cert_chain(cert, key)
    return context


@dataclass(frozen=True)
class RequestRecord:
    """One served request, as tests assert on it (never the token).

    Attributes:
        method: HTTP method.
        path: URL path without the query.
        query: Query parameters (first value of each).
        identity: ``admin``, ``readonly`` or None when unauthenticated.
        content_type: The request's Content-Type header.
        status: The HTTP status answered (200 for a watch stream, even one carrying a 410).
    """

    method: str
    path: str
    query: dict[str, str] = field(hash=False)
    identity: str | None
    content_type: str | None
    status: int


def is_disconnect(exc: BaseException | None) -> bool:
    """Whether `exc` is a client ending its connection (normal), rather than a fault of ours.

    Resets, broken pipes, timeouts and every TLS-level failure (the client's alert such as
    ``TLSV1_ALERT_DECODE_ERROR``, an EOF without close_notify) are what clients do when they stop
    a watch or drop a keep-alive connection.

    Args:
        exc: The exception raised while serving a connection.

    Returns:
        True when it should be logged quietly.
    """
    return isinstance(exc, (ConnectionError, TimeoutError, ssl.SSLError, EOFError))


class _HTTPServer(ThreadingHTTPServer):
    """Serves plain HTTP and TLS on one port, and tracks connections for `stop()`.

    Each connection's first byte tells a TLS ClientHello from a plain request, so `http://` and
    `https://` URLs of the same port both work.
    """

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[Handler]) -> None:
        self.connections: set[socket.socket] = set()
        self.closing = False
        self._conn_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection, then serve it on its own thread."""
        with self._conn_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection as it closes."""
        with self._conn_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Upgrade the connection to TLS when it starts with a handshake, then serve it."""
        try:
            first = request.recv(1, socket.MSG_PEEK)
        except OSError:
            return
        if not first:
            return
        if first != _TLS_HANDSHAKE:
            self.RequestHandlerClass(request, client_address, self)  # type: ignore[arg-type]  # typeshed: the base class
            return
        try:
            conn = _tls_context().wrap_socket(request, server_side=True)
        except OSError as exc:
            # ssl.SSLError is an OSError: a client that gives up on the handshake is not news.
            _log.debug("apiserver TLS handshake with %s failed: %s", client_address, exc)
            return
        with self._conn_lock:
            self.connections.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)  # type: ignore[arg-type]  # typeshed: the base class
        finally:
            with self._conn_lock:
                self.connections.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a failed connection: a client hanging up at debug level, anything else as an error.

        The stdlib default prints a traceback to stderr for every failure, which in demo mode
        draws over the dashboard each time a watch is closed.
        """
        exc = sys.exc_info()[1]
        if is_disconnect(exc) or (self.closing and isinstance(exc, OSError)):
            _log.debug("apiserver connection from %s closed by the client: %s", client_address, exc)
        else:
            _log.error("apiserver connection from %s failed", client_address, exc_info=True)

    def close_connections(self) -> None:
        """Shut every open connection down (the serving threads then exit)."""
        self.closing = True
        with self._conn_lock:
            open_now = list(self.connections)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class ApiServer:
    """The Kubernetes API emulator over HTTP/1.1.

    Args:
        store: The objects to serve.
        host: Bind address; only loopback addresses are accepted.
        port: Port (0 picks a free one; a restart keeps the first port).
        bookmark_interval: Seconds between watch bookmarks when a client allows them.
    """

    def __init__(self, store: Store, host: str = "127.0.0.1", port: int = 0,
                 bookmark_interval: float = 5.0) -> None:
        if host not in _LOOPBACK:
            raise ValueError(f"the emulator binds to loopback only, not {host!r}")
        self.store = store
        self.host = host
        self.port = port
        self.bookmark_interval = bookmark_interval
        self.proxies = ProxyTable()
        self.stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._records: deque[RequestRecord] = deque(maxlen=_MAX_RECORDS)
        self._records_lock = threading.Lock()
        self._watches: set[Watcher] = set()
        self._watch_cond = threading.Condition()

    def __repr__(self) -> str:
        return f"ApiServer(url={self.url!r}, running={self._httpd is not None})"

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    @property
    def tls_url(self) -> str:
        """The same server over TLS, e.g. ``https://127.0.0.1:41234`` (see `write_kubeconfig`)."""
        return f"https://{self.host}:{self.port}"

    def start(self) -> ApiServer:
        """Bind and serve in a background thread (again on the same port after `stop()`)."""
        if self._httpd is not None:
            return self
        handler = type("BoundHandler", (Handler,), {"api": self})
        self._httpd = _HTTPServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self.stopping = False
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name=f"apiserver-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """End watch streams cleanly, close every connection and stop listening."""
        httpd = self._httpd
        if httpd is None:
            return
        self.stopping = True
        with self._watch_cond:
            watches = list(self._watches)
        for watcher in watches:
            self.store.close_watch(watcher)
        with self._watch_cond:
            self._watch_cond.wait_for(lambda: not self._watches, timeout=timeout)
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def proxy(self, namespace: str, service: str, port: int | str, upstream_url: str) -> None:
        """Forward `/api/v1/namespaces/{ns}/services/{svc}:{port}/proxy/...` to `upstream_url`."""
        self.proxies.add(namespace, service, port, upstream_url)

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first (the newest 20,000 requests)."""
        with self._records_lock:
            return list(self._records)

    def clear_requests(self) -> None:
        """Empty the request log."""
        with self._records_lock:
            self._records.clear()

    def record(self, request: Request) -> None:
        """Append a served request to the log (called by the handler)."""
        entry = RequestRecord(request.method, request.path, dict(request.query), request.identity,
                              request.content_type, request.status)
        with self._records_lock:
            self._records.append(entry)

    def track_watch(self, watcher: Watcher) -> None:
        """Note an open watch stream, so `stop()` can end it."""
        with self._watch_cond:
            self._watches.add(watcher)

    def untrack_watch(self, watcher: Watcher) -> None:
        """Note that a watch stream ended."""
        with self._watch_cond:
            self._watches.discard(watcher)
            self._watch_cond.notify_all()
