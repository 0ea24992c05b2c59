"""Per-request activation of the user's language and time zone, the staff MFA requirement, and
domain errors raised in pages."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from common.errors import Conflict, NotAllowed, NotFound


class UserPreferencesMiddleware:
    """Activates the signed-in user's language and time zone (after LocaleMiddleware, which
    serves anonymous visitors from their browser's language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/i18n/", "/invitations/")
# Under /accounts/ but not part of signing in or enrolling: the profile hands out API tokens, which
# would let a provider person without a second factor use the API.
MFA_ENFORCED_PREFIXES = ("/accounts/profile/",)


def is_mfa_exempt(path: str) -> bool:
    return path.startswith(MFA_EXEMPT_PREFIXES) and not path.startswith(MFA_ENFORCED_PREFIXES)


# A person's "has an authenticator app" is cached: the check runs on every staff request.
MFA_CACHE_SECONDS = 300


def _mfa_cache_key(user_pk: object) -> str:
    return f"mfa-totp:{user_pk}"


def user_has_mfa(user: Any) -> bool:
    """Whether the person has enrolled an authenticator app. A yes is kept in the cache for five
    minutes and forgotten as soon as one of their authenticators is saved or deleted
    (accounts.receivers); a no is asked again each time, so that an enrolment counts at once.
    The yes is kept on the person's object too, which lives as long as its request: an API call
    is checked by the middleware and by the API's permission, and asks the cache once."""
    if getattr(user, "_has_mfa", False):
        return True
    key = _mfa_cache_key(user.pk)
    if cache.get(key):
        user._has_mfa = True
        return True
    enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if enrolled:
        cache.set(key, True, MFA_CACHE_SECONDS)
        user._has_mfa = True
    return enrolled


def mfa_forget(user_pk: object) -> None:
    cache.delete(_mfa_cache_key(user_pk))


class StaffMfaRequiredMiddleware:
    """Provider-side users must enrol a second factor before they use the app.

    The check runs in process_view, after every middleware has seen the request: this one sits
    before MessageMiddleware, whose storage the redirect's message needs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if (
            settings.RAPPORT_STAFF_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_provider_user
            and not is_mfa_exempt(request.path)
            and not user_has_mfa(user)
        ):
            message = _("Set up two-factor authentication to continue.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "mfa_required", "detail": message}, status=403)
            messages.warning(request, message)
            return redirect("mfa_activate_totp")
        return None


class ApplicationErrorMiddleware:
    """A NotFound raised in a page is a 404, a NotAllowed a 403, and a Conflict that the page
    did not show itself (a closed project's guard refusing a write) a 409 with its message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception.message)) from exception
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(str(exception.message)) from exception
        if isinstance(exception, Conflict):
            return _conflict_page(request, exception)
        return None


def _conflict_page(request: HttpRequest, error: Conflict) -> HttpResponse:
    back_url = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        back_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back_url = "/"
    if request.headers.get("hx-request"):
        return HttpResponse(str(error.message), status=error.http_status)
    content = render_to_string(
        "conflict.html", {"message": error.message, "back_url": back_url}, request=request
    )
    return HttpResponse(content, status=error.http_status)
