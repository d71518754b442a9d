"""A hanging API server fails a command within one ``--request-timeout``, not after retries."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from meshtui.kube.audit import read_audit
from meshtui.kube.config import DEFAULT_REQUEST_TIMEOUT, load_cluster, parse_request_timeout
from meshtui.sim.apiserver.handler import Handler
from tests.cli.helpers import assert_one_line_error, run_main, simple_kubeconfig
from tests.plugins.apiserver import RunningApiServer, trafficsplit

TIMEOUT = 1.0


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers; yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    closing = threading.Event()

    def accept() -> None:
        while not closing.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        closing.set()
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        for sock in held:
            sock.close()
        thread.join(5)


@pytest.mark.parametrize("argv", [["get", "splits"], ["weight", "ts/web", "web-canary=5"],
                                  ["rollout", "status", "-A"], ["abort", "ts/web"]], ids=" ".join)
def test_a_silent_server_fails_within_one_request_timeout(
        silent_server: str, tmp_path: Path, argv: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = simple_kubeconfig(tmp_path / "k", silent_server)
    started = time.monotonic()
    result = run_main([*argv, "--kubeconfig", str(kubeconfig), "--request-timeout",
                       f"{TIMEOUT:g}s"], capsys)
    elapsed = time.monotonic() - started
    assert_one_line_error(result, "cannot reach the API server")
    assert elapsed < TIMEOUT * 3, f"took {elapsed:.1f} s with a {TIMEOUT:g} s request timeout"


def test_a_write_the_server_never_answers_fails_within_one_request_timeout(
        apiserver: RunningApiServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    release = threading.Event()
    patches: list[str] = []

    def hang(handler: Handler) -> None:
        # Reads are answered; the write is received and never answered.
        patches.append(handler.path)
        release.wait(30)

    monkeypatch.setattr(Handler, "do_PATCH", hang)
    try:
        started = time.monotonic()
        result = run_main(["weight", "ts/web", "podinfo-canary=50", "--kubeconfig",
                           str(apiserver.kubeconfig), "--request-timeout", f"{TIMEOUT:g}s"],
                          capsys)
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert_one_line_error(result, "cannot reach the API server")
    assert elapsed < TIMEOUT * 3, f"took {elapsed:.1f} s with a {TIMEOUT:g} s request timeout"
    assert len(patches) == 1, "a write that timed out is not sent again"
    assert [r["result"] for r in read_audit()] == ["error"]


def test_the_default_timeout_applies_and_nothing_is_retried(tmp_path: Path) -> None:
    cluster = load_cluster(str(simple_kubeconfig(tmp_path / "k", "http://127.0.0.1:1")))
    try:
        assert cluster.api_client.request_timeout == DEFAULT_REQUEST_TIMEOUT
        retries = cluster.api_client.configuration.retries
        assert (retries.connect, retries.read, retries.status, retries.other) == (0, 0, 0, 0)
    finally:
        cluster.close()


@pytest.mark.parametrize(("text", "seconds"), [
    ("15", 15.0), ("5s", 5.0), ("1m", 60.0), ("1m30s", 90.0), ("250ms", 0.25), ("1.5h", 5400.0),
    ("0", None), ("0s", None)])
def test_kubectl_durations(text: str, seconds: float | None) -> None:
    assert parse_request_timeout(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5s", "5 s", "1d", "5s5", "1e3s", "9" * 5000,
                                  "99999999h", "٥s"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_request_timeout(text)
