"""Bounded HTTP for Prometheus: a body-size limit and a total deadline on every request.

requests and urllib3 only know a timeout per socket operation: a server dripping one byte a
second never trips it, and `Response.content` reads a body of any size into memory.
`BoundedAdapter` is mounted on the session handed to `PrometheusConnect`, so the client library
still makes every call (nothing of it is bypassed) while every answer is read in chunks and
dropped past `max_body` bytes. When the deadline passes (one watchdog thread for every request) or
the adapter is closed, the
request is cut short: its socket is shut down, which wakes a read waiting on a silent server, and
every later read of that socket raises, which stops a server that keeps dripping bytes (Linux
still delivers those after a shutdown). Both hold in whichever phase the request is: connecting,
waiting for headers, reading the body.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import ssl
import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from meshtui.metrics.source import MAX_BODY_MIB

MIB = 1024 * 1024
DEFAULT_MAX_BODY = MAX_BODY_MIB * MIB
"""Largest answer (after decompression) read from Prometheus, in bytes."""

CHUNK = 64 * 1024
"""Bytes read at a time, the most read past the limit before it is noticed."""

TOO_LARGE = "too large"
DEADLINE = "deadline"
CLOSED = "closed"


class Aborted(Exception):
    """A request cut short on purpose. `reason` is `TOO_LARGE`, `DEADLINE` or `CLOSED`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def size_text(size: int) -> str:
    """`size` bytes in the unit the config file uses (MiB), e.g. ``"32 MiB"``."""
    return f"{size / MIB:g} MiB" if size >= MIB else f"{size} bytes"


class _Request:
    """One request in flight: the connections and sockets it used and, once cut short, why."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self.done = False
        self._connections: list[Any] = []
        # Sockets too: http.client drops a connection's socket (`sock = None`) once the
        # answer's body runs to the end of the stream, and only the answer still holds it.
        self._sockets: list[Any] = []
        self._lock = threading.Lock()

    def join(self, connection: Any) -> None:
        """Follow `connection`; refuse to go on when the request was already cut short."""
        sock = getattr(connection, "sock", None)
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
            if sock is not None and sock not in self._sockets:
                self._sockets.append(sock)
            reason = self.reason
        if reason is not None:
            _shut(sock)
            raise Aborted(reason)

    def check(self) -> None:
        """Raise `Aborted` once the request was cut short."""
        if self.reason is not None:
            raise Aborted(self.reason)

    def abort(self, reason: str) -> None:
        """Cut the request short: every read or write on its sockets fails at once."""
        with self._lock:
            if self.done or self.reason is not None:
                return
            self.reason = reason
            sockets = [*self._sockets, *(getattr(c, "sock", None) for c in self._connections)]
        for sock in sockets:
            _shut(sock)

    def finish(self) -> None:
        """The request is over: a late deadline must not touch its (pooled) connections."""
        with self._lock:
            self.done = True


def _shut(sock: Any) -> None:
    if sock is None:
        return
    try:
        # The plain socket's shutdown, also under TLS: SSLSocket.shutdown would first drop the
        # TLS object another thread is reading through.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Watchdog:
    """Cuts each watched request short at its deadline, from one daemon thread started on first use.

    A `threading.Timer` per request started and joined a thread for every query (five a refresh);
    one thread waiting for the earliest deadline does the same without that churn.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, _Request]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, flight: _Request, seconds: float) -> None:
        """Abort `flight` with `DEADLINE` once `seconds` have passed, unless it finished first."""
        entry = (time.monotonic() + seconds, next(self._order), flight)
        with self._wake:
            heapq.heappush(self._due, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="meshtui-deadlines",
                                                daemon=True)
                self._thread.start()
            if self._due[0] is entry:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                # Finished requests are dropped when they reach the front: at most a deadline's
                # worth of queries wait in the heap.
                while self._due and self._due[0][2].done:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                due, _, flight = self._due[0]
                left = due - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                heapq.heappop(self._due)
            flight.abort(DEADLINE)


_WATCHDOG = _Watchdog()


_current = threading.local()
"""The `_Request` the calling thread is sending, for the connections it picks up."""


def _join(connection: Any) -> None:
    request = getattr(_current, "request", None)
    if request is not None:
        request.join(connection)


