"""The dashboard in a web browser: textual-serve runs one dashboard process per browser session.

Everything the page loads comes from this server (textual-serve's wheel bundles its JavaScript,
stylesheet and fonts; the one external link of its page template, a web font, is replaced by the
bundled font), so a browser with no internet access shows the dashboard. Bound to a non-loopback
address, every request (the page, its static files and the websocket) must carry the access token:
``/?token=...`` once, which sets an HttpOnly cookie and redirects to ``/`` so the token does not
stay in the address bar of a shared screen. A websocket from another origin is refused, so a web
page open in the same browser cannot drive a dashboard served on loopback.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import re
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

TOKEN_COOKIE = "meshtui_token"
"""The cookie that carries the access token after the first request."""
TOKEN_PARAMETER = "token"
"""The query parameter of the URL printed at start."""
TEMPLATE = "app_index.html"
"""textual-serve's page template."""
LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
      }
    </style>"""
"""The bundled font, in place of the template's link to a web font service."""
EXTERNAL_STYLESHEET = re.compile(r"<link[^>]*href=\"https?://[^\"]*\"[^>]*>", re.S)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """True when `host` is ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A fresh access token (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def local_template(templates: Path) -> str:
    """textual-serve's page template with every external stylesheet replaced by the bundled
    font, so the page loads nothing from the internet."""
    source = (templates / TEMPLATE).read_text(encoding="utf-8")
    return EXTERNAL_STYLESHEET.sub(LOCAL_FONT, source, count=1)


class DashboardServer(Server):  # type: ignore[misc]
    """textual-serve's server with meshtui's access rules (token, origin, session limit).

    Args:
        command: The shell command of one dashboard session.
        host: Address to bind.
        port: Port to bind (0: a free one, known once bound).
        token: Required on every request when not None.
        max_sessions: Dashboard processes running at once; more connections are refused.
        title: The page's title.
        say: Prints the start-up lines.
    """

    def __init__(self, command: str, *, host: str, port: int, token: str | None,
                 max_sessions: int, title: str, say: Callable[[str], None]) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self.max_sessions = max_sessions
        self.sessions = 0
        self._say = say
        self._on_listening: Callable[[str], None] | None = None

    def initialize_logging(self) -> None:
        """Keep textual-serve's logging as it is: meshtui prints its own start-up lines."""

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.DictLoader(
            {TEMPLATE: local_template(Path(self.templates_path))}))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        return app

    def _token_given(self, request: web.Request) -> str | None:
        return request.query.get(TOKEN_PARAMETER) or request.cookies.get(TOKEN_COOKIE)

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse a request without the token (when one is required) or a cross-origin
        websocket; trade a token in the URL for a cookie and a redirect to ``/``."""
        if self.token is not None:
            given = self._token_given(request) or ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                raise web.HTTPForbidden(text="meshtui serve: open the URL printed at start "
                                             "(it carries the access token)\n")
            if TOKEN_PARAMETER in request.query and request.path == "/":
                redirect = web.Response(status=303, headers={"Location": "/"})
                redirect.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict",
                                    path="/")
                return redirect
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc != request.host:
                raise web.HTTPForbidden(text="meshtui serve: websocket from another origin\n")
        return await handler(request)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, its URLs relative to the address the browser used (not the bound one,
        which may be 0.0.0.0)."""
        base = f"{request.scheme}://{request.host}"
        static = str(request.app.router["static"].url_for(filename="/")).rstrip("/") + "/"
        websocket = str(request.app.router["websocket"].url_for())
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ("wss" if request.scheme == "https" else "ws")
                                 + f"://{request.host}{websocket}",
            "config": {"static": {"url": base + static}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template(TEMPLATE, request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One dashboard process per websocket, at most `max_sessions` at once."""
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=f"meshtui serve: {self.max_sessions} sessions already open\n")
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1

    async def on_startup(self, app: web.Application) -> None:
        """Say where the dashboard is, once the socket listens."""
        self._say(f"Open:        {self.url}")
        self._say("Stop:        ctrl+c")

    @property
    def url(self) -> str:
        """The URL to open (with the token when one is required)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?{TOKEN_PARAMETER}={self.token}" if self.token else ""
        return f"http://{host}:{self.port}/{query}"

    def bind(self) -> socket.socket:
        """Bind the listening socket now, so port 0 becomes a real port before start-up."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            # Listening now: a browser opening the printed URL before aiohttp's site starts
            # waits in the backlog instead of being refused.
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        self.port = int(sock.getsockname()[1])
        self.public_url = self.url
        return sock

    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM.

        Raises:
            OSError: The address cannot be bound.
        """
        sock = self.bind()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(self._make_app(), sock=sock, handle_signals=False, loop=loop,
                    print=lambda *_: None)


def serve(command: str, *, host: str, port: int, token: str | None, max_sessions: int,
          title: str, say: Callable[[str], None]) -> None:
    """Serve the dashboard sessions of `command` until SIGINT or SIGTERM (see `DashboardServer`).

    Raises:
        OSError: The address cannot be bound.
    """
    DashboardServer(command, host=host, port=port, token=token, max_sessions=max_sessions,
                    title=title, say=say).serve()


__all__ = ["DashboardServer", "is_loopback", "local_template", "new_token", "serve"]
