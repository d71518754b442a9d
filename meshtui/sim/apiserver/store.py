"""The public `Store` API: objects addressed by apiVersion and kind (scenarios and tests use it)."""

from __future__ import annotations

from typing import Any

from meshtui.sim.apiserver.core import clone
from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.registry import ResourceType
from meshtui.sim.apiserver.writes import WritableStore


def _namespace(rtype: ResourceType, namespace: str | None) -> str | None:
    if not rtype.namespaced:
        return None
    return namespace or "default"


class Store(WritableStore):
    """Thread-safe object store of the simulated cluster.

    Built-in resources and the mesh CRDs (TrafficSplit, HTTPRoute, ServiceProfile, Canary,
    Rollout) are registered from the start. Returned objects are copies the caller may mutate;
    they carry the apiVersion that was asked for (all versions share storage, conversion None).
    """

    def _type(self, obj: dict[str, Any]) -> ResourceType:
        if not isinstance(obj, dict) or "apiVersion" not in obj or "kind" not in obj:
            raise ApiError(400, "Object 'Kind' is missing: apiVersion and kind are required",
                           "BadRequest")
        return self.type_of(obj["apiVersion"], obj["kind"])

    def create(self, obj: dict[str, Any], *, dry_run: bool = False, manager: str | None = None
               ) -> dict[str, Any]:
        """Create `obj`, keeping any `.status` it carries (for seeding).

        Raises:
            ApiError: 404 when the namespace is missing, 409 when the object exists.
        """
        rtype = self._type(obj)
        namespace = (obj.get("metadata") or {}).get("namespace")
        created = self.create_in(rtype, _namespace(rtype, namespace), obj, dry_run=dry_run,
                                 api=False, manager=manager, written_as=obj["apiVersion"])
        created["apiVersion"] = obj["apiVersion"]
        return created

    def get(self, api_version: str, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        """One object at `api_version`; raises ApiError(404) when absent."""
        rtype = self.type_of(api_version, kind)
        return clone(self.get_in(rtype, _namespace(rtype, namespace), name).obj, api_version)

    def list(self, api_version: str, kind: str, namespace: str | None = None
             ) -> list[dict[str, Any]]:
        """All objects of a kind (in one namespace, or all) in namespace/name order."""
        rtype = self.type_of(api_version, kind)
        _, entries = self.list_in(rtype, namespace if rtype.namespaced else None)
        return [clone(e.obj, api_version) for e in entries]

    def update(self, obj: dict[str, Any], *, subresource: str | None = None,
               dry_run: bool = False, manager: str | None = None) -> dict[str, Any]:
        """Replace an object; a set, stale `metadata.resourceVersion` raises ApiError(409).

        Like the API, the main endpoint keeps the stored `.status` where a status subresource
        exists; pass ``subresource="status"`` to replace only the status.
        """
        rtype = self._type(obj)
        meta = obj.get("metadata") or {}
        updated = self.update_in(rtype, _namespace(rtype, meta.get("namespace")),
                                 meta.get("name", ""), obj, subresource=subresource,
                                 dry_run=dry_run, manager=manager, written_as=obj["apiVersion"])
        updated["apiVersion"] = obj["apiVersion"]
        return updated

    def patch(self, api_version: str, kind: str, namespace: str | None, name: str, patch: Any,
              patch_type: str = "merge", subresource: str | None = None, *,
              dry_run: bool = False, manager: str | None = None) -> dict[str, Any]:
        """Patch an object (``merge``, ``json``, ``strategic`` or ``apply``) and return it.

        A `metadata.resourceVersion` in the patched result that differs from the stored one is
        a precondition failure (409). `manager` is recorded in `metadata.managedFields`, as the
        API server does with the `fieldManager` of a request.
        """
        rtype = self.type_of(api_version, kind)
        patched = self.patch_in(rtype, _namespace(rtype, namespace), name, patch, patch_type,
                                subresource=subresource, dry_run=dry_run, manager=manager,
                                written_as=api_version)
        patched["apiVersion"] = api_version
        return patched

    def delete(self, api_version: str, kind: str, namespace: str | None, name: str, *,
               dry_run: bool = False) -> dict[str, Any]:
        """Delete an object (only marks it when it has finalizers) and return its last state."""
        rtype = self.type_of(api_version, kind)
        deleted = self.delete_in(rtype, _namespace(rtype, namespace), name, dry_run=dry_run)
        deleted["apiVersion"] = api_version
        return deleted

    def apply(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Create `obj` or replace the stored one wholesale, status included (for seeding)."""
        rtype = self._type(obj)
        meta = obj.get("metadata") or {}
        namespace = _namespace(rtype, meta.get("namespace"))
        body = clone(obj)
        body.setdefault("metadata", {}).pop("resourceVersion", None)
        # Bounded retry: another writer may create or delete the object between the two steps.
        for _ in range(3):
            try:
                result = self.update_in(rtype, namespace, meta.get("name", ""), body, seed=True)
                break
            except ApiError as exc:
                if exc.code != 404 or exc.details is None:
                    raise
            try:
                result = self.create_in(rtype, namespace, body, api=False)
                break
            except ApiError as exc:
                if exc.reason != "AlreadyExists":
                    raise
        else:
            raise ApiError(409, f'{rtype.qualified} "{meta.get("name")}" kept changing during '
                           "apply", "Conflict")
        result["apiVersion"] = obj["apiVersion"]
        return result
