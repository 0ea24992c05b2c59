"""The staff register of a project's risks: filters, heat map, exposure chart, the issue log
(the PM resolves an issue), the raise form, and the register as CSV (staff and portal)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from projects.permissions import can_edit_plan, can_raise_risk
from risks.forms.fields import members, share_owner_choices
from risks.forms.issues import IssueResolveForm
from risks.forms.register import RiskCreateForm
from risks.models import Category, Level, Risk
from risks.selectors.exposure import (
    exposure_series_for,
    exposure_series_since,
    first_assessment,
    heat_map_for,
    heat_map_of,
)
from risks.selectors.issues import issue_get_for, issue_list_for
from risks.selectors.register import RiskFilters, risk_list_for
from risks.selectors.settings import risk_settings_of, seed_risk_settings
from risks.services.issues import issue_resolve
from risks.services.register import risk_create


class RegisterMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest

    def register_context(self) -> dict[str, Any]:
        user = self.request.user
        filters = RiskFilters.from_query(self.request.GET)
        risks: Any = risk_list_for(user=user, project=self.project, filters=filters)
        if filters.is_empty:
            # The list holds every risk the user may see: the heat map counts them, the
            # exposure starts at their first assessment, and the project's settings come along.
            risks = list(
                risks.select_related("project__risk_settings").annotate(
                    first_assessed_at=first_assessment()
                )
            )
            seed_risk_settings(self.project, risks)
            heat_map = heat_map_of(risks, project=self.project)
            exposure = exposure_series_since(
                user=user,
                project=self.project,
                first=min(
                    (r.first_assessed_at for r in risks if r.first_assessed_at is not None),
                    default=None,
                ),
            )
        else:
            heat_map = heat_map_for(user=user, project=self.project, filters=filters)
            exposure = exposure_series_for(user=user, project=self.project)
        settings = risk_settings_of(self.project)
        return {
            "risks": risks,
            "filters": filters,
            "heat_map": heat_map,
            "settings": settings,
            "exposure": exposure,
            "issues": issue_list_for(user=user, project=self.project),
            "today": timezone.localdate(),
            "level_choices": Level.choices,
            "category_choices": Category.choices,
            "status_choices": Risk.Status.choices,
        }


class RegisterView(StaffPageMixin, RegisterMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "risks/register.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(self.register_context())
        form = kwargs.get("form") or RiskCreateForm(
            project=self.project, settings=context["settings"]
        )
        # The owner filter and the form's owner field list the same people, read once.
        owners = members(self.project)
        share_owner_choices(self.project, form, owners=owners)
        context.update(
            may_create=can_raise_risk(user, self.project),
            may_manage=can_edit_plan(user, self.project),
            form=form,
            resolve_form=kwargs.get("resolve_form") or IssueResolveForm(),
            owners=owners,
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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


class IssueResolveView(RegisterView):
    """POST only: the PM resolves an issue of the log (`issue` names it). Done, back to the
    register; an invalid form shows the register again with the form's errors."""

    request: AuthenticatedHttpRequest

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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


CSV_HEADER = [
    gettext_lazy("Reference"),
    gettext_lazy("Title"),
    gettext_lazy("Category"),
    gettext_lazy("Status"),
    gettext_lazy("Probability"),
    gettext_lazy("Impact"),
    gettext_lazy("Score"),
    gettext_lazy("Level"),
    gettext_lazy("Residual score"),
    gettext_lazy("Residual level"),
    gettext_lazy("Strategy"),
    gettext_lazy("Owner"),
    gettext_lazy("Next review"),
    gettext_lazy("Raised by"),
]


class RiskExportMixin(ExportFormatMixin, ProjectPageMixin):
    """The register as CSV or Excel (the same scope and filters as the page; no cell is ever
    evaluated). The staff file says which risks are internal; the client's holds none."""

    request: AuthenticatedHttpRequest
    with_visibility = True

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filters = RiskFilters.from_query(request.GET)
        risks = risk_list_for(user=request.user, project=self.project, filters=filters)
        rows = (
            [
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
                risk.next_review_date,
                risk.get_raised_side_display(),
            ]
            + ([risk.get_visibility_display()] if self.with_visibility else [])
            for risk in risks
        )
        headers = CSV_HEADER + ([gettext_lazy("Visibility")] if self.with_visibility else [])
        table = Table(title=gettext_lazy("Risks"), headers=headers, rows=rows)
        return self.export(
            table,
            name=f"{self.project.code}-risks",
            day=local_day(self.project.client.time_zone),
        )


class RiskCsvView(StaffPageMixin, RiskExportMixin, View):
    request: AuthenticatedHttpRequest


class PortalRiskCsvView(PortalPageMixin, RiskExportMixin, View):
    request: AuthenticatedHttpRequest
    with_visibility = False
