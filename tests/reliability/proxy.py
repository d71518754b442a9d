"""A loopback TCP proxy that can stall and cut the streams it carries (watch fault injection)."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Callable


class TcpProxy:
    """Forwards 127.0.0.1:<port> to an upstream port, one thread per connection.

    `stall()` stops forwarding server-to-client bytes (the connection stays open, silent);
    `cut_when(predicate)` forwards half of the first server chunk for which ``predicate(chunk)``
    is true, then closes that connection (a stream cut in the middle of an event).

    Args:
        upstream_port: The server's port on 127.0.0.1.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.stalled = threading.Event()
        self._cut: Callable[[bytes], bool] | None = None
        self._request_rule: tuple[Callable[[bytes], bool], str] | None = None
        self.cuts = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="tcp-proxy")

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        """Accept connections in a background thread."""
        self._thread.start()
        return self

    def stall(self) -> None:
        """Hold every byte the server sends from now on."""
        self.stalled.set()

    def unstall(self) -> None:
        """Forward again."""
        self.stalled.clear()

    def cut_when(self, predicate: Callable[[bytes], bool] | None) -> None:
        """Cut the next server chunk matching `predicate` in half and close its connection."""
        with self._lock:
            self._cut = predicate

    def on_request(self, predicate: Callable[[bytes], bool] | None, action: str = "cut") -> None:
        """Act on the next client chunk matching `predicate`.

        ``"cut"`` forwards half of it and nothing more from that client (a request half-sent);
        ``"stall"`` forwards it whole, then holds every byte the server answers (`stall()`).
        """
        with self._lock:
            self._request_rule = None if predicate is None else (predicate, action)

    def stop(self) -> None:
        """Close the listener and every connection."""
        self._closing.set()
        # Closing alone does not wake a thread blocked in accept(); shutting it down does.
        _close(self._listener)
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)
        self._thread.join(5)

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        held = b""
        muted = False
        try:
            # Bounded by the connection's life: every branch ends on EOF, error or close.
            while not self._closing.is_set():
                readable, _, _ = select.select([client, upstream], [], [], 0.05)
                if held and not self.stalled.is_set():
                    client.sendall(held)
                    held = b""
                if client in readable:
                    data = client.recv(65536)
                    if not data:
                        return
                    with self._lock:
                        rule = self._request_rule
                        if rule is not None and rule[0](data):
                            self._request_rule = None
                        else:
                            rule = None
                    if rule is not None and rule[1] == "cut":
                        upstream.sendall(data[: len(data) // 2])
                        muted = True
                    elif not muted:
                        upstream.sendall(data)
                    if rule is not None and rule[1] == "stall":
                        self.stalled.set()
                if upstream in readable:
                    data = upstream.recv(65536)
                    if not data:
                        return
                    if self.stalled.is_set():
                        held += data
                        continue
                    with self._lock:
                        cut = self._cut
                    if cut is not None and cut(data):
                        with self._lock:
                            self._cut = None
                            self.cuts += 1
                        client.sendall(held + data[: len(data) // 2])
                        return
                    client.sendall(held + data)
                    held = b""
        except OSError:
            return
        finally:
            for sock in (client, upstream):
                _close(sock)
                with self._lock:
                    self._sockets.discard(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