class _GuardedSocket(socket.socket):
    """A socket whose every read first checks that its thread's request was not cut short."""

    __slots__ = ()

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        request = getattr(_current, "request", None)
        if request is not None:
            request.check()
        return super().recv_into(*args, **kwargs)


class _GuardedSSLSocket(ssl.SSLSocket):
    """`_GuardedSocket` for TLS (one read of an SSLSocket is bounded by its timeout in all)."""

    def recv_into(self, *args: Any, **kwargs: Any) -> int:
        request = getattr(_current, "request", None)
        if request is not None:
            request.check()
        return super().recv_into(*args, **kwargs)


_GUARDED: dict[type, type] = {socket.socket: _GuardedSocket, ssl.SSLSocket: _GuardedSSLSocket}


def _guard(sock: Any) -> None:
    # urllib3 builds its sockets itself; a subclass that only adds a method is swapped in rather
    # than copying urllib3's connection code. Other socket types (a TLS-in-TLS proxy tunnel)
    # still get the shutdown, not the per-read check.
    guarded = _GUARDED.get(type(sock))
    if guarded is not None:
        sock.__class__ = guarded


class _Followed:
    """Connection mixin: join the request in flight on this thread, and stop when it was cut."""

    def connect(self) -> None:
        _join(self)
        super().connect()  # type: ignore[misc]
        _guard(self.sock)  # type: ignore[attr-defined]
        _join(self)  # cut short while connecting: the new socket was not shut yet

    def request(self, *args: Any, **kwargs: Any) -> None:
        _join(self)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Followed, HTTPConnection):
    pass


class _HTTPSConnection(_Followed, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class BoundedAdapter(HTTPAdapter):
    """An `HTTPAdapter` that reads at most `max_body` bytes and gives each request `deadline` s.

    The body is always read here (as requests does without ``stream=True``), so the limit and the
    deadline cover it. `close` cuts every request in flight short and refuses new ones.

    Args:
        max_body: Largest body accepted, in bytes (decompressed).
        deadline: Seconds one request may take from start to its last byte.
        max_retries: As for `HTTPAdapter`.
    """

    def __init__(self, *, max_body: int = DEFAULT_MAX_BODY, deadline: float,
                 max_retries: Any = 0) -> None:
        self.max_body = max_body
        self.deadline = deadline
        self._closed = False
        self._active: set[_Request] = set()
        self._flights_lock = threading.Lock()
        super().__init__(max_retries=max_retries)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # A SOCKS manager's own pools are what route through the proxy: keep them. Such
        # requests keep the size limit and the socket timeout, not the total deadline.
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        """Send `request` and read its whole body within the limits.

        Raises:
            Aborted: The body is too large, the deadline passed, or the adapter is closed.
        """
        flight = _Request()
        with self._flights_lock:
            if self._closed:
                raise Aborted(CLOSED)
            self._active.add(flight)
        _WATCHDOG.watch(flight, self.deadline)
        outer = getattr(_current, "request", None)
        _current.request = flight
        try:
            response = super().send(request, stream=True, timeout=timeout, verify=verify,
                                    cert=cert, proxies=proxies)
            self._read(response, flight)
            return response
        except Aborted:
            raise
        except Exception:
            if flight.reason is not None:
                raise Aborted(flight.reason) from None
            raise
        finally:
            _current.request = outer
            flight.finish()
            with self._flights_lock:
                self._active.discard(flight)

    def _read(self, response: requests.Response, flight: _Request) -> None:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            self._drop(response, flight, TOO_LARGE)
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK):
                if len(body) + len(chunk) > self.max_body:
                    self._drop(response, flight, TOO_LARGE)
                body += chunk
        except Aborted:
            raise
        except Exception:
            response.close()
            raise
        # What requests itself does once it has read a body: later `.content` and `.json()`
        # calls (the client library's) use these bytes instead of reading the socket.
        response._content = bytes(body)

    @staticmethod
    def _drop(response: requests.Response, flight: _Request, reason: str) -> None:
        flight.abort(reason)
        response.close()
        raise Aborted(reason)

    def close(self) -> None:
        """Cut every request in flight short, refuse new ones and release pooled connections."""
        with self._flights_lock:
            self._closed = True
            active = list(self._active)
        for flight in active:
            flight.abort(CLOSED)
        super().close()
