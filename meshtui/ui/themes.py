"""meshtui's own theme and the semantic CSS variables every theme can override.

Screens style health, staleness and roles with ``$mesh-*`` variables rather than raw colours, so a
user theme (or any built-in Textual theme) recolours them consistently. This is the only module
that spells colours out.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.theme import Theme

MESHTUI_THEME = Theme(
    name="meshtui",
    primary="#4FA3E0",
    secondary="#C27BD8",
    accent="#E0A84F",
    warning="#E0C24F",
    error="#E0605A",
    success="#5FBF77",
    foreground="#D8DEE9",
    background="#161B22",
    surface="#1E252E",
    panel="#262F3A",
    dark=True,
)
"""The default theme: dark, calm, with health colours that stay apart for common colour blindness."""

BUILTIN_THEMES: dict[str, Theme] = {MESHTUI_THEME.name: MESHTUI_THEME}
"""Themes the app registers on start, by name."""

SEMANTIC_VARIABLES: Mapping[str, str] = {
    "mesh-ok": "success",
    "mesh-warn": "warning",
    "mesh-bad": "error",
    "mesh-none": "foreground-muted",
    "mesh-stable": "primary",
    "mesh-canary": "secondary",
    "mesh-stale": "foreground-disabled",
}
"""Semantic variable → the standard theme variable it falls back to."""


def semantic_defaults(standard: Mapping[str, str]) -> dict[str, str]:
    """Derive meshtui's variables from a theme's generated colour system.

    Args:
        standard: The theme's standard variables (``$success``, ``$warning``, …).

    Returns:
        A value for every name in `SEMANTIC_VARIABLES`.
    """
    return {name: standard.get(source, standard.get("foreground", "white"))
            for name, source in SEMANTIC_VARIABLES.items()}
