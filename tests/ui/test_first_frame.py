"""The dashboard as `meshtui` launches it (`meshtui.launch.dashboard_app`): its first frame is
drawn before the cluster answers, and the clients are built in a thread afterwards."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from meshtui.cli.entry import build_parser
from meshtui.kube.client import MeshClient
from meshtui.kube.errors import ConfigError
from meshtui.launch import dashboard_app, run_dashboard
from meshtui.sim.apiserver.handler import Handler
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.config import Settings
from meshtui.ui.contexts import PendingMesh
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from tests.cli.helpers import closed_port
from tests.cli.test_insecure_tls import insecure_kubeconfig
from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.ui.test_dashboard import SIZE
from tests.waiting import settle

HOLD_SECONDS = 30.0
"""Bound on holding a list: a test that fails must not hang the suite."""
SPLIT_PLURALS = ("/trafficsplits", "/httproutes", "/grpcroutes")


def _args(kubeconfig: Path, *extra: str) -> argparse.Namespace:
    args = build_parser().parse_args(["--kubeconfig", str(kubeconfig), "-A", *extra])
    args.settings = Settings()
    return args


@pytest.fixture
def held_lists(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The emulator holds every list (not watch) of splits until the second event is set; the
    first is set when such a list has arrived. Every split kind is held: one answered early
    would put its rows on screen before the held one."""
    asked, release = threading.Event(), threading.Event()
    route = Handler._route

    def holding(self: Handler, request: Any) -> None:
        if request.method == "GET" and request.path.endswith(SPLIT_PLURALS) \
                and request.query.get("watch") != "true":
            asked.set()
            release.wait(HOLD_SECONDS)
        route(self, request)

    monkeypatch.setattr(Handler, "_route", holding)
    yield asked, release
    release.set()


def _frames(app: Any) -> list[int]:
    """Count the frames `app` sends to its display (headless too)."""
    drawn: list[int] = []
    inner = app._display

    def display(screen: Any, renderable: Any) -> None:
        inner(screen, renderable)
        if renderable is not None:
            drawn.append(len(app.dashboard.split_list.rows))

    app._display = display
    return drawn


async def test_first_frame_is_drawn_before_the_list_answers(
        mesh: SimulatedMesh, tmp_path: Path, held_lists: tuple[threading.Event, threading.Event]) -> None:
    """With the list held by the server, the dashboard is on screen, names the context, says
    "connecting"; released, the splits fill in on the real client."""
    asked, release = held_lists
    app = dashboard_app(_args(mesh.write_kubeconfig(tmp_path / "kubeconfig")))
    assert isinstance(app.mesh, PendingMesh)
    drawn = _frames(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: drawn, message="the first frame")
            first = app.dashboard
            status = app.screen.query_one(StatusBar)
            assert status.context == "meshtui-sim" and status.connection == "connecting"
            await settle(pilot, asked.is_set, message="the held list request")
            assert drawn and not app.screen.query_one(SplitList).rows
            release.set()
            await settle(pilot, lambda: len(app.screen.query_one(SplitList).rows) == 4,
                         message="the splits after the list answered")
            assert isinstance(app.mesh, MeshClient) and drawn[0] == 0
            assert app.dashboard is first, "the clients go to the dashboard already drawn"
            assert app.dashboard.mesh is app.mesh and app.start_error is None
    finally:
        if app.connection is not None:
            app.connection.close()


async def test_an_unreachable_first_context_ends_the_app_with_its_error(tmp_path: Path) -> None:
    """The server does not answer: the frame was drawn, then the app exits with status 1 and
    the one-line error `run_dashboard` prints."""
    path = tmp_path / "kubeconfig"
    server = f"http://127.0.0.1:{closed_port()}"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "dead",
        "clusters": [{"name": "dead", "cluster": {"server": server}}],
        "contexts": [{"name": "dead", "context": {"cluster": "dead", "user": "u"}}],
        "users": [{"name": "u", "user": {"token": "s3cret-token"}}]}))
    app = dashboard_app(_args(path))
    drawn = _frames(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.start_error is not None, message="the connection error")
    assert drawn, "no frame before the error"
    assert app.return_code == 1
    assert "cannot reach the API server" in (app.start_error or "")
    assert "s3cret" not in (app.start_error or "")


def test_run_dashboard_prints_the_first_contexts_error(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """`meshtui` prints ``error: ...`` and exits 1 when the app ended on its first connection."""
    from meshtui.ui.app import MeshtuiApp

    def failed_run(app: MeshtuiApp) -> None:
        app.start_error = "cannot reach the API server at http://127.0.0.1:1: refused"

    monkeypatch.setattr(MeshtuiApp, "run", failed_run)
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "current-context": "c", "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:1"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}], "users": []}))
    assert run_dashboard(_args(path)) == 1
    assert capsys.readouterr().err.strip() == ("error: cannot reach the API server at "
                                               "http://127.0.0.1:1: refused")


