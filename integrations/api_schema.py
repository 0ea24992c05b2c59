"""The OpenAPI schema's word on personal access tokens (drf-spectacular registers the extension
when this module is imported, from IntegrationsConfig.ready())."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.api_auth.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rpt_…",
            "description": (
                "A personal access token (profile → Personal access tokens): read or write, "
                "all of one's projects or one, expiring."
            ),
        }
