"""``meshtui serve`` as a subprocess on 127.0.0.1 and a free port, stopped with SIGTERM."""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.cli.helpers import ROOT
from tests.waiting import terminate, wait_for


@dataclass
class Served:
    """A running ``meshtui serve``: its printed lines and the URL it said to open."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def value(self, label: str) -> str | None:
        for line in list(self.lines):
            if line.startswith(f"{label}:"):
                return line.split(":", 1)[1].strip()
        return None

    @property
    def url(self) -> str:
        url = self.value("Open")
        assert url, self.lines
        return url

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc

    def get(self, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        """One GET to the server (no redirect followed); the body is read."""
        connection = http.client.HTTPConnection(self.netloc, timeout=10)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response


def _pump(proc: subprocess.Popen[str], lines: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))


@contextmanager
def serving(*args: str) -> Iterator[Served]:
    """Run ``meshtui serve --host 127.0.0.1 --port 0 ARGS`` until the block ends."""
    import os

    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    proc = subprocess.Popen([sys.executable, "-m", "meshtui", *args, "--host", "127.0.0.1",
                             "--port", "0"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": path})
    served = Served(proc)
    threading.Thread(target=_pump, args=(proc, served.lines), daemon=True).start()
    try:
        wait_for(lambda: served.value("Open") or proc.poll() is not None, timeout=60,
                 message="meshtui serve to print its URL")
        assert proc.poll() is None, "\n".join(served.lines)
        yield served
    finally:
        terminate(proc, timeout=30)
