"""Start a real Prometheus (Debian's `/usr/bin/prometheus`) on a free loopback port.

Used by tests and by the simulated mode: it scrapes the simulator's `/metrics` exporter so the
product's PromQL runs against a genuine Prometheus.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import yaml

DEBIAN_BINARY = "/usr/bin/prometheus"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class PrometheusUnavailable(RuntimeError):
    """No prometheus binary, or it would not start."""


def find_prometheus() -> str | None:
    """Path of a prometheus binary (`$PATH` first, then Debian's location), or None."""
    found = shutil.which("prometheus")
    if found:
        return found
    return DEBIAN_BINARY if os.access(DEBIAN_BINARY, os.X_OK) else None


def _tied_to_this_process() -> list[str]:
    """A command prefix that stops the server when this process dies, even by SIGKILL.

    util-linux's ``setpriv --pdeathsig`` (on every Debian) sets the parent-death signal before
    exec. The kernel sends it when the *thread* that started the child ends, so only the main
    thread asks for it; elsewhere, and without setpriv, `stop` alone ends the server.
    """
    setpriv = shutil.which("setpriv")
    if setpriv is None or threading.current_thread() is not threading.main_thread():
        return []
    return [setpriv, "--pdeathsig", "TERM", "--"]


DIR_PREFIX = "meshtui-prom-"
"""Prefix of each server's folder (config, log, TSDB) in the temporary directory."""
OWNER_FILE = "owner.pid"
"""The pid of the process that made a folder, written into it."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def sweep_orphaned_dirs(parent: str | None = None) -> list[Path]:
    """Delete the folders of servers whose owning process is gone; return them.

    `stop` deletes a server's folder, but a process killed by SIGKILL never reaches it (its
    server still ends, through the parent-death signal). Only this user's folders with an owner
    file naming a dead process are deleted: a running server's folder, or one being made, stays.
    """
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{DIR_PREFIX}*"):
        try:
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scrape_config(targets: list[str], scrape_interval: str) -> dict:
    """The Prometheus configuration: one job per (scheme, metrics path) among the targets.

    Args:
        targets: `host:port` (scraped at `/metrics`) or full URLs such as
            `http://127.0.0.1:8080/metrics`.
        scrape_interval: e.g. `"1s"`.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for target in targets:
        if "://" in target:
            parts = urlsplit(target)
            key = (parts.scheme, parts.path or "/metrics")
            groups.setdefault(key, []).append(parts.netloc)
        else:
            groups.setdefault(("http", "/metrics"), []).append(target)
    jobs = []
    for i, ((scheme, path), hosts) in enumerate(sorted(groups.items())):
        jobs.append({
            "job_name": "linkerd-proxy" if i == 0 else f"linkerd-proxy-{i}",
            "scheme": scheme,
            "metrics_path": path,
            # The exporter already writes the labels Linkerd's relabelling would add.
            "honor_labels": True,
            "static_configs": [{"targets": hosts}],
        })
    return {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval,
                   "scrape_timeout": scrape_interval},
        "scrape_configs": jobs,
    }


class PrometheusProcess:
    """A throwaway Prometheus server scraping `targets`, with its own config and TSDB dir.

    Args:
        targets: What to scrape (`host:port` or URLs; see `scrape_config`).
        scrape_interval: Scrape and evaluation interval.
        binary: The prometheus binary; found with `find_prometheus` when None.

    Raises:
        PrometheusUnavailable: When no binary exists (at construction) or it fails to start.
    """

    def __init__(self, targets: list[str], scrape_interval: str = "1s",
                 binary: str | None = None) -> None:
        found = binary or find_prometheus()
        if not found or not os.access(found, os.X_OK):
            raise PrometheusUnavailable("prometheus binary not found (apt-get install prometheus)")
        self.binary: str = found
        self.targets = list(targets)
        self.scrape_interval = scrape_interval
        self.port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:40123`."""
        if self.port is None:
            raise PrometheusUnavailable("prometheus is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        """What the server printed so far (for failure messages)."""
        if self._dir is None:
            return ""
        path = Path(self._dir.name) / "prometheus.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> PrometheusProcess:
        """Start the server and wait (bounded) until `/-/ready` answers 200."""
        if self._proc is not None:
            return self
        sweep_orphaned_dirs()
        self._dir = tempfile.TemporaryDirectory(prefix=DIR_PREFIX)
        root = Path(self._dir.name)
        (root / OWNER_FILE).write_text(f"{os.getpid()}\n")
        config = root / "prometheus.yml"
        config.write_text(yaml.safe_dump(scrape_config(self.targets, self.scrape_interval)))
        # The probed port may be taken between probe and bind: retry a few times on a new one.
        for _attempt in range(3):
            self.port = _free_port()
            with open(root / "prometheus.log", "ab") as log:
                self._proc = subprocess.Popen(
                    [*_tied_to_this_process(), self.binary, f"--config.file={config}",
                     f"--storage.tsdb.path={root / 'data'}",
                     f"--web.listen-address=127.0.0.1:{self.port}",
                     "--web.console.templates=/nonexistent", "--web.console.libraries=/nonexistent",
                     "--log.level=warn"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=root,
                )
            if self._wait_ready():
                return self
            self._terminate()
        log_tail = self.log[-500:]
        self.stop()
        raise PrometheusUnavailable(f"prometheus did not become ready: {log_tail}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1.0) as resp:
                    if resp.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        return False

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """Terminate the server (kill after a bounded wait) and delete its files."""
        self._terminate()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
        self.port = None

    def __enter__(self) -> PrometheusProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
