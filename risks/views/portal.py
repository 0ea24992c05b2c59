"""The portal's register (client-visible risks, raise a risk) and a risk's portal page.
Internal risks and the team's internal note never reach the portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from risks.forms.register import PortalRiskForm
from risks.permissions import can_raise_client_risk
from risks.selectors.register import risk_get_for
from risks.selectors.settings import risk_settings_of
from risks.services.register import risk_create
from risks.views.register import RegisterMixin


class PortalRegisterView(PortalPageMixin, RegisterMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "risks/portal_register.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.register_context())
        context.update(
            may_raise=can_raise_client_risk(self.request.user, self.project),
            form=kwargs.get("form") or PortalRiskForm(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PortalRiskForm(request.POST)
        if done := run_form(
            form, lambda data: risk_create(actor=request.user, project=self.project, **data)
        ):
            risk = done.value
            messages.success(
                request,
                _("Risk %(ref)s raised: the project manager will assess it.")
                % {"ref": risk.reference},
            )
            return redirect("risks:portal_risk", project_id=self.project.pk, risk_id=risk.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortalRiskView(PortalPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "risks/portal_risk.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        risk = risk_get_for(user=user, project=self.project, risk_id=self.kwargs["risk_id"])
        context.update(
            risk=risk,
            settings=risk_settings_of(self.project),
            today=timezone.localdate(),
        )
        return context
