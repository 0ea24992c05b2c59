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
    "404": ("Error", "No such object, or not one you may see (or a page past the last)."),
    "409": (
        "Error",
        "Refused by the object's state: a closed project, a stale revision, a step out of order.",
    ),
    "429": ("Error", "Too many calls: wait the seconds `Retry-After` says."),
}
_WRITES = {"post", "put", "patch", "delete"}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """A drf-spectacular postprocessing hook: every operation documents the errors it may
    answer, with their body (`Error` or `Invalid`), where it does not say so itself: 400, 401,
    403, 404 and 429 everywhere, 409 on writes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("Invalid", INVALID)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            # Any operation may answer 400 (an unknown parameter or property, common.api_strict)
            # and 404 (an object in the address or the body that does not exist or is hidden,
            # a page past the last).
            wanted = ["400", "401", "403", "404", "429"]
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


def _is_file(schema: dict[str, Any]) -> bool:
    if schema.get("format") == "binary":
        return True
    return "items" in schema and _is_file(schema["items"])


def close_request_bodies(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """A drf-spectacular postprocessing hook: a request body takes only the properties it
    declares (`additionalProperties: false`), as the API enforces (common.api_strict). A body
    that requires a file is documented as a form upload only: JSON cannot carry the file."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                schema = media.get("schema", {})
                if "$ref" in schema:
                    schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
                if schema.get("type") == "object" and "additionalProperties" not in schema:
                    schema["additionalProperties"] = False
            json_body = content.get("application/json", {}).get("schema", {})
            if "$ref" in json_body:
                json_body = schemas.get(json_body["$ref"].rsplit("/", 1)[-1], {})
            required = set(json_body.get("required", []))
            properties = json_body.get("properties", {})
            if any(_is_file(properties.get(name, {})) for name in required) and len(content) > 1:
                del content["application/json"]
    return result


def file_download_response(description: str) -> dict[Any, Any]:
    """The 200 of an operation that answers a stored file: its own type (a PDF, an image, a
    spreadsheet…), so any media type, named in Content-Disposition."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse

    return {
        (200, "*/*"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description=f"{description} Its Content-Type is the file's own (e.g. "
            "application/pdf, image/png); Content-Disposition names it.",
        )
    }
