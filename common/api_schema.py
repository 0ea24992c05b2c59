"""OpenAPI schema helpers (kept apart from common.api, which DRF imports while it loads)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class SingleObjectSchema(AutoSchema):
    """For a viewset whose `list` answers one object (a schedule, a set of figures), not an
    array: the schema says so."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
