"""The person's personal access tokens: list, make (the token shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from common.pages import run_action, run_form
from integrations.forms import AccessTokenForm
from integrations.tokens import access_token_create, access_token_list_for, access_token_revoke


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = AccessTokenForm(request.POST, user=user)
        done = run_form(
            form, lambda data: access_token_create(actor=user, **form.service_arguments())
        )
        if done:
            messages.success(request, _("Your token was made. Copy it now: it is not shown again."))
            request.session["new_access_token"] = done.value.secret
            return redirect("integrations:tokens")
    else:
        form = AccessTokenForm(user=user)
    context = {
        "form": form,
        "tokens": access_token_list_for(user=user),
        "new_access_token": request.session.pop("new_access_token", None),
    }
    return render(request, "integrations/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: access_token_revoke(actor=request.user, token_id=token_id),
        success=_("The token was revoked: it stops working at once."),
    )
    return redirect("integrations:tokens")
