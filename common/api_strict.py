"""The API refuses what it does not know: a query parameter, or a property of a JSON or
URL-encoded body, that the operation's OpenAPI schema does not declare is answered 400 naming it,
before the view runs, so a misspelt filter or field never passes silently as "no filter" or
"unchanged". A caller without valid credentials gets the view's own 401 first. The check is on
the address and the names alone, never on an object, so it tells nothing about what exists.

The schema is the one the docs page shows (drf-spectacular), read once per process; the request
bodies in it declare `additionalProperties: false` (common.api_schema.close_request_bodies), so
what the schema says and what the API does are the same rule."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

API_V1 = "/api/v1/"
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Operation:
    query: frozenset[str]
    # Per content type: the body's known properties, or None where any are allowed.
    body: dict[str, frozenset[str] | None]


@dataclass(frozen=True)
class _Path:
    pattern: re.Pattern[str]
    operations: dict[str, Operation]


_lock = threading.Lock()
_paths: list[_Path] | None = None


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _known_properties(document: dict[str, Any], schema: dict[str, Any]) -> frozenset[str] | None:
    schema = _resolve(document, schema)
    if schema.get("type") != "object" or schema.get("additionalProperties", False) is not False:
        return None
    return frozenset(schema.get("properties", {}))


def _operation(document: dict[str, Any], path_item: dict[str, Any], method: str) -> Operation:
    operation = path_item[method]
    parameters = [*path_item.get("parameters", []), *operation.get("parameters", [])]
    query = frozenset(p["name"] for p in parameters if p.get("in") == "query")
    body: dict[str, frozenset[str] | None] = {}
    for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
        body[content_type] = _known_properties(document, media.get("schema", {}))
    return Operation(query=query, body=body)


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}$")


def _build() -> list[_Path]:
    from drf_spectacular.generators import SchemaGenerator

    document = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    paths = []
    for path, item in document.get("paths", {}).items():
        if not path.startswith(API_V1):
            continue
        methods = {
            method.upper(): _operation(document, item, method)
            for method in ("get", "post", "put", "patch", "delete")
            if method in item
        }
        paths.append(_Path(pattern=_pattern(path), operations=methods))
    # A literal segment wins over a placeholder: /projects/from-archive/ before /projects/{id}/.
    paths.sort(key=lambda known: known.pattern.pattern.count("[^/]+"))
    return paths


def operation_for(path: str, method: str) -> Operation | None:
    global _paths
    if _paths is None:
        with _lock:
            if _paths is None:
                _paths = _build()
    for known in _paths:
        if known.pattern.match(path):
            return known.operations.get(method)
    return None


def _body_keys(request: HttpRequest, content_type: str) -> list[str] | None:
    """The top-level property names of the body, or None where they are not read here: a body
    that is not JSON or not an object, too large or malformed, is answered by the view as it
    always was, and a multipart upload is left to the view (parsing it here would take the
    upload limits out of the API's own error handling)."""
    try:
        if content_type == "application/json":
            data = json.loads(request.body or b"null")
            return list(data) if isinstance(data, dict) else None
        if content_type == _FORM:
            return list(QueryDict(request.body, encoding="utf-8"))
    except (ValueError, RecursionError, SuspiciousOperation):
        return None
    return None


def unknown_input(request: HttpRequest, operation: Operation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in request.GET:
        if name not in operation.query:
            errors[name] = [_("This query parameter is not known here.")]
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type in operation.body:
        known = operation.body[content_type]
        keys = _body_keys(request, content_type) if known is not None else None
        for name in keys or ():
            if known is not None and name not in known:
                errors[name] = [_("This field is not known here.")]
    return errors


def _signed_in(request: HttpRequest) -> bool:
    """Whether the API's own authenticators accept the caller: only asked when the input is
    wrong, so a correct call pays nothing for it."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    classes: list[Any] = list(api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    authenticators = [cls() for cls in classes]
    try:
        user = Request(request, authenticators=authenticators).user
    except APIException:
        return False
    return bool(user and user.is_authenticated)


class StrictApiInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.path_info.startswith(API_V1) or request.method not in {
            "GET",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
        }:
            return None
        operation = operation_for(request.path_info, request.method or "GET")
        if operation is None:
            return None
        errors = unknown_input(request, operation)
        if not errors or not _signed_in(request):
            # Without valid credentials the view answers 401 (or 403) itself, as for any call.
            return None
        body: dict[str, Any] = {**errors, "code": "unknown_input"}
        return JsonResponse(body, status=400)
