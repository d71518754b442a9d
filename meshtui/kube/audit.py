"""The audit log: one JSON line per attempted write, appended, flushed and fsynced.

The log lives in the XDG state directory (``$XDG_STATE_HOME/meshtui/audit.log``) and is only
readable by its owner. Records never hold credentials: the writer passes the secrets it knows so
the log can mask them even if a server message were to echo one.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from meshtui.model.kubetime import rfc3339

__all__ = ["RESULTS", "AuditLog", "default_audit_path", "read_audit"]

RESULTS = ("ok", "dry-run", "conflict", "forbidden", "read-only", "error")
"""Every value of a record's ``result``."""

_MASK = "***"


def default_audit_path() -> Path:
    """Where the audit log is kept: ``user_state_path("meshtui") / "audit.log"``."""
    from platformdirs import user_state_path

    return Path(user_state_path("meshtui")) / "audit.log"


class AuditLog:
    """Appends audit records to a JSON-lines file.

    Args:
        path: The file; defaults to `default_audit_path()`.
        secrets: Strings that must never be written (tokens); they are masked wherever they occur.
    """

    def __init__(self, path: str | Path | None = None, secrets: Iterable[str] = ()) -> None:
        self.path = Path(path) if path is not None else default_audit_path()
        self._secrets = [s for s in secrets if s]
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AuditLog(path={str(self.path)!r})"

    def add_secret(self, secret: str | None) -> None:
        """Mask `secret` in every record written from now on."""
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def record(self, *, context: str, identity: str | None, verb: str, obj: dict[str, Any],
               action: str, before: Any, after: Any, result: str, message: str = "") -> dict[str, Any]:
        """Append one record and return it as written.

        Args:
            context: The kubeconfig context.
            identity: Who wrote (the kubeconfig user), when known.
            verb: The Kubernetes verb (``patch``, ``create``).
            obj: ``{"kind", "namespace", "name", "resourceVersion"}`` of the target.
            action: What meshtui was doing (``set-weights``, ``pause``...).
            before: The written fields before, when known.
            after: What was (or would have been) written.
            result: One of `RESULTS`.
            message: One line, e.g. the server's reason.

        Raises:
            ValueError: For a result outside `RESULTS`.
            OSError: When the log cannot be written.
        """
        if result not in RESULTS:
            raise ValueError(f"unknown audit result {result!r}")
        record = {
            "time": rfc3339(time.time()),
            "context": context,
            "identity": identity,
            "verb": verb,
            "object": obj,
            "action": action,
            "before": before,
            "after": after,
            "result": result,
            "message": message,
        }
        line = json.dumps(record, sort_keys=False, default=str, separators=(",", ":"))
        for secret in self._secrets:
            line = line.replace(secret, _MASK)
        with self._lock:
            _private_directory(self.path.parent, own=self.path == default_audit_path())
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                # The mode given to open is filtered by the umask and ignored for a file that
                # exists already: set it outright.
                if os.fstat(fd).st_mode & 0o777 != 0o600:
                    os.fchmod(fd, 0o600)
                os.write(fd, (line + "\n").encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        written: dict[str, Any] = json.loads(line)
        return written


def _private_directory(path: Path, *, own: bool) -> None:
    """Make sure `path` exists, mode 0700 when this call created it or when it is meshtui's own
    state directory (`own`); whatever the umask says."""
    if path.is_dir():
        if own and path.stat().st_mode & 0o077:
            os.chmod(path, 0o700)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        return
    os.chmod(path, 0o700)


def read_audit(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read every record of an audit log, oldest first.

    A line that is not a JSON object (a write torn by a crash) is skipped. A missing file is an
    empty log.
    """
    target = Path(path) if path is not None else default_audit_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    records = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            records.append(value)
    return records
