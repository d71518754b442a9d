"""Clients hanging up are logged quietly at debug level; real failures stay visible as errors."""

from __future__ import annotations

import logging
import socket
import ssl
import subprocess
from typing import Any

import pytest

from meshtui.sim.apiserver import ADMIN_TOKEN
from meshtui.sim.apiserver.handler import Handler
from meshtui.sim.apiserver.server import is_disconnect
from meshtui.sim.apiserver.tlsdata import CA_CERT_PEM
from tests.plugins.apiserver import RunningApiServer
from tests.waiting import wait_for

LOGGER = "meshtui.sim.apiserver"
WATCH = f"GET /api/v1/services?watch=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\r\n"
# A fatal TLS alert record (TLS 1.2 framing): level 2 = fatal, description 50 = decode_error.
DECODE_ERROR_ALERT = b"\x15\x03\x03\x00\x02\x02\x32"


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture the emulator's log records from debug level up."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    return caplog


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(LOGGER) and r.levelno == level]


def _tls_client() -> ssl.SSLContext:
    context = ssl.create_default_context(cadata=CA_CERT_PEM)
    context.check_hostname = False
    return context


def _assert_quiet(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    noisy = [r for r in caplog.records if r.name.startswith(LOGGER) and r.levelno >= logging.WARNING]
    assert noisy == [], [r.getMessage() for r in noisy]
    err = capsys.readouterr().err
    assert "Traceback" not in err and "SSL" not in err, err


def test_tls_alert_from_client_is_a_debug_line(apiserver: RunningApiServer, server_log: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A client answering the server's hello with a fatal alert (decode error) is not a fault."""
    context = _tls_client()
    # TLS 1.2 keeps the client's alert in plaintext, as the server reads it during the handshake.
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    with socket.create_connection(("127.0.0.1", apiserver.server.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLWantReadError):
            tls.do_handshake()
        raw.sendall(outgoing.read())
        assert raw.recv(65536)[:1] == b"\x16"
        raw.sendall(DECODE_ERROR_ALERT)
        wait_for(lambda: _records(server_log, logging.DEBUG), timeout=10,
                 message="the emulator never logged the client's alert")
    text = " ".join(r.getMessage() for r in _records(server_log, logging.DEBUG))
    assert "DECODE_ERROR" in text.upper()
    assert all(r.exc_info is None for r in server_log.records if r.name.startswith(LOGGER))
    _assert_quiet(server_log, capsys)


def test_watch_reset_by_client_is_quiet(apiserver: RunningApiServer, server_log: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Closing a TLS watch abruptly (RST) leaves no traceback and no warning."""
    raw = socket.create_connection(("127.0.0.1", apiserver.server.port), timeout=10)
    tls = _tls_client().wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(WATCH.encode())
    assert tls.recv(12).startswith(b"HTTP/1.1 200")
    wait_for(lambda: any(r.query.get("watch") for r in apiserver.server.requests), timeout=10,
             message="the watch never opened")
    tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    tls.close()
    apiserver.store.create({"apiVersion": "v1", "kind": "Service",
                            "metadata": {"name": "after-reset", "namespace": "default"}})
    wait_for(lambda: not apiserver.server._watches, timeout=10,
             message="the watch stream did not notice the client left")
    _assert_quiet(server_log, capsys)


def test_kubectl_watch_killed_is_quiet(apiserver: RunningApiServer, server_log: Any,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """kubectl get -w killed mid-stream, as a user pressing ctrl-c does."""
    proc = subprocess.Popen(apiserver.kubectl_command("get", "services", "-A", "-w"),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: apiserver.server._watches, timeout=30, message="kubectl never watched")
    finally:
        proc.kill()
        proc.communicate(timeout=10)
    apiserver.store.create({"apiVersion": "v1", "kind": "Service",
                            "metadata": {"name": "after-kill", "namespace": "default"}})
    # The stream may only notice on a later write; stopping ends it either way, also quietly.
    apiserver.server.stop()
    assert not apiserver.server._watches
    _assert_quiet(server_log, capsys)


def test_a_real_failure_is_logged_as_an_error_with_its_traceback(
        apiserver: RunningApiServer, server_log: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug while serving must stay visible, not be mistaken for a client hanging up."""
    def broken(self: Handler, method: str) -> None:
        raise RuntimeError("emulator bug")

    monkeypatch.setattr(Handler, "_read_request", broken)
    with socket.create_connection(("127.0.0.1", apiserver.server.port), timeout=10) as raw:
        raw.sendall(f"GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\r\n"
                    .encode())
        wait_for(lambda: _records(server_log, logging.ERROR), timeout=10,
                 message="the failure was not logged as an error")
    (record,) = _records(server_log, logging.ERROR)
    assert record.exc_info is not None and "emulator bug" in str(record.exc_info[1])
    assert ADMIN_TOKEN not in record.getMessage()


@pytest.mark.parametrize(("exc", "quiet"), [
    (ConnectionResetError(104, "Connection reset by peer"), True),
    (BrokenPipeError(32, "Broken pipe"), True),
    (ssl.SSLEOFError(8, "EOF occurred in violation of protocol"), True),
    (ssl.SSLError(1, "[SSL: TLSV1_ALERT_DECODE_ERROR] tlsv1 alert decode error"), True),
    (TimeoutError(), True),
    (RuntimeError("bug"), False),
    (KeyError("kind"), False),
    (PermissionError(13, "denied"), False),
    (None, False),
])
def test_is_disconnect(exc: BaseException | None, quiet: bool) -> None:
    """Only what a client does when it leaves counts as a disconnect."""
    assert is_disconnect(exc) is quiet
