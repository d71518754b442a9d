"""The one write path of meshtui: every mutation of a cluster goes through `ClusterWriter`.

The writer enforces read-only mode (a refused write never leaves the process), optimistic
concurrency (every weight patch carries the resourceVersion it was planned against; a lost race
raises `Conflict` with the live object and is never retried here), dry run (``dryRun=All``), error
translation, and the audit log (one record per attempted write, whatever its outcome).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from meshtui.kube import errors
from meshtui.kube.errors import Conflict, Forbidden, Invalid, KubeError
from meshtui.kube.transport import decode_object
from meshtui.model.write_descriptions import (
    DELETE,
    JSON,
    JSON_PATCH,
    ActionPlan,
    ObjectTarget,
    PlannedWrite,
    ProxyPost,
)
from meshtui.model.weight_writes import rule_percents, weight_write
from meshtui.model.weights import validate_percent

if TYPE_CHECKING:
    from meshtui.kube.audit import AuditLog
    from meshtui.kube.config import Cluster
    from meshtui.model.split import Split

__all__ = ["ClusterWriter", "Conflict", "PartialWrite", "ReadOnly", "WriteResult"]

FIELD_MANAGER = "meshtui"
"""The field manager meshtui's writes are recorded under (`metadata.managedFields`)."""


class ReadOnly(KubeError):
    """meshtui runs read-only: the write was refused before any request was sent."""


class PartialWrite(KubeError):
    """A multi-write action stopped part-way.

    Attributes:
        landed: Results of the writes that were made, in order.
        failed: The write that failed.
        cause: Its error.
    """

    def __init__(self, message: str, landed: list[WriteResult], failed: PlannedWrite,
                 cause: KubeError) -> None:
        super().__init__(message)
        self.landed = landed
        self.failed = failed
        self.cause = cause


@dataclass(frozen=True)
class WriteResult:
    """The outcome of one write."""

    obj: dict[str, Any]
    """The object the server returned (the would-be object in a dry run); for a proxy POST,
    ``{"status": code, "body": text}``."""
    dry_run: bool
    """True when nothing was persisted."""
    audit_record: dict[str, Any]
    """The audit record written for it."""


def _expected_rv(patch: Any, patch_type: str) -> str | None:
    """The resourceVersion a patch (or a deletion's preconditions) is guarded by, if it is."""
    if patch_type == DELETE and isinstance(patch, dict):
        rv = (patch.get("preconditions") or {}).get("resourceVersion")
        return str(rv) if rv else None
    if patch_type != JSON_PATCH and isinstance(patch, dict):
        rv = (patch.get("metadata") or {}).get("resourceVersion")
        return str(rv) if rv is not None else None
    if patch_type == JSON_PATCH and isinstance(patch, list):
        for op in patch:
            if isinstance(op, dict) and op.get("op") == "test" and \
                    op.get("path") == "/metadata/resourceVersion":
                return str(op.get("value"))
    return None


def _project(live: Any, patch: Any) -> Any:
    """The values `live` holds where a merge patch writes (metadata left out)."""
    if not isinstance(patch, dict):
        return live
    live = live if isinstance(live, dict) else {}
    return {key: _project(live.get(key), value) for key, value in patch.items()
            if key != "metadata"}


def with_annotations(planned: PlannedWrite, split: Split,
                     annotations: Mapping[str, str]) -> PlannedWrite:
    """The same weight write, also setting `annotations` on the object.

    Raises:
        ValueError: For an annotation key or value that is not a string.
    """
    if not all(isinstance(k, str) and k and isinstance(v, str) for k, v in annotations.items()):
        raise ValueError("annotations must map non-empty strings to strings")
    if planned.patch_type != JSON_PATCH:
        patch = dict(planned.patch)
        patch["metadata"] = {**patch.get("metadata", {}), "annotations": dict(annotations)}
        return replace(planned, patch=patch)
    ops = list(planned.patch)
    existing = (split.obj.get("metadata") or {}).get("annotations")
    if not isinstance(existing, dict):
        ops.append({"op": "add", "path": "/metadata/annotations", "value": dict(annotations)})
    else:
        for key, value in annotations.items():
            escaped = key.replace("~", "~0").replace("/", "~1")
            ops.append({"op": "add", "path": f"/metadata/annotations/{escaped}", "value": value})
    return replace(planned, patch=ops)


