"""Loading a cluster from kubeconfig files, the way kubectl does.

``KUBECONFIG`` may list several files (``:``-separated). As with kubectl, the first file that
defines a cluster, user or context by a given name wins, and so does the first file that sets
``current-context``. ``--kubeconfig`` names exactly one file, which must exist.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from meshtui.kube.errors import ConfigError

DEFAULT_KUBECONFIG = "~/.kube/config"
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


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


def _read(path: str) -> dict:
    """Read and sanity-check one kubeconfig file."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read kubeconfig {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"kubeconfig {path} is not valid YAML{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"kubeconfig {path} is malformed: expected a mapping at the top")
    for key in ("clusters", "contexts", "users"):
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) and "name" in i
                                                  for i in items):
            raise ConfigError(f"kubeconfig {path} is malformed: {key} must be a list of named entries")
    return data


def _merge(paths: list[str]) -> tuple[dict, list[dict]]:
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


def load_cluster(kubeconfig: str | None = None, context: str | None = None) -> Cluster:
    """Load a context from kubeconfig into a `Cluster`.

    Args:
        kubeconfig: One kubeconfig file (``--kubeconfig``); None means ``KUBECONFIG`` or
            ``~/.kube/config``.
        context: The context to use (``--context``); None means the current context.

    Returns:
        The resolved cluster.

    Raises:
        ConfigError: Missing or malformed kubeconfig, unknown context, incomplete entries.
    """
    from kubernetes.client import ApiClient, Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger

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
    cluster_name, user_name = entry.get("cluster"), entry.get("user") or ""
    cluster_entry = next((c for c in merged["clusters"] if c["name"] == cluster_name), None)
    if cluster_entry is None or not (cluster_entry.get("cluster") or {}).get("server"):
        raise ConfigError(f"context {chosen!r} refers to cluster {cluster_name!r}, "
                          "which is missing or has no server")

    # The client's merger keeps each entry's file so relative certificate paths resolve; only
    # its current-context rule (last file wins) differs from kubectl's, so fix that one field.
    try:
        merger = KubeConfigMerger(os.pathsep.join(paths))
        merger.config.value["current-context"] = chosen
        loader = KubeConfigLoader(config_dict=merger.config, config_base_path=None,
                                  active_context=chosen)
        configuration = Configuration()
        loader.load_and_set(configuration)
    except (ConfigException, OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"kubeconfig context {chosen!r} is unusable: "
                          f"{type(exc).__name__}: {exc}") from None
    return Cluster(
        api_client=ApiClient(configuration),
        context=chosen,
        namespace=entry.get("namespace") or "default",
        server=configuration.host,
        user=user_name,
        verify=bool(configuration.verify_ssl),
        ca_file=configuration.ssl_ca_cert,
        cert_file=configuration.cert_file,
        key_file=configuration.key_file,
        sources=tuple(paths),
    )
