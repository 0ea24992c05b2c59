"""Webhook endpoints: the list and the form to register one, each endpoint's page with its
delivery log, and one view per action (edit, rotate the secret, send a test event, enable,
disable, delete, resend a delivery)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from common.errors import NotFound
from common.pages import run_action, run_form
from integrations.forms import WebhookEditForm, WebhookEndpointForm
from integrations.models import WebhookEndpoint
from integrations.permissions import can_use_webhooks
from integrations.webhooks import (
    delivery_get_for,
    delivery_list_for,
    delivery_resend,
    endpoint_create,
    endpoint_delete,
    endpoint_get_for,
    endpoint_list_for,
    endpoint_rotate_secret,
    endpoint_send_test,
    endpoint_update,
)

NEW_SECRET = "new_webhook_secret"  # noqa: S105  (a session key, not a secret)


View = Callable[..., HttpResponse]


def staff_page(view: View) -> View:
    """A page of the staff app: signed in, and client users sent to the portal."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_client_user:
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _allowed(request: AuthenticatedHttpRequest) -> None:
    if not can_use_webhooks(request.user):
        raise PermissionDenied


def _endpoint(request: AuthenticatedHttpRequest, endpoint_id: int) -> WebhookEndpoint:
    _allowed(request)
    try:
        return endpoint_get_for(user=request.user, endpoint_id=endpoint_id)
    except NotFound as missing:
        raise Http404 from missing


@staff_page
def webhooks(request: AuthenticatedHttpRequest) -> HttpResponse:
    _allowed(request)
    user = request.user
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST, user=user)
        done = run_form(form, lambda data: endpoint_create(actor=user, **form.service_arguments()))
        if done:
            messages.success(
                request,
                _("The endpoint was registered. Copy its secret now: it is not shown again."),
            )
            request.session[NEW_SECRET] = done.value.secret
            return redirect("integrations:webhook", endpoint_id=done.value.endpoint.pk)
    else:
        form = WebhookEndpointForm(user=user)
    context = {"form": form, "endpoints": endpoint_list_for(user=user)}
    return render(
        request, "integrations/webhooks.html", context, status=400 if form.errors else 200
    )


@staff_page
@require_safe
def webhook(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    return _render_endpoint(request, endpoint, WebhookEditForm(initial=_initial(endpoint)))


def _initial(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}


def _render_endpoint(
    request: AuthenticatedHttpRequest, endpoint: WebhookEndpoint, form: WebhookEditForm
) -> HttpResponse:
    page = Paginator(delivery_list_for(endpoint=endpoint), 25).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "form": form,
        "deliveries": page,
        "page_obj": page,
        "new_secret": request.session.pop(NEW_SECRET, None),
    }
    return render(request, "integrations/webhook.html", context, status=400 if form.errors else 200)


@staff_page
@require_POST
def webhook_update(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    form = WebhookEditForm(request.POST)
    done = run_form(
        form,
        lambda data: endpoint_update(
            actor=request.user,
            endpoint=endpoint,
            url=data["url"],
            description=data["description"],
            events=data["events"],
        ),
    )
    if done:
        messages.success(request, _("The endpoint was saved."))
        return redirect("integrations:webhook", endpoint_id=endpoint.pk)
    return _render_endpoint(request, endpoint, form)


def _action(
    request: AuthenticatedHttpRequest,
    endpoint_id: int,
    call: Callable[[WebhookEndpoint], Any],
    success: str,
) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    run_action(request, lambda: call(endpoint), success=success)
    return redirect("integrations:webhook", endpoint_id=endpoint.pk)


@staff_page
@require_POST
def webhook_rotate(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    done = run_action(
        request,
        lambda: endpoint_rotate_secret(actor=request.user, endpoint=endpoint),
        success=_(
            "A new secret was made. Copy it now: it is not shown again. The old one keeps "
            "signing beside it for the overlap."
        ),
    )
    if done:
        request.session[NEW_SECRET] = done.value.secret
    return redirect("integrations:webhook", endpoint_id=endpoint.pk)


@staff_page
@require_POST
def webhook_test(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    return _action(
        request,
        endpoint_id,
        lambda endpoint: endpoint_send_test(actor=request.user, endpoint=endpoint),
        _("A test event is on its way; its delivery appears below."),
    )


@staff_page
@require_POST
def webhook_enable(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    return _action(
        request,
        endpoint_id,
        lambda endpoint: endpoint_update(actor=request.user, endpoint=endpoint, is_active=True),
        _("The endpoint is enabled."),
    )


@staff_page
@require_POST
def webhook_disable(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    return _action(
        request,
        endpoint_id,
        lambda endpoint: endpoint_update(actor=request.user, endpoint=endpoint, is_active=False),
        _("The endpoint is disabled: it hears of no event until it is enabled again."),
    )


@staff_page
@require_POST
def webhook_delete(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    done = run_action(
        request,
        lambda: endpoint_delete(actor=request.user, endpoint=endpoint),
        success=_("The endpoint was deleted."),
    )
    if done:
        return redirect("integrations:webhooks")
    return redirect("integrations:webhook", endpoint_id=endpoint.pk)


@staff_page
@require_POST
def webhook_resend(
    request: AuthenticatedHttpRequest, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    _allowed(request)
    try:
        delivery = delivery_get_for(
            user=request.user, endpoint_id=endpoint_id, delivery_id=delivery_id
        )
    except NotFound as missing:
        raise Http404 from missing
    run_action(
        request,
        lambda: delivery_resend(actor=request.user, delivery=delivery),
        success=_("The delivery is sent again."),
    )
    return redirect("integrations:webhook", endpoint_id=endpoint_id)
