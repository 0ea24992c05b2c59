from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language
from rest_framework.authtoken.models import Token

from accounts.forms import InvitationAcceptForm, ProfileForm
from accounts.mixins import StaffPageMixin
from accounts.models import Language, User
from accounts.services import (
    InvitationInvalid,
    NewAccount,
    api_token_regenerate,
    api_token_revoke,
    invitation_accept,
    invitation_from_token,
    user_set_language,
    user_update_profile,
)
from common.errors import ApplicationError, add_form_error
from projects.models import Role
from projects.selectors import (
    client_get_for_account_manager,
    client_list_for_account_manager,
    project_list_for,
)


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


def home(request: HttpRequest) -> HttpResponse:
    """Routes each person to their own start page: the portal for client people, the
    satisfaction dashboard for an account manager, my projects for everyone else on the
    provider side."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if user.is_client_user:
        return redirect("portal:home")
    roles = set(user.project_roles.values())
    if Role.AM in roles and Role.PM not in roles:
        return redirect("feedback:dashboard")
    return redirect("projects:list")


class ClientListView(StaffPageMixin, TemplateView):
    """An account manager's clients, with their projects."""

    template_name = "accounts/client_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["clients"] = client_list_for_account_manager(user=self.request.user)
        return context


class ClientDetailView(StaffPageMixin, TemplateView):
    template_name = "accounts/client_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = client_get_for_account_manager(
            user=self.request.user, organization_id=kwargs["organization_id"]
        )
        context["client"] = client
        context["projects"] = project_list_for(user=self.request.user).filter(client=client)
        return context


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    if request.method == "POST" and request.POST.get("action") in ("token", "revoke_token"):
        if request.POST["action"] == "token":
            token = api_token_regenerate(actor=user)
            messages.success(request, _("A new API token was created. Copy it now."))
            request.session["new_api_token"] = token.key
        else:
            api_token_revoke(actor=user)
            messages.success(request, _("Your API token was revoked."))
        return redirect("accounts:profile")
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                user_update_profile(actor=user, **form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
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
    context = {
        "form": form,
        "has_token": Token.objects.filter(user=user).exists(),
        "new_api_token": request.session.pop("new_api_token", None),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembers the choice on the account as well as in the cookie."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in Language.values:
        user_set_language(actor=request.user, language=language)
    return django_set_language(request)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token)
    except InvitationInvalid as error:
        return render(
            request, "accounts/invitation_invalid.html", {"error": error.message}, status=410
        )
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if has_account and not request.user.is_authenticated:
        messages.info(
            request,
            _("Sign in as %(email)s to accept the invitation.") % {"email": invitation.email},
        )
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if request.method == "POST":
        new_account = None
        if not has_account:
            form = InvitationAcceptForm(request.POST)
            if form.is_valid():
                new_account = NewAccount(
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password1"],
                    language=form.cleaned_data["language"],
                    time_zone=form.cleaned_data["time_zone"],
                )
        if has_account or new_account is not None:
            try:
                membership = invitation_accept(
                    token=token,
                    user=request.user if request.user.is_authenticated else None,
                    new_account=new_account,
                )
            except ApplicationError as error:
                if form is None:
                    messages.error(request, str(error.message))
                else:
                    if error.field == "password":
                        # The service names the password; the form asks for it as password1.
                        error.field = "password1"
                    add_form_error(form, error)
            else:
                if not request.user.is_authenticated:
                    login(
                        request,
                        membership.user,
                        backend="django.contrib.auth.backends.ModelBackend",
                    )
                messages.success(
                    request,
                    _("Welcome to %(project)s.") % {"project": membership.project.name},
                )
                return redirect("home")
    elif not has_account:
        form = InvitationAcceptForm(
            initial={
                "language": invitation.organization.language,
                "time_zone": invitation.organization.time_zone,
            }
        )
    is_invitee = (
        request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    )
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "is_invitee": is_invitee,
        },
        status=400 if form is not None and form.errors else 200,
    )
