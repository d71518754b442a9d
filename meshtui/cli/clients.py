"""Builds what every command shares from the parsed command line: the user's settings, the
cluster, the one writer and linkerd-viz's Prometheus.

The dashboard (`meshtui.launch`), ``weight``/``pause``/... and every ``rollout`` verb get them
here, so each command honours the config file and the kubeconfig options the same way.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meshtui.kube.config import Cluster
    from meshtui.kube.writer import ClusterWriter
    from meshtui.metrics.prometheus import PrometheusSource
    from meshtui.ui.config import Settings

VIZ_PROMETHEUS = ("linkerd-viz", "prometheus", 9090)
"""linkerd-viz's Prometheus Service (namespace, name, port), reached through the service proxy."""


def config_settings(args: argparse.Namespace) -> Settings:
    """The user's config file as `meshtui.cli` read it before any request (read here when a
    command runs on its own, e.g. ``python -m meshtui.cli.control``).

    Raises:
        meshtui.ui.config.ConfigError: The file is unreadable or holds a bad value.
    """
    settings = getattr(args, "settings", None)
    if settings is None:
        from meshtui.ui.config import load_settings

        settings = args.settings = load_settings()
    return settings


def cluster_from_args(args: argparse.Namespace) -> Cluster:
    """The cluster of ``--kubeconfig``/``--context``, requests bounded by ``--request-timeout``."""
    from meshtui.kube.config import DEFAULT_REQUEST_TIMEOUT, load_cluster

    return load_cluster(getattr(args, "kubeconfig", None), getattr(args, "context", None),
                        request_timeout=getattr(args, "request_timeout", DEFAULT_REQUEST_TIMEOUT))


def prometheus_limits(settings: Settings | None) -> dict[str, Any]:
    """`PrometheusSource` keyword arguments bounding each query: its deadline and answer size."""
    from meshtui.metrics.transport import MIB

    if settings is None:
        return {}
    return {"timeout": settings.prometheus_timeout,
            "max_body": int(settings.prometheus_max_body_mib * MIB)}


def viz_prometheus(cluster: Cluster, settings: Settings | None = None) -> PrometheusSource:
    """linkerd-viz's Prometheus through the API server's service proxy, as the kubeconfig's user.

    Bounded like any Prometheus (`prometheus_limits`): the proxy passes the answer through."""
    from meshtui.metrics.prometheus import PrometheusSource

    verify = (cluster.ca_file or True) if cluster.verify else False
    return PrometheusSource(cluster.service_proxy_url(*VIZ_PROMETHEUS),
                            headers=cluster.auth_headers(), verify=verify,
                            **prometheus_limits(settings))


def build_writer(args: argparse.Namespace, cluster: Cluster,
                 settings: Settings | None = None) -> ClusterWriter:
    """The one writer of every command that writes (the dashboard, the demo, ``weight``,
    ``pause``/``resume``/``promote``/``abort`` and every ``rollout`` verb): read-only from the
    flag or the config file's ``read_only``, dry run from the flag; every attempt goes to the
    audit log. Commands build their writer here and nowhere else, so a verb added later cannot
    forget the config file.

    Raises:
        meshtui.ui.config.ConfigError: When the config file has to be read and is bad.
    """
    from meshtui.kube.audit import AuditLog
    from meshtui.kube.writer import ClusterWriter

    if settings is None:
        settings = config_settings(args)
    read_only = bool(getattr(args, "read_only", False) or getattr(settings, "read_only", False))
    return ClusterWriter(cluster, audit=AuditLog(), read_only=read_only,
                         dry_run=bool(getattr(args, "dry_run", False)))
