"""The Content-Security-Policy header, built once per process instead of twice per response.

django-csp's middleware builds the policy from the settings on every response, and the
report-only policy too even when there is none. Ours is the same middleware (the nonce, the
exemptions, the per-view decorators all behave as before) with the common case short-cut: a
response that no decorator changed gets the policy built once, with this request's nonce put in
its place. Changing the CONTENT_SECURITY_POLICY settings (as tests do) builds it again.
"""

from __future__ import annotations

import http.client
from functools import cache

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# A nonce is 16 random bytes in base64: this cannot be one.
_NONCE_SLOT = "__nonce_slot__"
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)


@cache
def _policy(with_nonce: bool) -> str:
    return build_policy(nonce=_NONCE_SLOT if with_nonce else None)


@cache
def _excluded_prefixes() -> tuple[str, ...]:
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    return tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy.cache_clear()
        _excluded_prefixes.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or any(
            getattr(response, name, None) for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        nonce = getattr(request, "_csp_nonce", None)
        policy = _policy(nonce is not None)
        if (
            policy
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not request.path_info.startswith(_excluded_prefixes())
        ):
            response[HEADER] = policy.replace(_NONCE_SLOT, nonce) if nonce else policy
        if nonce is None:
            # As django-csp: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
