"""Loading a cluster from kubeconfig files, the way kubectl does.

``KUBECONFIG`` may list several files (``:``-separated). As with kubectl, the first file that
defines a cluster, user or context by a given name wins, and so does the first file that sets
``current-context``. ``--kubeconfig`` names exactly one file, which must exist.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from meshtui.kube.errors import ConfigError

DEFAULT_KUBECONFIG = "~/.kube/config"
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")

DEFAULT_REQUEST_TIMEOUT = 15.0
"""Seconds one API request may take (``--request-timeout``) before the command gives up."""
MAX_REQUEST_TIMEOUT = 7 * 24 * 3600.0
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_request_timeout(text: str) -> float | None:
    """Read kubectl's ``--request-timeout``: a bare number of seconds or a Go duration.

    ``5``, ``5s``, ``1m30s``, ``250ms`` and ``1h`` are accepted; ``0`` (in any unit) means no
    timeout, as in kubectl.

    Returns:
        Seconds, or None for no timeout.

    Raises:
        ValueError: For anything else, a negative value, or more than a week.
    """
    value = text.strip()
    if len(value) > 32:
        raise ValueError(f"invalid request timeout {text[:32]!r}...: too long")
    if re.fullmatch(r"[0-9]+", value):
        seconds = float(value)
    else:
        parts = _DURATION_PART.findall(value)
        if not parts or "".join(n + u for n, u in parts) != value:
            raise ValueError(f"invalid request timeout {text!r}: use a duration such as 5s, "
                             "1m or 250ms (0 for none)")
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    if seconds > MAX_REQUEST_TIMEOUT:
        raise ValueError(f"request timeout {text!r} is longer than a week")
    return seconds or None


@dataclass(frozen=True, repr=False)
class Cluster:
    """One context of a kubeconfig, resolved into a ready `kubernetes.client.ApiClient`.

    Attributes:
        api_client: The client every request of this cluster goes through.
        context: The context's name.
        namespace: The context's default namespace, or ``"default"``.
        server: The API server URL.
        user: The kubeconfig user's name (never its credentials).
        verify: Whether the server's TLS certificate is verified.
        ca_file: The CA bundle file, if any.
        cert_file: The client certificate file, if any.
        key_file: The client key file, if any.
        sources: The kubeconfig files that were merged.
    """

    api_client: Any = field(compare=False)
    context: str
    namespace: str
    server: str
    user: str
    verify: bool = True
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    sources: tuple[str, ...] = ()

    def auth_headers(self) -> dict[str, str]:
        """Return the HTTP headers that authenticate as this user (for the service proxy).

        Returns:
            ``{"Authorization": ...}`` when the user has a token or basic credentials, else ``{}``.
        """
        conf = self.api_client.configuration
        value = conf.get_api_key_with_prefix("BearerToken", alias="authorization")
        return {"Authorization": value} if value else {}

    def service_proxy_url(self, namespace: str, service: str, port: int | str) -> str:
        """Return the API server's proxy URL of a service (e.g. linkerd-viz's Prometheus).

        Args:
            namespace: The service's namespace.
            service: The service's name.
            port: Its port number or name.

        Raises:
            ValueError: When a part is not a valid Kubernetes name or port.
        """
        for label, value in (("namespace", namespace), ("service", service), ("port", str(port))):
            if not _DNS_LABEL.fullmatch(value):
                raise ValueError(f"invalid {label} {value!r} for a service proxy URL")
        return f"{self.server}/api/v1/namespaces/{namespace}/services/{service}:{port}/proxy"

    def close(self) -> None:
        """Release the client's pooled connections."""
        self.api_client.close()

    def __repr__(self) -> str:
        # The api_client's configuration holds the token: keep it out of every repr.
        return (f"Cluster(context={self.context!r}, server={self.server!r}, "
                f"user={self.user!r}, namespace={self.namespace!r})")


def kubeconfig_paths(kubeconfig: str | None = None) -> list[str]:
    """Return the kubeconfig files to merge, in priority order.

    Args:
        kubeconfig: An explicit file (``--kubeconfig``); otherwise ``KUBECONFIG`` or the default.

    Raises:
        ConfigError: When an explicit file does not exist, or no candidate file exists.
    """
    if kubeconfig:
        path = os.path.expanduser(kubeconfig)
        if not os.path.isfile(path):
            raise ConfigError(f"kubeconfig {kubeconfig} does not exist")
        return [path]
    env = os.environ.get("KUBECONFIG", "")
    candidates = [p for p in env.split(os.pathsep) if p] if env else [DEFAULT_KUBECONFIG]
    found = [os.path.expanduser(p) for p in candidates if os.path.isfile(os.path.expanduser(p))]
    if not found:
        where = "KUBECONFIG=" + env if env else DEFAULT_KUBECONFIG
        raise ConfigError(f"no kubeconfig found ({where}); set KUBECONFIG or pass --kubeconfig")
    return found


