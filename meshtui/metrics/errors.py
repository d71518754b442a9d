"""One-line, secret-free descriptions of what went wrong talking to Prometheus."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import requests

from meshtui.metrics.transport import CLOSED, DEFAULT_MAX_BODY, TOO_LARGE, Aborted, size_text

MAX_MESSAGE = 300
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s'\",]+")
_USERINFO = re.compile(r"(?i)(https?://)[^/@\s]+@")


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Make `text` one short line with every secret, bearer token and URL userinfo masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _BEARER.sub(r"\1***", text)
    text = _USERINFO.sub(r"\1***@", text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _error_body(response: requests.Response) -> str | None:
    """The `errorType: error` of a Prometheus error answer, or None when it is not one."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(body, dict) and body.get("status") == "error":
        kind = body.get("errorType") or "error"
        return f"{kind}: {body.get('error') or 'no detail'}"
    return None


def describe_failure(exc: BaseException, response: requests.Response | None, url: str,
                     timeout: float, max_body: int = DEFAULT_MAX_BODY) -> str:
    """Explain a failed query in one line (the caller scrubs secrets).

    Args:
        exc: What the client raised.
        response: The last HTTP response seen for this query, if any.
        url: The Prometheus base URL (without credentials).
        timeout: The per-query deadline in seconds.
        max_body: The largest answer accepted, in bytes.
    """
    if isinstance(exc, Aborted):
        if exc.reason == TOO_LARGE:
            return f"answer from Prometheus at {url} is larger than {size_text(max_body)} (the limit)"
        if exc.reason == CLOSED:
            return "metrics source closed"
        return f"Prometheus at {url} did not answer within {timeout:g}s"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"Prometheus at {url} did not answer within {timeout:g}s"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error talking to {url}: {exc.__class__.__name__}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = "connection refused" if "refused" in str(exc).lower() else "connection failed"
        return f"cannot connect to Prometheus at {url} ({reason})"
    if response is not None:
        detail = _error_body(response)
        code = response.status_code
        if code != 200:
            hint = " (check the token or credentials)" if code in (401, 403) else ""
            return f"HTTP {code} {response.reason or ''} from {url}{hint}" + (f": {detail}" if detail else "")
        if detail:
            return f"Prometheus answered with an error: {detail}"
        return f"malformed answer from Prometheus at {url} ({exc.__class__.__name__})"
    if isinstance(exc, requests.exceptions.RequestException):
        return f"request to {url} failed ({exc.__class__.__name__})"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{exc.__class__.__name__}: {first}"