def _plural(target: ObjectTarget) -> str:
    """The URL plural of a target's resource key (``httproutes.policy.linkerd.io``)."""
    return target.resource.split(".", 1)[0]


class ClusterWriter:
    """Writes to one cluster on behalf of one user.

    Args:
        cluster: The loaded kubeconfig context.
        audit: Where every attempted write is recorded.
        read_only: Refuse every write before it leaves the process.
        dry_run: Send writes with ``dryRun=All`` (nothing is persisted; proxy POSTs are not sent).
    """

    def __init__(self, cluster: Cluster, *, audit: AuditLog, read_only: bool = False,
                 dry_run: bool = False) -> None:
        self.cluster = cluster
        self.audit = audit
        self.read_only = read_only
        self.dry_run = dry_run
        header = cluster.auth_headers().get("Authorization", "")
        audit.add_secret(header)
        audit.add_secret(header.partition(" ")[2])

    def __repr__(self) -> str:
        return (f"ClusterWriter(context={self.cluster.context!r}, read_only={self.read_only}, "
                f"dry_run={self.dry_run})")

    def prepare(self) -> None:
        """Import the client's API modules now, off the UI thread.

        They are left out of start-up (see `load_cluster`) and cost about 300 ms on first use,
        which would otherwise land on the first write: often the incident button.
        """
        from kubernetes.client import CustomObjectsApi  # noqa: F401 - imported to load it now
        from kubernetes.client.exceptions import ApiException  # noqa: F401 - imported to load it now

    @property
    def identity(self) -> str | None:
        """Who writes: the kubeconfig user's name (never a credential)."""
        return self.cluster.user or None

    def set_weights(self, split: Split, percents: list[int] | tuple[int, ...],
                    rule: int = 0, *, annotations: Mapping[str, str] | None = None) -> WriteResult:
        """Set the whole percentages of one rule of a split, guarded by its resourceVersion.

        TrafficSplit: a merge patch carrying ``metadata.resourceVersion`` and the whole
        ``spec.backends`` list; HTTPRoute: a JSON patch that first tests
        ``/metadata/resourceVersion``. Weights are encoded for the object's version.

        Args:
            split: The split as read (its resourceVersion guards the write).
            percents: Whole percentages of the rule's backends, summing to 100.
            rule: Index of the rule.
            annotations: Annotations set in the same write (e.g. ``meshtui.io/stable``).

        Raises:
            Invalid: For invalid percentages (refused before any request; not audited).
            ReadOnly, Conflict, Forbidden, KubeError: See the module docstring.
        """
        if not split.resource_version:
            raise Invalid(f"{split.ref} was not read from the cluster (no resourceVersion)")
        try:
            planned = weight_write(split, list(percents), rule)
            values = [validate_percent(p) for p in percents]
            if annotations:
                planned = with_annotations(planned, split, annotations)
        except (ValueError, IndexError) as exc:
            raise Invalid(f"invalid weights for {split.ref}: {exc}") from None
        names = [b.name for b in split.backends if b.rule == rule]
        before = dict(zip(names, rule_percents(split, rule), strict=True))
        after = dict(zip(names, values, strict=True))
        return self.write(planned, "set-weights", before=before, after=after)

    def apply(self, plan: ActionPlan) -> list[WriteResult]:
        """Run the writes of an action plan in order, stopping at the first failure.

        Raises:
            KubeError: The first write's error when nothing landed.
            PartialWrite: When some writes landed before one failed (it says which).
        """
        landed: list[WriteResult] = []
        for planned in plan.writes:
            shown: dict[str, Any] = {}
            weights = plan.weights
            if weights is not None and isinstance(planned.target, ObjectTarget) \
                    and planned.target.name == plan.split_ref.name:
                shown = {"before": dict(zip(weights.names, weights.before, strict=False)),
                         "after": dict(zip(weights.names, weights.after, strict=False))}
            try:
                landed.append(self.write(planned, plan.action, **shown))
            except KubeError as exc:
                if not landed:
                    raise
                done = "; ".join(w.description for w in plan.writes[: len(landed)])
                raise PartialWrite(f"{plan.action} stopped after {len(landed)} of "
                                   f"{len(plan.writes)} writes (landed: {done}); "
                                   f"then: {exc.message}", landed, planned, exc) from exc
        return landed

    def write(self, planned: PlannedWrite, action: str, *, before: Any = None,
              after: Any = None) -> WriteResult:
        """Send one planned write; `before`/`after` override what the audit log shows.

        Without `before`, the values the patch overwrites are read from the live object first.
        A plain JSON body to an object (`JSON`) creates it: it is not there to be read or
        guarded by a resourceVersion, and a 409 (it already exists) raises `Conflict`. A
        `DELETE` deletes the object, guarded by the preconditions in its body; the audit log
        shows the object's spec as it was.
        """
        target = planned.target
        creates = isinstance(target, ObjectTarget) and planned.patch_type == JSON
        deletes = isinstance(target, ObjectTarget) and planned.patch_type == DELETE
        verb = ("create" if isinstance(target, ProxyPost) or creates else
                "delete" if deletes else "patch")
        obj = self._audit_object(planned)
        shown_after = (None if deletes else planned.patch) if after is None else after

        def audit(result: str, message: str = "", was: Any = before) -> dict[str, Any]:
            return self.audit.record(context=self.cluster.context, identity=self.identity,
                                     verb=verb, obj=obj, action=action, before=was,
                                     after=shown_after, result=result, message=message)

        if self.read_only:
            message = f"read-only mode: refused to {verb} {target}"
            audit("read-only", message)
            raise ReadOnly(message)
        if isinstance(target, ProxyPost):
            if self.dry_run:
                record = audit("dry-run", f"would POST {target.path} (not sent: the service "
                                          "proxy has no dry run)")
                return WriteResult({"status": None, "body": planned.patch}, True, record)
        elif before is None and deletes:
            live = self._get_live(target)
            before = None if live is None else {"spec": live.get("spec")}
        elif before is None and not creates:
            live = self._get_live(target)
            before = None if live is None else _project(live, planned.patch) \
                if planned.patch_type != JSON_PATCH else None
        try:
            if isinstance(target, ProxyPost):
                answer = self._post(target, planned.patch)
            elif creates:
                answer = self._create(target, planned.patch)
            elif deletes:
                answer = self._delete(target, planned.patch)
            else:
                answer = self._patch(target, planned)
        except Exception as exc:  # noqa: BLE001 - every failure is translated and audited
            error = self._translate(exc, planned, verb)
            result = ("conflict" if isinstance(error, Conflict) else
                      "forbidden" if isinstance(error, Forbidden) else "error")
            audit(result, error.message, before)
            raise error from None
        if self.dry_run:
            return WriteResult(answer, True, audit("dry-run", f"dry run of {verb} {target}",
                                                   before))
        return WriteResult(answer, False, audit("ok", "", before))

    def _audit_object(self, planned: PlannedWrite) -> dict[str, Any]:
        target = planned.target
        if isinstance(target, ProxyPost):
            return {"kind": "Service", "namespace": target.namespace, "name": target.service,
                    "resourceVersion": None, "port": target.port, "path": target.path}
        obj: dict[str, Any] = {"kind": target.kind, "namespace": target.namespace,
                               "name": target.name,
                               "resourceVersion": _expected_rv(planned.patch, planned.patch_type)}
        if planned.subresource:
            obj["subresource"] = planned.subresource
        return obj

    def _create(self, target: ObjectTarget, body: dict[str, Any]) -> dict[str, Any]:
        from kubernetes.client import CustomObjectsApi

        kwargs: dict[str, Any] = {"field_manager": FIELD_MANAGER}
        if self.dry_run:
            kwargs["dry_run"] = "All"
        answer = CustomObjectsApi(self.cluster.api_client).create_namespaced_custom_object(
            target.group, target.version, target.namespace, _plural(target), body, **kwargs)
        return answer if isinstance(answer, dict) else {}

    def _delete(self, target: ObjectTarget, options: dict[str, Any]) -> dict[str, Any]:
        from kubernetes.client import CustomObjectsApi

        kwargs: dict[str, Any] = {"body": options}
        if self.dry_run:
            kwargs["dry_run"] = "All"
        answer = CustomObjectsApi(self.cluster.api_client).delete_namespaced_custom_object(
            target.group, target.version, target.namespace, _plural(target), target.name,
            **kwargs)
        return answer if isinstance(answer, dict) else {}

    def _patch(self, target: ObjectTarget, planned: PlannedWrite) -> dict[str, Any]:
        from kubernetes.client import CustomObjectsApi

        api = CustomObjectsApi(self.cluster.api_client)
        call = (api.patch_namespaced_custom_object_status if planned.subresource == "status"
                else api.patch_namespaced_custom_object)
        # The answer is decoded here, not by the client: its decoder fails on an integer of more
        # than 4,300 digits anywhere in the object, and the write would then look failed.
        kwargs: dict[str, Any] = {"field_manager": FIELD_MANAGER,
                                  "_content_type": planned.patch_type,
                                  "_preload_content": False}
        if self.dry_run:
            kwargs["dry_run"] = "All"
        raw: Any = call(target.group, target.version, target.namespace, _plural(target),
                   target.name, planned.patch, **kwargs)
        try:
            data = raw.data
        finally:
            raw.release_conn()
        try:
            return decode_object(data or b"{}")
        except (ValueError, RecursionError):
            return {}

    def read_gate(self, target: ProxyPost, body: Any) -> bool:
        """Whether a Flagger load tester gate is open: its ``/gate/check`` or ``/rollback/check``
        answers 200 when open, 403 when closed. A check changes nothing, so it is not audited;
        it is still a POST, so read-only mode sends none.

        Raises:
            ReadOnly: In read-only mode.
            KubeError: When the answer says neither (the proxy refused, the service is down).
        """
        from kubernetes.client.exceptions import ApiException

        if self.read_only:
            raise ReadOnly(f"read-only mode: not checking {target}")

        try:
            self._post(target, body)
        except ApiException as exc:
            text = (exc.body or b"") if isinstance(exc.body, bytes) else str(exc.body or "")
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            # The load tester's own 403 is plain text; the API server's is a JSON Status.
            if exc.status == 403 and not text.lstrip().startswith("{"):
                return False
            raise self._translate(exc, PlannedWrite(target, body, JSON, "", str(target)),
                                  "create") from None
        except Exception as exc:  # noqa: BLE001 - translated like any other failure
            raise self._translate(exc, PlannedWrite(target, body, JSON, "", str(target)),
                                  "create") from None
        return True

    def _post(self, target: ProxyPost, body: Any) -> dict[str, Any]:
        from meshtui.kube.transport import open_response

        path = (f"/api/v1/namespaces/{target.namespace}/services/{target.service}:{target.port}"
                f"/proxy/{target.path.lstrip('/')}")
        raw = open_response(self.cluster.api_client, "POST", path, body=body, content_type=JSON)
        try:
            text = (raw.data or b"").decode("utf-8", "replace")
        finally:
            raw.release_conn()
        return {"status": raw.status, "body": text.strip()}

    def _get_live(self, target: ObjectTarget) -> dict[str, Any] | None:
        from kubernetes.client import CustomObjectsApi

        try:
            live = CustomObjectsApi(self.cluster.api_client).get_namespaced_custom_object(
                target.group, target.version, target.namespace, _plural(target), target.name)
        except Exception:  # noqa: BLE001 - a failed re-read leaves the state unknown, no more
            return None
        return live if isinstance(live, dict) else None

    def _translate(self, exc: BaseException, planned: PlannedWrite, verb: str) -> KubeError:
        """Turn a failure into Conflict/Forbidden/KubeError with a message naming the object."""
        from kubernetes.client.exceptions import ApiException

        target = planned.target
        status = exc.status if isinstance(exc, ApiException) else None
        if isinstance(target, ProxyPost):
            resource, name = "services/proxy", f"{target.service}:{target.port}"
            where = f"{target.namespace}/{name}{target.path}"
        else:
            resource = f"{_plural(target)}.{target.group}" + (
                f"/{planned.subresource}" if planned.subresource else "")
            name, where = target.name, f"{target.namespace}/{target.name}"
        if status in (401, 403):
            who = f"user {self.identity!r}" if self.identity else "this user"
            return Forbidden(verb, resource, name,
                             f"forbidden: {who} (context {self.cluster.context}) cannot {verb} "
                             f"{resource} {where}; nothing was changed")
        expected = _expected_rv(planned.patch, planned.patch_type)
        if isinstance(target, ObjectTarget) and expected is not None and (
                status == 409 or (status == 422 and planned.patch_type == JSON_PATCH)):
            live = self._get_live(target)
            live_rv = str(((live or {}).get("metadata") or {}).get("resourceVersion") or "")
            if status == 409 or live is None or live_rv != expected:
                return Conflict(f"conflict: {target} changed since it was read (resourceVersion "
                                f"{expected} -> {live_rv or '?'}); nothing was written: review "
                                "the new state and try again", live)
        return errors.translate(exc, verb=verb, resource=resource, name=name,
                                server=self.cluster.server)
