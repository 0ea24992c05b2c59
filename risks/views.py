"""Risk register pages: the staff register (filters, heat map, exposure chart, issue log, raise
form), a risk's page (assess, edit, actions, status, timeline, discussion), the CSV export and the
PM's settings; the portal's register (client-visible risks, raise a risk) and a risk's page.
Internal risks and the team's internal note never reach the portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.csv import csv_response
from common.errors import NotFound
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from projects.permissions import can_edit_plan, can_raise_risk
from risks.forms import (
    ActionForm,
    AssessForm,
    IssueResolveForm,
    PortalRiskForm,
    RiskCreateForm,
    RiskDetailsForm,
    RiskSettingsForm,
    TransitionForm,
)
from risks.models import Category, Level, MitigationAction, Risk
from risks.permissions import can_manage_risk, can_raise_client_risk
from risks.selectors import (
    RiskFilters,
    exposure_series_for,
    heat_map_for,
    issue_get_for,
    issue_list_for,
    risk_get_for,
    risk_links_for,
    risk_list_for,
    risk_settings_of,
    risk_timeline,
)
from risks.services import (
    issue_resolve,
    mitigation_action_add,
    mitigation_action_set_done,
    risk_assess,
    risk_create,
    risk_settings_update,
    risk_transition,
    risk_update,
)


class RegisterMixin(ProjectPageMixin):
    request: HttpRequest

    def register_context(self) -> dict[str, Any]:
        user = self.request.user
        filters = RiskFilters.from_query(self.request.GET)
        settings = risk_settings_of(self.project)
        return {
            "risks": risk_list_for(user=user, project=self.project, filters=filters),
            "filters": filters,
            "heat_map": heat_map_for(user=user, project=self.project, filters=filters),
            "settings": settings,
            "exposure": exposure_series_for(user=user, project=self.project),
            "issues": issue_list_for(user=user, project=self.project),
            "today": timezone.localdate(),
            "level_choices": Level.choices,
            "category_choices": Category.choices,
            "status_choices": Risk.Status.choices,
        }


class RegisterView(StaffPageMixin, RegisterMixin, TemplateView):
    template_name = "risks/register.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(self.register_context())
        context.update(
            may_create=can_raise_risk(user, self.project),
            may_manage=can_edit_plan(user, self.project),
            form=kwargs.get("form")
            or RiskCreateForm(project=self.project, settings=context["settings"]),
            resolve_form=kwargs.get("resolve_form") or IssueResolveForm(),
            owners=RiskDetailsForm(project=self.project).fields["owner"].queryset,  # type: ignore[attr-defined]
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "resolve_issue":
            return self.resolve_issue(request)
        form = RiskCreateForm(
            request.POST, project=self.project, settings=risk_settings_of(self.project)
        )
        if done := run_form(
            form, lambda data: risk_create(actor=request.user, project=self.project, **data)
        ):
            risk = done.value
            messages.success(request, _("Risk %(ref)s raised.") % {"ref": risk.reference})
            return redirect("risks:risk", project_id=self.project.pk, risk_id=risk.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def resolve_issue(self, request: HttpRequest) -> HttpResponse:
        try:
            issue_id = int(request.POST.get("issue", ""))
        except ValueError:
            raise NotFound() from None
        issue = issue_get_for(user=request.user, project=self.project, issue_id=issue_id)
        form = IssueResolveForm(request.POST)
        if run_form(form, lambda data: issue_resolve(actor=request.user, issue=issue, **data)):
            messages.success(request, _("Issue %(ref)s resolved.") % {"ref": issue.reference})
            return redirect("risks:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(resolve_form=form), status=400)


class RiskDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    template_name = "risks/risk_detail.html"

    def get_risk(self) -> Risk:
        return risk_get_for(
            user=self.request.user, project=self.project, risk_id=self.kwargs["risk_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        risk = kwargs.get("risk") or self.get_risk()
        settings = risk_settings_of(self.project)
        context.update(
            risk=risk,
            settings=settings,
            links=risk_links_for(user=user, risk=risk),
            timeline=risk_timeline(risk=risk),
            may_manage=can_manage_risk(user, risk),
            assess_form=kwargs.get("assess_form")
            or AssessForm(
                settings=settings,
                initial={
                    "probability": risk.probability,
                    "impact": risk.impact,
                    "residual_probability": risk.residual_probability,
                    "residual_impact": risk.residual_impact,
                    "next_review_date": risk.next_review_date,
                },
            ),
            details_form=kwargs.get("details_form")
            or RiskDetailsForm(project=self.project, initial=RiskDetailsForm.initial_of(risk)),
            action_form=kwargs.get("action_form") or ActionForm(project=self.project),
            transition_form=kwargs.get("transition_form") or TransitionForm(),
            today=timezone.localdate(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risk = self.get_risk()
        action = request.POST.get("action")
        handlers = {
            "assess": self._assess,
            "edit": self._edit,
            "add_action": self._add_action,
            "action_done": self._action_done,
            "transition": self._transition,
        }
        handler = handlers.get(action or "")
        if handler is None:
            raise NotFound()
        return handler(request, risk)

    def _done(self, risk: Risk, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect("risks:risk", project_id=self.project.pk, risk_id=risk.pk)

    def _failed(self, risk: Risk, **forms: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(risk=risk, **forms), status=400)

    def _assess(self, request: HttpRequest, risk: Risk) -> HttpResponse:
        form = AssessForm(request.POST, settings=risk_settings_of(self.project))
        if run_form(form, lambda data: risk_assess(actor=request.user, risk=risk, **data)):
            return self._done(risk, _("Assessment recorded."))
        return self._failed(risk, assess_form=form)

    def _edit(self, request: HttpRequest, risk: Risk) -> HttpResponse:
        form = RiskDetailsForm(request.POST, project=self.project)
        if run_form(form, lambda data: risk_update(actor=request.user, risk=risk, **data)):
            return self._done(risk, _("Risk updated."))
        return self._failed(risk, details_form=form)

    def _add_action(self, request: HttpRequest, risk: Risk) -> HttpResponse:
        form = ActionForm(request.POST, project=self.project)
        if run_form(
            form, lambda data: mitigation_action_add(actor=request.user, risk=risk, **data)
        ):
            return self._done(risk, _("Mitigation action added."))
        return self._failed(risk, action_form=form)

    def _action_done(self, request: HttpRequest, risk: Risk) -> HttpResponse:
        action = MitigationAction.objects.filter(
            risk=risk, pk=_int(request.POST.get("action_id"))
        ).first()
        if action is None:
            raise NotFound()
        action.risk = risk
        done = request.POST.get("done") != "0"
        mitigation_action_set_done(actor=request.user, action=action, done=done)
        return self._done(risk, _("Mitigation action updated."))

    def _transition(self, request: HttpRequest, risk: Risk) -> HttpResponse:
        form = TransitionForm(request.POST)
        if run_form(form, lambda data: risk_transition(actor=request.user, risk=risk, **data)):
            return self._done(risk, _("Status changed."))
        return self._failed(risk, transition_form=form)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


CSV_HEADER = [
    "reference",
    "title",
    "category",
    "status",
    "probability",
    "impact",
    "score",
    "level",
    "residual_score",
    "residual_level",
    "strategy",
    "owner",
    "next_review_date",
    "visibility",
    "raised_by_side",
]


class RiskCsvMixin(ProjectPageMixin):
    """The register as CSV (the same scope and filters as the page; cells that a spreadsheet
    would evaluate are escaped)."""

    request: HttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filters = RiskFilters.from_query(request.GET)
        risks = risk_list_for(user=request.user, project=self.project, filters=filters)
        rows = (
            (
                risk.reference,
                risk.title,
                risk.get_category_display(),
                risk.get_status_display(),
                risk.probability,
                risk.impact,
                risk.score,
                risk.get_level_display(),
                risk.residual_score,
                risk.get_residual_level_display(),
                risk.get_strategy_display(),
                risk.owner.display_name if risk.owner else "",
                risk.next_review_date.isoformat() if risk.next_review_date else "",
                risk.get_visibility_display(),
                risk.get_raised_side_display(),
            )
            for risk in risks
        )
        return csv_response(f"{self.project.code}-risks.csv", CSV_HEADER, rows)


class RiskCsvView(StaffPageMixin, RiskCsvMixin, View):
    pass


class PortalRiskCsvView(PortalPageMixin, RiskCsvMixin, View):
    pass


class RiskSettingsView(StaffPageMixin, ProjectPageMixin, TemplateView):
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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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


# --- Portal -------------------------------------------------------------------------------------


class PortalRegisterView(PortalPageMixin, RegisterMixin, TemplateView):
    template_name = "risks/portal_register.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.register_context())
        context.update(
            may_raise=can_raise_client_risk(self.request.user, self.project),
            form=kwargs.get("form") or PortalRiskForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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
