"""A small HTTP server on loopback, served from a daemon thread and restartable on its port.

The simulator's side servers (the metrics exporter, Flagger's load tester) share this life
cycle; each supplies only its request handling.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps http.server's per-request log lines off stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def answer(self, code: int, body: bytes, content_type: str) -> None:
        """Send a complete response with its length."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LoopbackServer:
    """Base of a side server: `start` binds and serves, `stop` ends it, `start` again rebinds.

    Args:
        host: Address to bind; loopback by default (nothing here is ever exposed).
        port: Port to bind; 0 picks a free one, kept across restarts.
        thread_name: Name of the serving thread, for debugging.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 thread_name: str = "meshtui-sim-http") -> None:
        self.host = host
        self._requested_port = port
        self._thread_name = thread_name
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The handler class serving this server's requests."""
        raise NotImplementedError

    @property
    def port(self) -> int:
        """The bound port (the requested one before `start`)."""
        return self._server.server_address[1] if self._server else self._requested_port

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> Any:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer((self.host, self._requested_port), self.handler_class())
        self._server.daemon_threads = True
        self._requested_port = self._server.server_address[1]
        # A short poll interval keeps stop() quick; serve_forever checks for shutdown at that rate.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name=self._thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent); `start` binds the same port again."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