def _read(path: str) -> dict[str, Any]:
    """Read and sanity-check one kubeconfig file."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read kubeconfig {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"kubeconfig {path} is not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"kubeconfig {path} is not valid YAML{where}") from None
    except RecursionError:
        raise ConfigError(f"kubeconfig {path} is nested too deeply") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"kubeconfig {path} is malformed: expected a mapping at the top")
    # The client library reads these shapes without checking them; a string where a mapping
    # belongs would surface as an AttributeError from deep inside it.
    for key, inner in _ENTRIES:
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict)
                                                  and isinstance(i.get("name"), str)
                                                  for i in items):
            raise ConfigError(f"kubeconfig {path} is malformed: {key} must be a list of named entries")
        for item in items:
            body = item.get(inner)
            if body is not None and not isinstance(body, dict):
                raise ConfigError(f"kubeconfig {path} is malformed: {inner} of {key[:-1]} "
                                  f"{item['name']!r} must be a mapping, not {_shape(body)}")
            fields = _STRING_FIELDS.get(inner, ())
            for name, value in (body or {}).items():
                if name in fields and value is not None and not isinstance(value, str):
                    raise ConfigError(f"kubeconfig {path} is malformed: {inner}.{name} of "
                                      f"{key[:-1]} {item['name']!r} must be a string, "
                                      f"not {_shape(value)}")
    current = data.get("current-context")
    if current is not None and not isinstance(current, str):
        raise ConfigError(f"kubeconfig {path} is malformed: current-context must be a string, "
                          f"not {_shape(current)}")
    return data


_ENTRIES = (("clusters", "cluster"), ("contexts", "context"), ("users", "user"))
_STRING_FIELDS = {"cluster": ("server", "certificate-authority", "tls-server-name", "proxy-url"),
                  "context": ("cluster", "user", "namespace"),
                  "user": ("token", "tokenFile", "client-certificate", "client-key",
                           "username", "password")}


def _shape(value: Any) -> str:
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _merge(paths: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Merge files the kubectl way; return the merged view and each file's data."""
    files = [_read(p) for p in paths]
    merged: dict[str, Any] = {"clusters": [], "contexts": [], "users": [], "current-context": ""}
    for data in files:
        for key in ("clusters", "contexts", "users"):
            known = {item["name"] for item in merged[key]}
            merged[key].extend(i for i in data.get(key) or [] if i["name"] not in known)
        if not merged["current-context"] and data.get("current-context"):
            merged["current-context"] = data["current-context"]
    return merged, files


def context_names(kubeconfig: str | None = None) -> list[str]:
    """The context names of the kubeconfig (merged the kubectl way), in file order.

    Raises:
        ConfigError: Missing or malformed kubeconfig.
    """
    merged, _ = _merge(kubeconfig_paths(kubeconfig))
    return [str(c["name"]) for c in merged["contexts"]]


@dataclass(frozen=True)
class ContextChoice:
    """A kubeconfig context as the files name it, checked, before any client is built.

    Attributes:
        context: The context's name.
        namespace: Its default namespace, or ``"default"``.
        user: The kubeconfig user's name (never its credentials).
        sources: The kubeconfig files that were merged.
    """

    context: str
    namespace: str
    user: str
    sources: tuple[str, ...]


def choose_context(kubeconfig: str | None = None, context: str | None = None) -> ContextChoice:
    """Read the kubeconfig files (YAML only: no client library) and pick the context.

    The dashboard calls this before its first frame; `load_cluster` calls it too, so both
    refuse the same kubeconfigs with the same messages.

    Raises:
        ConfigError: Missing or malformed kubeconfig, unknown context, a context whose cluster
            is missing or has no server.
    """
    paths = kubeconfig_paths(kubeconfig)
    merged, _ = _merge(paths)
    names = [c["name"] for c in merged["contexts"]]
    chosen = context or merged["current-context"]
    if not chosen:
        raise ConfigError("kubeconfig has no current-context; pass --context "
                          f"(available: {', '.join(names) or 'none'})")
    if chosen not in names:
        raise ConfigError(f"context {chosen!r} not found in kubeconfig "
                          f"(available: {', '.join(names) or 'none'})")
    entry = next(c for c in merged["contexts"] if c["name"] == chosen).get("context") or {}
    cluster_name = entry.get("cluster")
    cluster_entry = next((c for c in merged["clusters"] if c["name"] == cluster_name), None)
    if cluster_entry is None or not (cluster_entry.get("cluster") or {}).get("server"):
        raise ConfigError(f"context {chosen!r} refers to cluster {cluster_name!r}, "
                          "which is missing or has no server")
    return ContextChoice(chosen, entry.get("namespace") or "default", entry.get("user") or "",
                         tuple(paths))


