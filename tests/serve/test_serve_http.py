"""``meshtui serve`` over plain HTTP: only local assets, the token on every request when required,
no websocket from another origin, and sessions read-only unless ``--allow-writes``."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from typing import Any

import pytest

from meshtui.cli.entry import build_parser, main
from meshtui.ui.serve import TOKEN_COOKIE, is_loopback
from tests.serve.helpers import Served, serving

NOWHERE = ["--kubeconfig", "/nonexistent/kubeconfig"]
"""The page and static files need no cluster: only a websocket session would read it."""


def _websocket_headers(origin: str | None = None) -> dict[str, str]:
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin:
        headers["Origin"] = origin
    return headers


ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']|url\(["']?([^"')]+)""")
FETCHED_ELSEWHERE = re.compile(rb"""url\(\s*["']?https?:|@import|["'`]https?://(?!www\.w3\.org)""")
"""What makes a stylesheet or a script load from another host (a licence comment's URL does not)."""


def _asset_urls(html: str) -> set[str]:
    return {url for pair in ASSET.findall(html) for url in pair if url}


def test_the_page_loads_only_assets_of_this_server() -> None:
    with serving("serve", *NOWHERE) as served:
        page = served.get("/")
        assert page.status == 200
        html = page.body.decode()
        assets = _asset_urls(html)
        assert any(a.endswith("/static/js/textual.js") for a in assets), assets
        for asset in assets:
            assert asset.startswith(f"http://{served.netloc}/static/"), asset
            fetched = served.get(asset.split(served.netloc, 1)[1])
            assert fetched.status == 200, asset
            if asset.endswith((".js", ".css")):
                # Nothing the page runs or styles itself with fetches from elsewhere either.
                assert not FETCHED_ELSEWHERE.search(fetched.body), asset
        assert f"ws://{served.netloc}/ws" in html


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "example.org"])
def test_other_addresses_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def _served_token(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `cmd_serve` hands the server for `argv`, without binding anything."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr("meshtui.ui.serve.serve", lambda command, **kw: seen.update(kw, command=command))
    assert main(argv) == 0
    return seen


def test_an_address_off_loopback_always_requires_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _served_token(["serve", "--demo", "--host", "0.0.0.0"], monkeypatch)["token"]
    assert _served_token(["serve", "--demo"], monkeypatch)["token"] is None
    assert _served_token(["serve", "--demo", "--require-token"], monkeypatch)["token"]


def test_sessions_are_read_only_unless_writes_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    command = _served_token(["--window", "5m", "serve", "-n", "booksapp", "--request-timeout",
                             "0"], monkeypatch)["command"]
    assert command.endswith("-m meshtui --request-timeout 0 --namespace booksapp --window 5m "
                            "--read-only"), command
    demo = _served_token(["demo", "--serve", "--seed", "3"], monkeypatch)["command"]
    assert demo.endswith("-m meshtui --read-only demo --seed 3"), demo
    writes = _served_token(["serve", "--demo", "--allow-writes"], monkeypatch)["command"]
    assert "--read-only" not in writes and writes.endswith(" demo")


@pytest.mark.parametrize(("served_argv", "read_only"), [(["serve", "-A"], True),
                                                      (["serve", "-A", "--allow-writes"], False)])
def test_a_sessions_writer_is_read_only_unless_writes_are_allowed(
        served_argv: list[str], read_only: bool, sim_mesh_manual: Any, tmp_path: Path) -> None:
    from meshtui.cli.clients import build_writer, cluster_from_args
    from meshtui.cli.serve import session_argv

    parser = build_parser()
    kubeconfig = str(sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig"))
    served = parser.parse_args([*served_argv, "--kubeconfig", kubeconfig])
    session = parser.parse_args(session_argv(served, parser))
    assert session.kubeconfig == kubeconfig and session.command is None
    cluster = cluster_from_args(session)
    try:
        assert build_writer(session, cluster).read_only is read_only
    finally:
        cluster.close()


def _refused(served: Served, path: str, headers: dict[str, str] | None = None) -> bool:
    return served.get(path, headers).status == 403


def test_the_token_is_checked_on_every_request() -> None:
    with serving("serve", "--require-token", *NOWHERE) as served:
        token = served.url.split("token=", 1)[1]
        assert len(token) >= 32
        assert _refused(served, "/")
        assert _refused(served, "/static/js/textual.js")
        assert _refused(served, "/ws", _websocket_headers())
        assert _refused(served, "/?token=" + "x" * len(token))
        assert _refused(served, "/ws", {**_websocket_headers(), "Cookie": f"{TOKEN_COOKIE}=nope"})
        # The token once in the URL: a cookie and a redirect, so it leaves the address bar.
        first = served.get(f"/?token={token}")
        assert first.status == 303 and first.getheader("Location") == "/"
        cookie = first.getheader("Set-Cookie") or ""
        assert f"{TOKEN_COOKIE}={token}" in cookie and "HttpOnly" in cookie
        with_cookie = {"Cookie": f"{TOKEN_COOKIE}={token}"}
        assert served.get("/", with_cookie).status == 200
        assert served.get("/static/js/textual.js", with_cookie).status == 200


def test_a_websocket_from_another_origin_is_refused() -> None:
    with serving("serve", *NOWHERE) as served:
        assert _refused(served, "/ws", _websocket_headers("http://evil.example"))


def test_a_port_in_use_is_one_error_line(tmp_path: Path) -> None:
    import socket

    from tests.cli.helpers import assert_one_line_error, run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run_cli("serve", "--demo", "--port", port, timeout=60)
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")


def test_web_options_on_a_demo_that_serves_nothing_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli.helpers import assert_one_line_error, run_main

    result = run_main(["demo", "--allow-writes", "--port", "9000"], capsys)
    assert_one_line_error(result, "--port, --allow-writes only apply with --serve")


def test_a_password_in_the_prometheus_url_is_not_printed(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    command = _served_token(["--prometheus-url", "http://u:hunter2@prom:9090", "serve"],
                            monkeypatch)["command"]
    assert "hunter2" in command  # the session needs it
    assert "hunter2" not in capsys.readouterr().out
