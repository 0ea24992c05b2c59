"""OpenAPI schema helpers (kept apart from common.api, which DRF imports while it loads)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class SingleObjectSchema(AutoSchema):
    """For a viewset whose `list` answers one object (a schedule, a set of figures), not an
    array: the schema says so."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


# --- The errors every operation may answer -----------------------------------------------------

ERROR = {
    "type": "object",
    "description": "An error: a machine-readable code and a sentence for people, in the "
    "caller's language.",
    "properties": {
        "code": {"type": "string", "example": "not_found"},
        "detail": {"type": "string", "example": "Not found."},
    },
    "required": ["code", "detail"],
}
INVALID = {
    "type": "object",
    "description": "Bad input: each field that is wrong, with the reasons (a list of "
    "sentences; an object for a nested field), or `code` and `detail` for the request as a "
    "whole. Nothing was changed.",
    "additionalProperties": {},
    "example": {"due_date": ["Enter a valid date."]},
}
_ERRORS: dict[str, tuple[str, str]] = {
    "400": ("Invalid", "Bad input; nothing was changed."),
    "401": ("Error", "No valid credentials: sign in or send a token."),
    "403": ("Error", "Not allowed for you (the reason in `detail`)."),
    "404": ("Error", "No such object, or not one you may see."),
    "409": (
        "Error",
        "Refused by the object's state: a closed project, a stale revision, a step out of order.",
    ),
    "429": ("Error", "Too many calls: wait the seconds `Retry-After` says."),
}
_WRITES = {"post", "put", "patch", "delete"}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """A drf-spectacular postprocessing hook: every operation documents the errors it may
    answer, with their body (`Error` or `Invalid`), where it does not say so itself: 401, 403
    and 429 everywhere, 404 where the path names an object, 400 where it takes input, 409 on
    writes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("Invalid", INVALID)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            wanted = ["401", "403", "429"]
            if "{" in path:
                wanted.append("404")
            takes_input = "requestBody" in operation or any(
                parameter.get("in") == "query" for parameter in operation.get("parameters", [])
            )
            if takes_input or method in _WRITES:
                wanted.append("400")
            if method in _WRITES:
                wanted.append("409")
            responses = operation.setdefault("responses", {})
            for status in wanted:
                if status in responses:
                    continue
                name, description = _ERRORS[status]
                response: dict[str, Any] = {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    },
                }
                if status == "429":
                    response["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds to wait.",
                        }
                    }
                responses[status] = response
    return result