def load_cluster(kubeconfig: str | None = None, context: str | None = None, *,
                 request_timeout: float | None = DEFAULT_REQUEST_TIMEOUT) -> Cluster:
    """Load a context from kubeconfig into a `Cluster`.

    Args:
        kubeconfig: One kubeconfig file (``--kubeconfig``); None means ``KUBECONFIG`` or
            ``~/.kube/config``.
        context: The context to use (``--context``); None means the current context.
        request_timeout: Seconds one request may take unless its caller says otherwise (None:
            no limit). Failed requests are not retried, so a hanging server fails a command
            within this time rather than after several attempts.

    Returns:
        The resolved cluster.

    Raises:
        ConfigError: Missing or malformed kubeconfig, unknown context, incomplete entries.
    """
    choice = choose_context(kubeconfig, context)
    chosen, paths = choice.context, list(choice.sources)
    from kubernetes.client import ApiClient, Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger

    # The client's merger keeps each entry's file so relative certificate paths resolve; only
    # its current-context rule (last file wins) differs from kubectl's, so fix that one field.
    try:
        with _LoaderComplaints() as complaints:
            merger = KubeConfigMerger(os.pathsep.join(paths))
            merger.config.value["current-context"] = chosen
            loader = KubeConfigLoader(config_dict=merger.config, config_base_path=None,
                                      active_context=chosen)
            configuration = Configuration()
            loader.load_and_set(configuration)
        if complaints.messages:
            # The loader logs what it cannot use (a malformed exec entry) and carries on
            # without credentials; kubectl refuses such a context, and so does meshtui.
            raise ConfigException(complaints.messages[0])
        configuration.retries = _no_retries()
        api_client = ApiClient(configuration)
    except (ConfigException, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"kubeconfig context {chosen!r} is unusable: "
                          f"{type(exc).__name__}: {exc}") from None
    if not configuration.verify_ssl:
        warn_unverified_tls(f"context {chosen!r} does not verify the TLS certificate of "
                            f"{configuration.host} (insecure-skip-tls-verify)")
    _set_request_timeout(api_client, request_timeout)
    return Cluster(
        api_client=api_client,
        context=chosen,
        namespace=choice.namespace,
        server=configuration.host,
        user=choice.user,
        verify=bool(configuration.verify_ssl),
        ca_file=configuration.ssl_ca_cert,
        cert_file=configuration.cert_file,
        key_file=configuration.key_file,
        sources=tuple(paths),
    )


class _LoaderComplaints(logging.Handler):
    """Collects the errors the client's kubeconfig loader logs on the root logger while loading.

    The loader reports some mistakes only through ``logging.error``, which would also install a
    stderr handler on the root logger: one attached here first keeps them for the error line.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> _LoaderComplaints:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)


def _no_retries() -> Any:
    """urllib3 retries that never resend: its default (3 retries of each failed read) would turn
    one hanging request into four, and callers retry on their own terms anyway."""
    from urllib3.util.retry import Retry

    return Retry(total=None, connect=0, read=0, status=0, other=0, redirect=3)


def _set_request_timeout(api_client: Any, seconds: float | None) -> None:
    """Give every request of `api_client` that names no timeout of its own `seconds` in all.

    The client library's typed calls (the writer's patches) send no timeout unless asked; this
    is the one place that asks, for all of them.
    """
    plain = api_client.call_api

    def call_api(method: str, url: str, header_params: Any = None, body: Any = None,
                 post_params: Any = None, _request_timeout: Any = None) -> Any:
        if _request_timeout is None:
            _request_timeout = seconds
        return plain(method, url, header_params, body, post_params,
                     _request_timeout=_request_timeout)

    api_client.call_api = call_api
    api_client.request_timeout = seconds


_insecure_warned: dict[str, None] = {}
"""Every unverified-TLS warning printed so far, in order (a dict: ordered, and each once)."""


def unverified_tls_warnings() -> list[str]:
    """The unverified-TLS warnings printed so far: the dashboard repeats them on screen, where
    a line written to stderr while it runs would not be seen."""
    return list(_insecure_warned)


def warn_unverified_tls(message: str) -> None:
    """Print ``warning: <message>`` once per process and silence urllib3's own warning, which
    comes once per request (and would scribble over the dashboard)."""
    import sys
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    from meshtui.model.text import visible

    warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    if message in _insecure_warned:
        return
    _insecure_warned[message] = None
    sys.stderr.write(visible(f"warning: {message}") + "\n")
