"""The physical floor: a loopback TCP round trip, and one small GET to the emulator beside it.

Neither has a goal; they say what the other numbers should be compared with. A GET far above
the raw round trip points at the server (e.g. Nagle's algorithm against delayed ACKs).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from bench.stats import Measure

ROUND_TRIPS = 200


def _echo(server: socket.socket, stop: threading.Event) -> None:
    conn, _ = server.accept()
    with conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while not stop.is_set():
            data = conn.recv(64)
            if not data:
                return
            conn.sendall(data)


def measure_loopback(round_trips: int = ROUND_TRIPS) -> Measure:
    """``loopback_round_trip_ms``: a 32-byte request and its echo over TCP on 127.0.0.1."""
    stop = threading.Event()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        thread = threading.Thread(target=_echo, args=(server, stop), daemon=True)
        thread.start()
        samples = []
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            payload = b"x" * 32
            for _ in range(round_trips):
                start = time.perf_counter()
                client.sendall(payload)
                received = 0
                while received < len(payload):
                    received += len(client.recv(64))
                samples.append((time.perf_counter() - start) * 1000)
        stop.set()
        thread.join(timeout=5)
    return Measure("loopback_round_trip_ms", tuple(samples), "ms", "reference", None,
                   note="32 bytes there and back over TCP on 127.0.0.1 between two threads")


def measure_api_get(api_client: Any, requests: int = 30) -> Measure:
    """``apiserver_get_ms``: one small GET (an API group's discovery document) to the emulator."""
    from meshtui.kube.transport import request_json

    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        request_json(api_client, "GET", "/apis/split.smi-spec.io/v1alpha1")
        samples.append((time.perf_counter() - start) * 1000)
    return Measure("apiserver_get_ms", tuple(samples), "ms", "reference", None,
                   note="GET /apis/split.smi-spec.io/v1alpha1 through meshtui's kubernetes client "
                        "(kept-alive TLS connection)")
