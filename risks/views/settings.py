"""The PM's risk settings page: the project's scales, thresholds and review tolerance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from risks.forms.settings import RiskSettingsForm
from risks.selectors.settings import risk_settings_of
from risks.services.settings import risk_settings_update


class RiskSettingsView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "risks/settings.html"
    project_permission = "projects.edit_plan"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        settings = risk_settings_of(self.project)
        context["settings"] = settings
        context["form"] = kwargs.get("form") or RiskSettingsForm(
            initial=RiskSettingsForm.initial_of(settings)
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RiskSettingsForm(request.POST)
        if run_form(
            form,
            lambda data: risk_settings_update(
                actor=request.user,
                project=self.project,
                probability_scale=form.scale("probability"),
                impact_scale=form.scale("impact"),
                medium_from=data["medium_from"],
                high_from=data["high_from"],
                critical_from=data["critical_from"],
                review_tolerance_days=data["review_tolerance_days"],
            ),
        ):
            messages.success(request, _("Risk settings saved."))
            return redirect("risks:settings", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
