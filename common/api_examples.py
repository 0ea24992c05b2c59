"""An example request and response for every operation of the OpenAPI page.

Operations that declare their own examples keep them. For the others, a drf-spectacular
postprocessing hook builds one from the operation's schema, with plausible values for the names
the API uses (a title, a due date, an e-mail address) and otherwise a value of the declared type,
format and limits: the example always validates against its schema (tests/api/test_api_examples.py
checks every one), and it stays right when the schema changes.
"""

from __future__ import annotations

import re
from typing import Any

# Plausible values by property name, used when the schema allows them.
_BY_NAME: dict[str, Any] = {
    "title": "Export orders to Excel",
    "name": "Warehouse system",
    "description": "Nightly export of the day's orders for the finance team.",
    "summary": "On track: the pilot starts next week.",
    "note": "Agreed in the weekly call.",
    "internal_note": "Check the vendor's estimate first.",
    "reason": "Out of the agreed scope.",
    "comment": "Looks good to us.",
    "text": "Can we move the demo to Thursday?",
    "message": "Thanks, confirmed.",
    "code": "NW-WMS",
    "reference": "REQ-12",
    "email": "li.na@client.example.com",
    "display_name": "Li Na",
    "url": "https://hooks.example.com/rapport",
    "next_step": "Confirm the data fields with finance.",
    "acceptance_notes": "All criteria met in the pilot.",
    "requested_by": "Li Na",
    "decided_by": "Li Na",
    "role": "pm",
    "language": "en",
    "time_zone": "Asia/Shanghai",
    "currency": "CNY",
}
_BY_FORMAT: dict[str, Any] = {
    "date": "2030-06-28",
    "date-time": "2030-06-28T09:30:00+08:00",
    "time": "09:30:00",
    "email": "li.na@client.example.com",
    "uri": "https://rapport.example.com/api/v1/projects/?page=2",
    "uuid": "3f8a2c1e-5b7d-4e9a-9c1b-2d4f6a8e0b13",
    "decimal": "1250.00",
    "binary": None,
}
_DEPTH_LIMIT = 6


def _resolve(schemas: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    if value is None or "enum" in schema:
        return False
    kind = schema.get("type")
    if kind == "string":
        if not isinstance(value, str):
            return False
        if schema.get("format") in _BY_FORMAT or "pattern" in schema:
            return False
        return schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value))
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return False


# Values tried, in order, against a pattern (amounts, ids, slugs).
_PATTERNED = ("1250.00", "12.50", "1", "pilot-2030")


def _string(schema: dict[str, Any]) -> str | None:
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        return next((value for value in _PATTERNED if pattern.search(value)), None)
    fmt = schema.get("format")
    if fmt in _BY_FORMAT:
        value = _BY_FORMAT[fmt]
        return None if value is None else str(value)
    low, high = schema.get("minLength", 0), schema.get("maxLength", 64)
    text = "Text"
    text = (text * (low // len(text) + 1))[: max(low, min(len(text), high))]
    return text


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    step = 1 if integer else 0.5
    value: int | float = 1 if integer else 1.5
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and value <= low:
        value = low + step if schema.get("exclusiveMinimum") else low
    if high is not None and value >= high:
        value = high - step if schema.get("exclusiveMaximum") else high
    return int(value) if integer else value


def example_of(
    schemas: dict[str, Any], schema: dict[str, Any], *, name: str = "", depth: int = 0
) -> Any:
    """A value that validates against `schema` (OpenAPI 3.0), plausible where the name says
    what it is; None where no value can be made (a binary file, a pattern)."""
    schema = _resolve(schemas, schema)
    if "example" in schema:
        return schema["example"]
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            choices = [_resolve(schemas, choice) for choice in schema[key]]
            if key == "allOf":
                merged: dict[str, Any] = {}
                for choice in choices:
                    merged = {**merged, **choice}
                return example_of(schemas, merged, name=name, depth=depth)
            # Prefer a real value over the blank or null choices.
            ordered = sorted(choices, key=lambda c: c.get("enum") in ([""], [None]))
            return example_of(schemas, ordered[0], name=name, depth=depth)
    if "enum" in schema:
        values = [value for value in schema["enum"] if value not in ("", None)]
        return (values or schema["enum"])[0]
    if name in _BY_NAME and _fits(_BY_NAME[name], schema):
        return _BY_NAME[name]
    if name.endswith(("_name", "_by")) and _fits("Li Na", schema):
        return "Li Na"
    kind = schema.get("type", "object" if "properties" in schema else None)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "array":
        if depth >= _DEPTH_LIMIT:
            return []
        item = example_of(schemas, schema.get("items", {}), name=name, depth=depth + 1)
        count = max(1, schema.get("minItems", 1))
        return [] if item is None and not schema.get("minItems") else [item] * count
    if kind == "object" or kind is None:
        if depth >= _DEPTH_LIMIT:
            return {}
        value = {}
        for key, sub in schema.get("properties", {}).items():
            sub_value = example_of(schemas, sub, name=key, depth=depth + 1)
            if sub_value is None and not _resolve(schemas, sub).get("nullable"):
                continue
            value[key] = sub_value
        return value
    return None


def _has_example(media: dict[str, Any]) -> bool:
    return "example" in media or "examples" in media


def add_examples(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """A drf-spectacular postprocessing hook: an example for every JSON request body and every
    JSON success response that has none of its own."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            bodies = [operation.get("requestBody", {})]
            bodies += [
                response
                for status, response in operation.get("responses", {}).items()
                if str(status).startswith("2")
            ]
            for body in bodies:
                media = body.get("content", {}).get("application/json")
                if media is None or _has_example(media) or "schema" not in media:
                    continue
                value = example_of(schemas, media["schema"])
                if value is not None:
                    media["example"] = value
    return result