def test_a_missing_context_fails_before_any_screen(tmp_path: Path) -> None:
    """The kubeconfig's YAML is checked before the app exists, with `load_cluster`'s message."""
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({"current-context": "gone", "contexts": [], "clusters": []}))
    with pytest.raises(ConfigError, match="context 'gone' not found"):
        dashboard_app(_args(path))


async def test_the_read_only_badge_shows_while_connecting(
        mesh: SimulatedMesh, tmp_path: Path, held_lists: tuple[threading.Event, threading.Event]) -> None:
    """--read-only is on screen from the first frame, before the writer exists."""
    app = dashboard_app(_args(mesh.write_kubeconfig(tmp_path / "kubeconfig"), "--read-only"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: app.screen.query(StatusBar), message="the status bar")
            assert isinstance(app.mesh, PendingMesh)
            assert app.screen.query_one(StatusBar).read_only
            held_lists[1].set()
            await settle(pilot, lambda: len(app.screen.query_one(SplitList).rows) == 4,
                         message="the splits on the real client")
            assert app.screen.query_one(StatusBar).read_only and app.writer.read_only
    finally:
        if app.connection is not None:
            app.connection.close()


async def test_unverified_tls_is_said_on_screen(apiserver: RunningApiServer, tmp_path: Path) -> None:
    """The kubeconfig's insecure-skip-tls-verify: the warning printed before the dashboard
    started now comes once the connection is up (stderr is not seen while it runs), with the
    INSECURE-TLS badge."""
    apiserver.store.create(trafficsplit("web"))
    kubeconfig = insecure_kubeconfig(apiserver.kubeconfig, tmp_path / "insecure")
    app = dashboard_app(_args(kubeconfig))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: len(app.screen.query_one(SplitList).rows) == 1,
                         message="the split")
            assert app.screen.query_one(StatusBar).insecure
            warnings = [n.message for n in app.said if "insecure-skip-tls-verify" in n.message]
            assert len(warnings) == 1 and warnings[0].startswith("warning: ")
    finally:
        if app.connection is not None:
            app.connection.close()


async def test_the_first_connections_metrics_and_writer_reach_the_dashboard(
        mesh: SimulatedMesh, tmp_path: Path) -> None:
    """The dashboard drawn before the connection polls the metrics source and writes through
    the writer the connection built."""
    url = f"http://127.0.0.1:{closed_port()}"
    app = dashboard_app(_args(mesh.write_kubeconfig(tmp_path / "kubeconfig"), "--prometheus-url", url))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: len(app.screen.query_one(SplitList).rows) == 4,
                         message="the splits")
            dashboard = app.dashboard
            assert dashboard.pipeline.metrics is app.metrics is not None
            assert dashboard.control.writer is app.writer is not None
            await settle(pilot, lambda: dashboard.pipeline.error is not None,
                         message="the failed metrics fetch")
            assert app.screen.query_one(StatusBar).metrics_source != "no metrics source"
    finally:
        if app.connection is not None:
            app.connection.close()


_QUIT_WHILE_CONNECTING = """
import asyncio, sys, threading, time
from meshtui.cli.entry import build_parser
from meshtui.launch import dashboard_app
from meshtui.ui.config import Settings

args = build_parser().parse_args(["--kubeconfig", sys.argv[1], "-A", "--request-timeout", "60s"])
args.settings = Settings()
app = dashboard_app(args)

async def main():
    async with app.run_test() as pilot:
        deadline = time.monotonic() + 30
        while not any(t.name == "meshtui-connect" for t in threading.enumerate()):
            assert time.monotonic() < deadline, "the connection never started"
            await pilot.pause(0.01)
        await pilot.press("q")  # the connection under way, the server silent

asyncio.run(main())
print("ended", app.start_error)
"""


def test_quitting_while_the_server_hangs_ends_the_process(tmp_path: Path) -> None:
    """A server that accepts and never answers: quitting ends the process at once, not after
    the request timeout (60 s here)."""
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        path = tmp_path / "kubeconfig"
        path.write_text(yaml.safe_dump({
            "current-context": "h",
            "clusters": [{"name": "h", "cluster": {"server": f"http://127.0.0.1:{silent.getsockname()[1]}"}}],
            "contexts": [{"name": "h", "context": {"cluster": "h", "user": "u"}}],
            "users": [{"name": "u", "user": {"token": "t"}}]}))
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", _QUIT_WHILE_CONNECTING, str(path)],
                              capture_output=True, text=True, timeout=90, check=False,
                              cwd=Path(__file__).resolve().parents[2], stdin=subprocess.DEVNULL)
        elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ended None"
    assert elapsed < 30, f"the process lasted {elapsed:.1f} s after quitting"
