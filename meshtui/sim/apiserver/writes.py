"""Writes on the store: create, update, patch and delete with the API server's semantics."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from meshtui.sim.apiserver import errors, validation
from meshtui.sim.apiserver.core import CRD_KEY, NS_KEY, StoreCore, clone
from meshtui.sim.apiserver.crd_defs import preregistered_crds
from meshtui.sim.apiserver.crds import crd_to_type
from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.objects import (
    Defaulter, carry_metadata, generated_name, new_metadata, record_manager, spec_part, timestamp,
    validate_name)
from meshtui.sim.apiserver.patch import PatchError, json_patch, merge_patch
from meshtui.sim.apiserver.registry import ResourceType


class WritableStore(StoreCore):
    """The store with its write operations, seeded with the mesh CRDs and some namespaces.

    Args:
        history: How many events to retain for watches that resume from a resourceVersion.
        namespaces: Namespaces that exist from the start.
        clock: Source of wall-clock time for timestamps.
    """

    def __init__(self, history: int = 1000, *,
                 namespaces: tuple[str, ...] = ("default", "kube-system"),
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(history, clock=clock)
        self._defaulter = Defaulter()
        crd_type = self.type_for(CRD_KEY[0], "v1", CRD_KEY[1])
        for crd in preregistered_crds():
            self.create_in(crd_type, None, crd, api=False)
        ns_type = self.type_for("", "v1", "namespaces")
        for name in namespaces:
            self.create_in(ns_type, None, {"apiVersion": "v1", "kind": "Namespace",
                                           "metadata": {"name": name}}, api=False)

    def create_in(self, rtype: ResourceType, namespace: str | None, body: dict[str, Any], *,
                  dry_run: bool = False, api: bool = True, manager: str | None = None,
                  written_as: str | None = None, validate: bool = False) -> dict[str, Any]:
        """Create an object of `rtype` (`api=False` keeps `.status` for seeding).

        `written_as` is the apiVersion the request used, which `managedFields` records (the
        storage version when None). With `validate` (requests through the API) a custom
        resource must satisfy that version's schema (`validation.validate`).

        Raises:
            ApiError: 404 missing namespace, 409 AlreadyExists, 422 invalid.
        """
        try:
            with self.lock:
                if validate:
                    validation.validate(rtype, body, written_as)
                return self._create_locked(rtype, namespace, body, dry_run, api, manager, written_as)
        finally:
            self._deliver()

    def _create_locked(self, rtype: ResourceType, namespace: str | None, body: dict[str, Any],
                       dry_run: bool, api: bool, manager: str | None = None,
                       written_as: str | None = None) -> dict[str, Any]:
        obj = clone(body)
        meta = obj.get("metadata") or {}
        if rtype.namespaced:
            namespace = namespace or meta.get("namespace") or "default"
            namespaces = self._bucket(self._registry.by_plural("", "v1", "namespaces"))
            if ("", namespace) not in namespaces:
                raise ApiError(404, f'namespaces "{namespace}" not found', "NotFound",
                               {"name": namespace, "kind": "namespaces"})
        else:
            namespace = None
        name = meta.get("name")
        if not name and meta.get("generateName"):
            name = generated_name(meta["generateName"])
            while (namespace or "", name) in self._bucket(rtype):
                name = generated_name(meta["generateName"])
        if not name:
            raise ApiError(422, f"{rtype.kind} is invalid: metadata.name: Required value: name or "
                           "generateName is required", "Invalid")
        validate_name(rtype, name)
        if (namespace or "", name) in self._bucket(rtype):
            raise errors.already_exists(rtype.plural, rtype.group, name)
        if api and rtype.status_subresource:
            obj.pop("status", None)
        obj["apiVersion"] = rtype.api_version()
        obj["kind"] = rtype.kind
        obj["metadata"] = new_metadata({**meta, "name": name}, namespace, self.clock())
        self._defaulter.apply(rtype, obj)
        if manager:
            record_manager(obj["metadata"], manager, "Update", written_as or obj["apiVersion"], None,
                           self.clock())
        new_type = crd_to_type(obj) if rtype.key == CRD_KEY else None
        if new_type is not None:
            self._check_crd_clash(new_type)
        if dry_run:
            return obj
        self._commit(rtype, obj, "ADDED")
        if new_type is not None:
            self._registry.add(new_type)
        return clone(obj)

    def _check_crd_clash(self, new_type: ResourceType) -> None:
        for existing in self._registry.all():
            if existing.key == new_type.key and existing.builtin:
                raise ApiError(422, f"{new_type.qualified} clashes with a built-in resource",
                               "Invalid")

    def update_in(self, rtype: ResourceType, namespace: str | None, name: str,
                  body: dict[str, Any], *, subresource: str | None = None, dry_run: bool = False,
                  seed: bool = False, manager: str | None = None, written_as: str | None = None,
                  validate: bool = False) -> dict[str, Any]:
        """Replace an object (PUT): a set, stale `metadata.resourceVersion` is a 409 Conflict.

        `seed=True` takes `.status` from the body even where a status subresource exists.
        """
        try:
            with self.lock:
                old = self._entry(rtype, namespace, name).obj
                self._check_rv(rtype, name, old, body)
                body_name = (body.get("metadata") or {}).get("name")
                if body_name and body_name != name:
                    raise ApiError(400, f"the name of the object ({body_name}) does not match the "
                                   f"name on the URL ({name})", "BadRequest")
                if validate and subresource is None:
                    validation.validate(rtype, body, written_as)
                return self._replace_locked(rtype, old, body, subresource, dry_run, seed, manager,
                                            written_as)
        finally:
            self._deliver()

    @staticmethod
    def _check_rv(rtype: ResourceType, name: str, old: dict[str, Any], body: dict[str, Any]
                  ) -> None:
        wanted = (body.get("metadata") or {}).get("resourceVersion")
        if wanted not in (None, "") and str(wanted) != old["metadata"]["resourceVersion"]:
            raise errors.conflict(rtype.plural, rtype.group, name)

    def _replace_locked(self, rtype: ResourceType, old: dict[str, Any], body: dict[str, Any],
                        subresource: str | None, dry_run: bool, seed: bool,
                        manager: str | None = None, written_as: str | None = None
                        ) -> dict[str, Any]:
        if subresource not in (None, "status") or (subresource == "status"
                                                    and not rtype.status_subresource):
            raise ApiError(404, "the server could not find the requested resource", "NotFound")
        if subresource == "status":
            new = clone(old)
            new.pop("status", None)
            if body.get("status") is not None:
                new["status"] = clone(body["status"])
        else:
            new = clone(body)
            new["apiVersion"], new["kind"] = old["apiVersion"], old["kind"]
            new["metadata"] = carry_metadata(new.get("metadata") or {}, old["metadata"])
            for key in ("name", "namespace"):
                if key in old["metadata"]:
                    new["metadata"][key] = old["metadata"][key]
            if rtype.status_subresource and not seed:
                new.pop("status", None)
                if "status" in old:
                    new["status"] = old["status"]
            if spec_part(new) != spec_part(old):
                new["metadata"]["generation"] = int(old["metadata"].get("generation", 1)) + 1
        if new == old:
            return clone(old)
        if manager:
            record_manager(new["metadata"], manager, "Update", written_as or old["apiVersion"],
                           subresource,
                           self.clock())
        new_type = crd_to_type(new) if rtype.key == CRD_KEY else None
        if dry_run:
            return new
        meta = new["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._delete_locked(rtype, new)
            return clone(new)
        self._commit(rtype, new, "MODIFIED", old)
        if new_type is not None:
            self._registry.add(new_type)
        return clone(new)

    def patch_in(self, rtype: ResourceType, namespace: str | None, name: str, patch: Any,
                 patch_type: str = "merge", *, subresource: str | None = None,
                 dry_run: bool = False, manager: str | None = None, written_as: str | None = None,
                 validate: bool = False) -> dict[str, Any]:
        """Patch an object: ``merge``, ``json``, ``strategic`` (built-ins only) or ``apply``.

        Raises:
            ApiError: 404, 409 on a stale resourceVersion precondition, 415 for a strategic
                merge patch on a custom resource, 422 when a JSON patch fails.
        """
        if patch_type == "strategic":
            if not rtype.builtin:
                raise ApiError(415, "the body of the request was in an unknown format - accepted "
                               "media types include: application/json-patch+json, "
                               "application/merge-patch+json, application/apply-patch+yaml",
                               "UnsupportedMediaType")
            patch_type = "merge"
        try:
            with self.lock:
                key = (namespace or "", name)
                if patch_type == "apply" and key not in self._bucket(rtype):
                    body = clone(patch)
                    body.setdefault("metadata", {})["name"] = name
                    if validate:
                        validation.validate(rtype, body, written_as)
                    return self._create_locked(rtype, namespace, body, dry_run, True, manager,
                                               written_as)
                old = self._entry(rtype, namespace, name).obj
                if patch_type in ("merge", "apply"):
                    if not isinstance(patch, dict):
                        raise ApiError(400, "a merge patch must be a JSON object", "BadRequest")
                    new = merge_patch(old, patch)
                elif patch_type == "json":
                    try:
                        new = json_patch(old, patch)
                    except PatchError as exc:
                        raise ApiError(422, str(exc), "Invalid",
                                       {"name": name, "group": rtype.group, "kind": rtype.plural}
                                       ) from exc
                else:
                    raise ApiError(415, f"unsupported patch type {patch_type!r}",
                                   "UnsupportedMediaType")
                if not isinstance(new, dict):
                    raise ApiError(422, "the patch did not produce an object", "Invalid")
                self._check_rv(rtype, name, old, new)
                if validate and subresource is None:
                    validation.validate(rtype, new, written_as)
                return self._replace_locked(rtype, old, new, subresource, dry_run, False, manager,
                                            written_as)
        finally:
            self._deliver()

    def delete_in(self, rtype: ResourceType, namespace: str | None, name: str, *,
                  dry_run: bool = False, preconditions: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
        """Delete an object; with finalizers only `deletionTimestamp` is set.

        `preconditions` (DeleteOptions' ``resourceVersion`` and ``uid``) must match, else 409.
        """
        try:
            with self.lock:
                old = self._entry(rtype, namespace, name).obj
                _check_preconditions(rtype, name, old, preconditions or {})
                if old["metadata"].get("finalizers"):
                    if old["metadata"].get("deletionTimestamp"):
                        return clone(old)
                    new = clone(old)
                    new["metadata"]["deletionTimestamp"] = timestamp(self.clock())
                    return new if dry_run else clone(self._commit(rtype, new, "MODIFIED", old))
                if dry_run:
                    return clone(old)
                return clone(self._delete_locked(rtype, clone(old)))
        finally:
            self._deliver()

    def _delete_locked(self, rtype: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
        self._commit(rtype, obj, "DELETED")
        if rtype.key == NS_KEY:
            namespace = obj["metadata"]["name"]
            for other in self._registry.all():
                if other.namespaced:
                    for key in [k for k in self._bucket(other) if k[0] == namespace]:
                        self._commit(other, clone(self._bucket(other)[key].obj), "DELETED")
        elif rtype.key == CRD_KEY:
            spec = obj.get("spec") or {}
            gone = self._registry.remove(spec.get("group", ""),
                                         (spec.get("names") or {}).get("plural", ""))
            if gone is not None:
                for entry in list(self._bucket(gone).values()):
                    self._commit(gone, clone(entry.obj), "DELETED")
                self._objects.pop(gone.key, None)
        return obj


def _check_preconditions(rtype: ResourceType, name: str, old: dict[str, Any],
                         preconditions: dict[str, Any]) -> None:
    meta = old["metadata"]
    for key, field_name in (("resourceVersion", "ResourceVersion"), ("uid", "UID")):
        wanted = preconditions.get(key)
        if wanted not in (None, "") and str(wanted) != str(meta.get(key)):
            raise ApiError(409, f"Operation cannot be fulfilled on {rtype.plural}"
                                f"{'.' + rtype.group if rtype.group else ''} \"{name}\": "
                                f"Precondition failed: {field_name} in precondition: {wanted}, "
                                f"{field_name} in object meta: {meta.get(key)}", "Conflict")
