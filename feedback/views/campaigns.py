"""A project's surveys: its campaigns and automations (the PM and AM send and automate), and a
campaign's invitations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from feedback.forms.surveys import (
    AutomationForm,
    CampaignForm,
    survey_templates_offered,
)
from feedback.permissions import can_manage_surveys
from feedback.selectors.surveys import (
    automation_list_for,
    campaign_get_for,
    campaign_list_for,
    invitation_list_for,
)
from feedback.services.automations import automation_create, automation_stop
from feedback.services.campaigns import campaign_close, campaign_create
from projects.mixins import ProjectPageMixin


class ProjectSurveysView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The project's campaigns and automations; the PM and AM send and automate."""

    request: AuthenticatedHttpRequest

    project_permission = "feedback.read_survey_results"
    template_name = "feedback/surveys/project_surveys.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        templates = survey_templates_offered()
        context.update(
            campaigns=campaign_list_for(user=user, project=self.project),
            automations=automation_list_for(user=user, project=self.project),
            may_manage=can_manage_surveys(user, self.project),
            campaign_form=kwargs.get("campaign_form") or CampaignForm(templates=templates),
            automation_form=kwargs.get("automation_form") or AutomationForm(templates=templates),
        )
        return context


class CampaignListExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's survey campaigns as CSV or Excel, with the page's columns: template, how
    it was sent, its window and status, and its invitation and response counts."""

    request: AuthenticatedHttpRequest

    project_permission = "feedback.read_survey_results"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Campaign"),
            _("Template"),
            _("Sent"),
            _("Opens"),
            _("Closes"),
            _("Status"),
            _("Invited"),
            _("Answered"),
            _("Skipped"),
        ]
        rows = (
            [
                campaign.name,
                campaign.template.name,
                campaign.get_trigger_display(),
                campaign.opens_at,
                campaign.closes_at,
                campaign.get_status_display(),
                campaign.invited,  # type: ignore[attr-defined]
                campaign.answered,  # type: ignore[attr-defined]
                campaign.skipped,  # type: ignore[attr-defined]
            ]
            for campaign in campaign_list_for(user=request.user, project=self.project)
        )
        return self.export(
            Table(title=_("Satisfaction surveys"), headers=headers, rows=rows),
            name=f"{self.project.code}-surveys",
            day=local_day(self.project.client.time_zone),
        )


class ProjectSurveysFormView(ProjectSurveysView):
    """POST only: one form of the project's surveys page."""

    http_method_names = ["post"]

    def back(self) -> HttpResponse:
        return redirect("feedback:project_surveys", project_id=self.project.pk)


class CampaignCreateView(ProjectSurveysFormView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CampaignForm(request.POST)
        if done := run_form(
            form, lambda data: campaign_create(actor=request.user, project=self.project, **data)
        ):
            if done.value.opens_at <= timezone.now():
                messages.success(request, _("The survey is being sent."))
            else:
                messages.success(request, _("The survey is scheduled."))
            return self.back()
        return self.render_to_response(self.get_context_data(campaign_form=form), status=400)


class AutomationCreateView(ProjectSurveysFormView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AutomationForm(request.POST)
        if run_form(
            form, lambda data: automation_create(actor=request.user, project=self.project, **data)
        ):
            messages.success(request, _("Automation saved."))
            return self.back()
        return self.render_to_response(self.get_context_data(automation_form=form), status=400)


class AutomationStopView(ProjectSurveysFormView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        automation_id = request.POST.get("automation", "")
        automation = (
            automation_list_for(user=request.user, project=self.project)
            .filter(pk=int(automation_id))
            .first()
            if automation_id.isdigit()
            else None
        )
        if automation is None:
            raise NotFound()
        run_action(
            request,
            lambda: automation_stop(actor=request.user, automation=automation),
            success=_("Automation stopped."),
        )
        return self.back()


class CampaignDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    project_permission = "feedback.read_survey_results"
    template_name = "feedback/surveys/campaign_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = campaign_get_for(
            user=user, project=self.project, campaign_id=self.kwargs["campaign_id"]
        )
        context.update(
            campaign=campaign,
            invitations=invitation_list_for(user=user, campaign=campaign),
            may_manage=can_manage_surveys(user, self.project),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        campaign = campaign_get_for(
            user=request.user, project=self.project, campaign_id=kwargs["campaign_id"]
        )
        run_action(
            request,
            lambda: campaign_close(actor=request.user, campaign=campaign),
            success=_("The survey is closed."),
        )
        return redirect("feedback:campaign", project_id=self.project.pk, campaign_id=campaign.pk)
