"""The API's default permission (imported by REST_FRAMEWORK settings, so it imports no views)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import IsAuthenticated


class IsAuthenticatedWithSecondFactor(IsAuthenticated):
    """The API's default: signed in, and — for provider people, when required — enrolled in a
    second factor, whether the call comes with a session or a token."""

    message = _("Set up two-factor authentication to continue.")
    code = "mfa_required"

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        from accounts.middleware import user_has_mfa

        user = request.user
        return not (
            settings.RAPPORT_STAFF_MFA_REQUIRED and user.is_provider_user and not user_has_mfa(user)
        )
