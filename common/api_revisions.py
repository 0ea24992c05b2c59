"""Revisions in the API (see common.revisions): the `ETag` of a record is its quoted revision;
a PATCH or PUT with `If-Match` is saved only if the record is still at that revision (else 409,
nothing changed); without `If-Match` it is saved as before.

A view takes part with `RevisionedViewMixin` (first among its bases): its responses whose body
holds a `revision` get the `ETag`, `if_match_revision()` is the revision to hand to the service,
and its schema documents the header and the 409 (`RevisionedSchema`). Its output serializers
include `revision`; its actions on records without one are named in `unrevisioned_actions`.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_schema import SingleObjectSchema

_ENTITY_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,10})"\s*$')
# What an If-Match that names no revision of ours is compared as: it matches none.
_NO_REVISION = -1

WRITE_METHODS = ("PATCH", "PUT")

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        'The record\'s ETag as last read (e.g. `"4"`). The change is saved only if nobody saved '
        "the record since; otherwise the answer is 409 and nothing changes. Without it the "
        "change is saved whatever happened meanwhile."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description="The record's revision, quoted: send it back as If-Match to change the record.",
)


def revision_from_if_match(header: str | None) -> int | None:
    """The revision an If-Match header names: None without the header or for `*` (any
    revision), a value that matches no revision for anything else we did not hand out."""
    if header is None or header.strip() in {"", "*"}:
        return None
    match = _ENTITY_TAG.match(header)
    return int(match.group(1)) if match else _NO_REVISION


def entity_tag(revision: int) -> str:
    return f'"{revision}"'


class ConflictSerializer(serializers.Serializer):
    """The body of a 409: the project's error format."""

    code = serializers.CharField()
    detail = serializers.CharField()


class RevisionedSchema(AutoSchema):
    """Documents If-Match and the 409 on PATCH and PUT, and the ETag of their answers and of
    a detail GET."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if getattr(self.view, "action", None) in getattr(self.view, "unrevisioned_actions", ()):
            return parameters
        if self.method in WRITE_METHODS:
            parameters.append(IF_MATCH)
        if self.method in WRITE_METHODS or (self.method == "GET" and not self._is_list_view()):
            parameters.append(ETAG)
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        # Below extend_schema(responses=...), which replaces get_response_serializers.
        bodies = super()._get_response_bodies(direction)
        if self.method in WRITE_METHODS and "409" not in bodies:
            bodies["409"] = self._get_response_for_code(
                ConflictSerializer, "409", direction=direction
            )
        return bodies


class RevisionedSingleObjectSchema(RevisionedSchema, SingleObjectSchema):
    pass


class RevisionedViewMixin:
    """ETag on every answer that carries a record's `revision`; If-Match read by
    `if_match_revision()` and compared by the service (atomically, under the row lock)."""

    schema: Any = RevisionedSchema()

    def if_match_revision(self) -> int | None:
        request: Request = self.request  # type: ignore[attr-defined]
        return revision_from_if_match(request.headers.get("If-Match"))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(  # type: ignore[misc]
            request, response, *args, **kwargs
        )
        data = getattr(response, "data", None)
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("revision"), int)
        ):
            response["ETag"] = entity_tag(data["revision"])
        return response
