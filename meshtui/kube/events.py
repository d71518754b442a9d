"""What watch threads hand to their sink. The sink is called from worker threads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from meshtui.model.split import Split

ChangeType = Literal["ADDED", "MODIFIED", "DELETED"]


@dataclass(frozen=True)
class ObjectsListed:
    """A full list of one resource type: replace everything known of that type.

    Attributes:
        resource: The resource key.
        objects: Every object, with ``kind`` and ``apiVersion`` filled in.
        resource_version: The list's resourceVersion, from which the watch resumes.
        parsed: The splits among `objects` by (namespace, name), parsed in the watch thread
            (`meshtui.model.mesh.parse_objects`); None when nobody parsed them.
    """

    resource: str
    objects: tuple[dict[str, Any], ...]
    resource_version: str
    parsed: Mapping[tuple[str, str], Split] | None = None


@dataclass(frozen=True)
class ObjectChanged:
    """One watch event.

    Attributes:
        resource: The resource key.
        type: ``ADDED``, ``MODIFIED`` or ``DELETED`` (a DELETED object is its last state).
        obj: The object.
        parsed: The object's split, parsed in the watch thread; None when it is not a split or
            nobody parsed it.
    """

    resource: str
    type: ChangeType
    obj: dict[str, Any]
    parsed: Split | None = None


@dataclass(frozen=True)
class ConnectionChanged:
    """The watch of one resource type lost or regained the API server.

    Attributes:
        resource: The resource key.
        connected: False when the connection was lost, True when it came back.
        error: A one-line reason when disconnected, else None.
    """

    resource: str
    connected: bool
    error: str | None


WatchEvent = ObjectsListed | ObjectChanged | ConnectionChanged
"""Anything a watch sink receives."""
