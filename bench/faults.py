"""Faulty Prometheus servers on 127.0.0.1 for ``key_to_frame_ms``: erroring, slow and garbage.

Each answers every query the app sends (``/api/v1/query`` and ``/api/v1/query_range``):

- ``erroring``: HTTP 500 and 503 in turn, with Prometheus's error body;
- ``slow``: the real Prometheus's answer (or an empty vector without one), held until longer
  than the refresh interval has passed, so every fetch is still in flight when the next is due;
- ``garbage``: HTTP 200 with, in turn, a body that is not JSON, a huge vector (tens of thousands
  of series of the right shape with labels nothing asked for) and mis-shaped JSON (a result that
  is an object, values that are not numbers, a missing ``data``).

The healthy mode is the real Prometheus the harness starts; it needs no server here.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULT_MODES = ("erroring", "slow", "garbage")
"""The faulty modes, in the order they are measured (after ``healthy``)."""

HUGE_SERIES = 20_000
"""Series in the huge garbage answer (~2.6 MB of JSON, well under the app's 32 MiB limit)."""

UPSTREAM_TIMEOUT = 10.0


def _error_body(status: int) -> bytes:
    kind = "internal" if status == 500 else "unavailable"
    return json.dumps({"status": "error", "errorType": kind,
                       "error": f"bench fault: HTTP {status}"}).encode()


def _huge_vector() -> bytes:
    result = [{"metric": {"__name__": "response_total", "namespace": f"junk-{i % 97}",
                          "deployment": f"junk-{i:06d}", "direction": "inbound",
                          "classification": "success"},
               "value": [1700000000.0, str(i % 13)]} for i in range(HUGE_SERIES)]
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}).encode()


MISSHAPEN = (
    b'{"status": "success", "data": {"resultType": "vector", "result": {"not": "a list"}}}',
    b'{"status": "success", "data": {"resultType": "vector", "result": '
    b'[{"metric": {"deployment": 7}, "value": ["now", "lots"]}, {"metric": null}]}}',
    b'{"status": "success"}',
    b'[1, 2, 3]',
)
NOT_JSON = (b"<html>not prometheus</html>", b'{"status": "success", "data": {"resultType": "vec')


class FaultPrometheus:
    """A Prometheus that misbehaves in one of `FAULT_MODES`, served from a daemon thread.

    Args:
        mode: One of `FAULT_MODES`.
        upstream: The real Prometheus ``slow`` relays (None: it answers an empty vector).
        delay: Seconds ``slow`` holds each answer.
    """

    def __init__(self, mode: str, *, upstream: str | None = None, delay: float = 1.5) -> None:
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        self.mode = mode
        self.upstream = upstream
        self.delay = delay
        self.answered = 0
        """Requests answered so far."""
        self._stopped = threading.Event()
        self._turn = itertools.count()
        self._huge: bytes | None = None
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, path: str) -> tuple[int, bytes]:
        """(status, body) for one request to `path` (path and query string)."""
        turn = next(self._turn)
        if self.mode == "erroring":
            status = 500 if turn % 2 == 0 else 503
            return status, _error_body(status)
        if self.mode == "slow":
            started = time.monotonic()
            body = self._relay(path)
            self._stopped.wait(max(0.0, self.delay - (time.monotonic() - started)))
            return 200, body
        kind = turn % 3
        if kind == 0:
            return 200, NOT_JSON[turn // 3 % len(NOT_JSON)]
        if kind == 1:
            if self._huge is None:
                self._huge = _huge_vector()
            return 200, self._huge
        return 200, MISSHAPEN[turn // 3 % len(MISSHAPEN)]

    def _relay(self, path: str) -> bytes:
        if self.upstream is not None:
            try:
                with urllib.request.urlopen(self.upstream + path, timeout=UPSTREAM_TIMEOUT) as reply:
                    return bytes(reply.read())
            except OSError:
                pass
        return b'{"status": "success", "data": {"resultType": "vector", "result": []}}'

    def start(self) -> FaultPrometheus:
        """Bind a free loopback port and serve."""
        fault = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, body = fault.answer(self.path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the app gave up on it (deadline, or quitting)
                fault.answered += 1

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                         name=f"fault-prometheus-{self.mode}").start()
        return self

    def stop(self) -> None:
        """Release held answers and shut the server down."""
        self._stopped.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FaultPrometheus:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.faults MODE [--upstream URL] [--delay S]``: serve until stdin closes.

    Prints the server's URL on its first line. The measures run each server in a process of its
    own so that building and sending its answers takes nothing from the app's process.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="bench.faults")
    parser.add_argument("mode", choices=FAULT_MODES)
    parser.add_argument("--upstream", default=None)
    parser.add_argument("--delay", type=float, default=1.5)
    args = parser.parse_args(argv)
    with FaultPrometheus(args.mode, upstream=args.upstream, delay=args.delay) as fault:
        sys.stdout.write(fault.url + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the parent closes it (or exits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
