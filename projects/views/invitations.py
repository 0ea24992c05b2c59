"""The page behind an invitation's link: accept it, signed in or by creating an account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import NewAccount
from common.errors import ApplicationError, add_form_error
from projects.forms.members import InvitationAcceptForm
from projects.services.invitations import (
    InvitationInvalid,
    invitation_accept,
    invitation_from_token,
)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token)
    except InvitationInvalid as error:
        return render(
            request, "projects/invitation_invalid.html", {"error": error.message}, status=410
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
                        backend="accounts.backends.ModelBackend",
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
        "projects/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "is_invitee": is_invitee,
        },
        status=400 if form is not None and form.errors else 200,
    )
