"""meshtui: a terminal dashboard for canaries on a Linkerd mesh."""

__version__ = "0.1.0"
