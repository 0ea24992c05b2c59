"""The profile page (name, language, time zone, API token and calendar address), the admin's login
and the language switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language
from rest_framework.authtoken.models import Token

from accounts.branding import current_brand
from accounts.forms import ProfileForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import CalendarFeed, Language, User
from accounts.services import (
    api_token_regenerate,
    api_token_revoke,
    calendar_feed_create,
    calendar_feed_revoke,
    user_set_language,
    user_update_profile,
)
from common.pages import run_action, run_form


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Replaces the admin's own login form, which would let a password alone through: people
    sign in with the product's login (and its second factor); signed-in people who are not
    staff admins are refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
    if not request.user.is_staff_admin:
        raise PermissionDenied
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return redirect(target)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if run_form(form, lambda data: user_update_profile(actor=user, **data)):
            messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            response.set_cookie("django_language", user.language, samesite="Lax")
            return response
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "language": user.language,
                "time_zone": user.time_zone,
            }
        )
    feed = CalendarFeed.objects.filter(user=user).first()
    new_feed_token = request.session.pop("new_calendar_feed", None)
    new_feed_url = (
        settings.SITE_URL.rstrip("/")
        + reverse("integrations:calendar_feed", kwargs={"token": new_feed_token})
        if new_feed_token
        else None
    )
    context = {
        "form": form,
        "has_token": Token.objects.filter(user=user).exists(),
        "new_api_token": request.session.pop("new_api_token", None),
        "calendar_feed": feed,
        "new_feed_url": new_feed_url,
        "new_feed_webcal": "webcal://" + new_feed_url.split("://", 1)[1] if new_feed_url else None,
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new API token for the signed-in person (replacing theirs), shown once on the profile."""
    if done := run_action(
        request,
        lambda: api_token_regenerate(actor=request.user),
        success=_("A new API token was created. Copy it now."),
    ):
        request.session["new_api_token"] = done.value.key
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    run_action(
        request,
        lambda: api_token_revoke(actor=request.user),
        success=_("Your API token was revoked."),
    )
    return redirect("accounts:profile")


@login_required
@require_POST
def calendar_feed_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new secret calendar address (replacing the person's), shown once on the profile."""
    if done := run_action(
        request,
        lambda: calendar_feed_create(actor=request.user),
        success=_("Your calendar address was made. Copy it now: it is not shown again."),
    ):
        request.session["new_calendar_feed"] = done.value
    return redirect("accounts:profile")


@login_required
@require_POST
def calendar_feed_revoke_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    run_action(
        request,
        lambda: calendar_feed_revoke(actor=request.user),
        success=_("Your calendar address was revoked: calendars that read it get nothing more."),
    )
    return redirect("accounts:profile")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembers the choice on the account as well as in the cookie."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in Language.values:
        user_set_language(actor=request.user, language=language)
    return django_set_language(request)


@require_GET
def branding_logo(request: HttpRequest, digest: str) -> HttpResponse:
    """The provider's logo, public (mail clients load it from here) and cached for good: its URL
    changes with it."""
    brand = current_brand()
    if not brand.has_logo or digest != brand.logo_digest:
        raise Http404
    response = HttpResponse(brand.logo_png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
