"""Resource endpoints: list, get, watch, create, update, patch and delete over the store."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from meshtui.sim.apiserver import errors, protobuf
from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.registry import ResourceType
from meshtui.sim.apiserver.selectors import combine, field_selector, label_selector
from meshtui.sim.apiserver.table import table, wants_table

if TYPE_CHECKING:
    from meshtui.sim.apiserver.handler import Request
    from meshtui.sim.apiserver.store import Store

PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+json": "apply",
}

READ_VERBS = ("get", "list", "watch")


@dataclass(frozen=True)
class Target:
    """A resolved resource URL.

    Attributes:
        rtype: The resource type; `version` the version in the URL.
        namespace: Namespace from the URL (None for cluster-wide or cluster-scoped).
        name: Object name for item URLs.
        subresource: ``status`` or None.
    """

    rtype: ResourceType
    version: str
    namespace: str | None
    name: str | None
    subresource: str | None

    @property
    def api_version(self) -> str:
        """The apiVersion served at this URL."""
        return self.rtype.api_version(self.version)


def verb_of(method: str, target: Target, query: dict[str, str]) -> str:
    """The RBAC verb of a request."""
    if method == "GET":
        if target.name:
            return "get"
        return "watch" if query.get("watch") in ("true", "1") else "list"
    if method == "DELETE" and not target.name:
        return "deletecollection"
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(
        method, method.lower())


def authorize(identity: str, verb: str, target: Target) -> None:
    """Let `admin` do anything and `readonly` only read; deny like RBAC does.

    Raises:
        ApiError: 403 Forbidden naming verb, resource and name.
    """
    if identity == "admin" or verb in READ_VERBS:
        return
    plural = target.rtype.plural + (f"/{target.subresource}" if target.subresource else "")
    raise errors.forbidden(identity, verb, plural, target.rtype.group, target.name,
                           target.namespace)


def parse_body(request: Request, yaml_ok: bool = False) -> Any:
    """Decode the request body as JSON (a missing Content-Type means JSON), YAML for apply, or
    the protobuf kubectl sends for the built-in kinds it generates."""
    if not request.body:
        raise ApiError(400, "the request body is empty", "BadRequest")
    if protobuf.is_protobuf(request.content_type):
        return protobuf.decode(request.body)
    try:
        if yaml_ok and "yaml" in (request.content_type or ""):
            return yaml.safe_load(request.body)
        return json.loads(request.body)
    except (ValueError, yaml.YAMLError) as exc:
        raise ApiError(400, f"the request body could not be decoded: {exc}", "BadRequest") from exc


def _encode_continue(rv: int, key: tuple[str, str]) -> str:
    raw = json.dumps({"rv": rv, "start": list(key)}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_continue(token: str) -> tuple[str, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        return (str(data["start"][0]), str(data["start"][1]))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ApiError(400, "continue key is not valid", "BadRequest") from exc


def list_objects(store: Store, target: Target, request: Request) -> bytes:
    """Serve a list (JSON bytes built from cached encodings, or a Table)."""
    query = request.query
    predicate = combine(label_selector(query.get("labelSelector")),
                        field_selector(query.get("fieldSelector")))
    rv, entries = store.list_in(target.rtype, target.namespace, predicate)
    if query.get("continue"):
        start = _decode_continue(query["continue"])
        entries = [e for e in entries
                   if (e.obj["metadata"].get("namespace", ""), e.obj["metadata"]["name"]) > start]
    token = None
    limit = int(query.get("limit") or 0)
    if 0 < limit < len(entries):
        entries = entries[:limit]
        last = entries[-1].obj["metadata"]
        token = _encode_continue(rv, (last.get("namespace", ""), last["name"]))
    if wants_table(request.accept):
        objs = [{**e.obj, "apiVersion": target.api_version} for e in entries]
        return json.dumps(table(target.rtype, objs, str(rv), store.clock(), token)).encode()
    meta: dict[str, Any] = {"resourceVersion": str(rv)}
    if token:
        meta["continue"] = token
    head = json.dumps({"kind": f"{target.rtype.kind}List", "apiVersion": target.api_version,
                       "metadata": meta}, separators=(",", ":")).encode()
    items = b",".join(e.encoded(target.api_version) for e in entries)
    return head[:-1] + b',"items":[' + items + b"]}"


def _served(obj: dict[str, Any], target: Target, request: Request) -> dict[str, Any]:
    obj["apiVersion"] = target.api_version
    if wants_table(request.accept) and request.method == "GET":
        return table(target.rtype, [obj], obj["metadata"].get("resourceVersion", ""),
                     request.now)
    return obj


def _check_identity(target: Target, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object", "BadRequest")
    kind = body.get("kind")
    if kind and kind != target.rtype.kind:
        raise ApiError(400, f"the kind in the data ({kind}) does not match the expected kind "
                       f"({target.rtype.kind})", "BadRequest")
    body_ns = (body.get("metadata") or {}).get("namespace")
    if target.rtype.namespaced and body_ns and body_ns != target.namespace:
        raise ApiError(400, "the namespace of the provided object does not match the namespace "
                       "sent on the request", "BadRequest")
    return body


def field_manager(request: Request) -> str:
    """The manager a write is recorded under: `fieldManager`, else the client's user agent.

    Like the real server, the default is the user agent up to its first slash
    (``kubectl/v1.32.0 (linux/amd64)`` → ``kubectl``).
    """
    explicit = request.query.get("fieldManager")
    if explicit:
        return explicit
    agent = (request.user_agent or "").split("/", 1)[0].strip()
    return agent or "unknown"


def handle(store: Store, target: Target, request: Request) -> tuple[int, Any]:
    """Run a non-watch resource request; returns (status, JSON-able body or raw bytes)."""
    method, dry_run = request.method, request.query.get("dryRun") == "All"
    manager = field_manager(request)
    rtype, namespace, name = target.rtype, target.namespace, target.name
    if rtype.namespaced and name and namespace is None:
        raise ApiError(404, "the server could not find the requested resource", "NotFound")
    if target.subresource and (target.subresource != "status" or not rtype.status_subresource):
        raise ApiError(404, "the server could not find the requested resource", "NotFound")
    if name is None:
        if method == "GET":
            return 200, list_objects(store, target, request)
        if method == "POST":
            body = _check_identity(target, parse_body(request))
            created = store.create_in(rtype, namespace, body, dry_run=dry_run, manager=manager,
                                      written_as=target.api_version, validate=True)
            return 201, _served(created, target, request)
        if method == "DELETE":
            return 200, _delete_collection(store, target, request, dry_run)
        raise ApiError(405, f"{method} is not supported on a collection", "MethodNotAllowed")
    if method == "GET":
        obj = dict(store.get_in(rtype, namespace, name).obj)
        return 200, _served(obj, target, request)
    if method == "PUT":
        body = _check_identity(target, parse_body(request))
        updated = store.update_in(rtype, namespace, name, body, subresource=target.subresource,
                                  dry_run=dry_run, manager=manager, written_as=target.api_version,
                                  validate=True)
        return 200, _served(updated, target, request)
    if method == "PATCH":
        patch_type = PATCH_TYPES.get((request.content_type or "").split(";")[0].strip())
        if patch_type is None:
            raise ApiError(415, f"the body of the request was in an unknown format - accepted "
                           f"media types include: {', '.join(PATCH_TYPES)}", "UnsupportedMediaType")
        body = parse_body(request, yaml_ok=patch_type == "apply")
        existed = patch_type != "apply" or _exists(store, target)
        patched = store.patch_in(rtype, namespace, name, body, patch_type,
                                 subresource=target.subresource, dry_run=dry_run,
                                 manager=manager, written_as=target.api_version, validate=True)
        return (200 if existed else 201), _served(patched, target, request)
    if method == "DELETE":
        options = _delete_options(request)
        # kubectl puts `dryRun: ["All"]` in the DeleteOptions body rather than the query.
        dry_run = dry_run or "All" in (options.get("dryRun") or [])
        preconditions = options.get("preconditions")
        deleted = store.delete_in(rtype, namespace, name, dry_run=dry_run,
                                  preconditions=preconditions if isinstance(preconditions, dict)
                                  else None)
        return 200, _served(deleted, target, request)
    raise ApiError(405, f"{method} is not supported", "MethodNotAllowed")


def _exists(store: Store, target: Target) -> bool:
    try:
        store.get_in(target.rtype, target.namespace, target.name or "")
    except ApiError:
        return False
    return True


def _delete_options(request: Request) -> dict[str, Any]:
    """The DeleteOptions body of a DELETE (empty when there is none or it is unreadable)."""
    try:
        options = parse_body(request) if request.body else {}
    except ApiError:
        return {}
    return options if isinstance(options, dict) else {}


def _delete_collection(store: Store, target: Target, request: Request, dry_run: bool
                       ) -> dict[str, Any]:
    predicate = combine(label_selector(request.query.get("labelSelector")),
                        field_selector(request.query.get("fieldSelector")))
    rv, entries = store.list_in(target.rtype, target.namespace, predicate)
    items = []
    for entry in entries:
        meta = entry.obj["metadata"]
        try:
            items.append(store.delete_in(target.rtype, meta.get("namespace"), meta["name"],
                                         dry_run=dry_run))
        except ApiError as exc:
            if exc.code != 404:
                raise
    return {"kind": f"{target.rtype.kind}List", "apiVersion": target.api_version,
            "metadata": {"resourceVersion": str(store.resource_version)}, "items": items}
