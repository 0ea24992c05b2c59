"""Every operation on the OpenAPI page shows an example request (where it takes a JSON body) and an
example response (where it answers JSON), and every example is valid against the schema beside
it, so an integrator can copy it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from common.api_examples import example_of
from tests.api.test_schemathesis import _openapi


def _json_schema(schema: Any) -> Any:
    """OpenAPI 3.0's schema dialect as JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(schema, list):
        return [_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: _json_schema(value) for key, value in schema.items() if key != "nullable"}
    if schema.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return _openapi()


def _examples(media: dict[str, Any]) -> list[Any]:
    if "example" in media:
        return [media["example"]]
    return [example["value"] for example in media.get("examples", {}).values()]


def _media(document: dict[str, Any]):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                yield f"{label} request", body
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json")
                if str(status).startswith("2") and media is not None:
                    yield f"{label} {status}", media


def test_every_json_body_and_answer_has_an_example(document):
    missing = [label for label, media in _media(document) if not _examples(media)]
    seen = sum(1 for _ in _media(document))
    assert seen > 200
    assert missing == []


def test_every_example_is_valid_against_its_schema(document):
    root = {"components": _json_schema(document["components"])}
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    invalid = {}
    for label, media in _media(document):
        schema = {**root, **_json_schema(media["schema"])}
        validator = jsonschema.Draft7Validator(schema, format_checker=checker)
        for value in _examples(media):
            errors = [error.message for error in validator.iter_errors(value)]
            if errors:
                invalid[label] = errors[:3]
    assert invalid == {}


def test_a_built_example_uses_plausible_values_and_keeps_to_the_limits():
    schemas = {
        "Thing": {
            "type": "object",
            "properties": {
                "title": {"type": "string", "maxLength": 300},
                "code": {"type": "string", "maxLength": 3},
                "due_date": {"type": "string", "format": "date"},
                "budget": {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,5}$"},
                "probability": {"type": "integer", "minimum": 1, "maximum": 5},
                "share": {"type": "number", "minimum": 0, "maximum": 1},
                "status": {"enum": ["", "open", "closed"]},
                "closed_by": {"type": "integer", "nullable": True},
                "file": {"type": "string", "format": "binary"},
            },
        }
    }
    value = example_of(schemas, {"$ref": "#/components/schemas/Thing"})
    assert value == {
        "title": "Export orders to Excel",
        "code": "Tex",
        "due_date": "2030-06-28",
        "budget": "1",
        "probability": 1,
        "share": 1,
        "status": "open",
        "closed_by": 1,
    }
