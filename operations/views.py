"""The operations page of staff admins, its buttons (each posts to a view of its own) and the
Prometheus scrape endpoint."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts.branding import branding_update, current_brand
from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.exports import ExportFormatMixin, local_day
from common.pages import run_action, run_form
from notifications.exports import failed_email_table
from notifications.selectors import outbox_failed_list_for, outbox_message_get
from notifications.services.outbox import outbox_resend, outbox_resend_failed
from operations.forms import BrandingForm
from operations.metrics import render_metrics
from operations.selectors import OUTBOX_FAILURES_WINDOW, operations_overview_for
from reports.selectors import delivery_get_for_staff_admin
from reports.services.reports import report_resend


class StaffAdminPageMixin(StaffPageMixin, PermissionRequiredMixin):
    permission_required = "accounts.administer"


class OperationsView(StaffAdminPageMixin, TemplateView):
    """Queues, the outbox, failed e-mails and reports, the periodic tasks and the workers."""

    request: AuthenticatedHttpRequest
    template_name = "operations/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["overview"] = operations_overview_for(user=self.request.user)
        context["nav"] = "operations"
        return context


class OutboxFailuresExportView(StaffAdminPageMixin, ExportFormatMixin, View):
    """The failed e-mails of the last seven days as CSV or Excel, the operations page's list
    (all of them: the page shows the latest 200)."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        since = timezone.now() - OUTBOX_FAILURES_WINDOW
        messages = outbox_failed_list_for(user=request.user, since=since)
        return self.export(
            failed_email_table(messages, title=_("Failed e-mails")),
            name="failed-emails",
            day=local_day(),
        )


class OutboxResendView(StaffAdminPageMixin, View):
    """POST: send one failed e-mail again."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        message = outbox_message_get(message_id=kwargs["message_id"])
        run_action(
            request,
            lambda: outbox_resend(actor=request.user, message=message),
            success=_("The e-mail is queued to be sent again."),
        )
        return redirect("operations:overview")


class OutboxResendFailedView(StaffAdminPageMixin, View):
    """POST: send again every e-mail that failed in the last seven days."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        since = timezone.now() - OUTBOX_FAILURES_WINDOW
        done = run_action(request, lambda: outbox_resend_failed(actor=request.user, since=since))
        if done is not None:
            messages.success(
                request,
                ngettext(
                    "%(count)d e-mail is queued to be sent again.",
                    "%(count)d e-mails are queued to be sent again.",
                    done.value,
                )
                % {"count": done.value},
            )
        return redirect("operations:overview")


class ReportDeliveryResendView(StaffAdminPageMixin, View):
    """POST: send one failed status-report e-mail again (reports.services.report_resend)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        delivery = delivery_get_for_staff_admin(
            user=request.user, delivery_id=kwargs["delivery_id"]
        )
        report = delivery.report
        run_action(
            request,
            lambda: report_resend(actor=request.user, report=report, deliveries=[delivery]),
            success=_("The report e-mail is queued to be sent again."),
        )
        return redirect("operations:overview")


class BrandingView(StaffAdminPageMixin, TemplateView):
    """The provider's logo and colours in the reports and e-mails clients receive."""

    request: AuthenticatedHttpRequest
    template_name = "operations/branding.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        brand = current_brand()
        context.setdefault(
            "form",
            BrandingForm(initial={"primary_colour": brand.primary, "accent_colour": brand.accent}),
        )
        context.update(brand=brand, nav="operations")
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BrandingForm(request.POST, request.FILES)
        done = run_form(
            form,
            lambda data: branding_update(
                actor=request.user,
                primary_colour=data["primary_colour"],
                accent_colour=data["accent_colour"],
                logo=data["logo"].read() if data.get("logo") else None,
                remove_logo=data["remove_logo"],
            ),
        )
        if done is None:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("The branding is saved: the next reports use it."))
        return redirect("operations:branding")


def _bearer_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape: `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN set
    the endpoint does not exist (404); a wrong or missing token is 401."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    if not secrets.compare_digest(_bearer_token(request).encode(), expected.encode()):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = render_metrics()
    return HttpResponse(body, content_type=content_type)
