"""The account manager's satisfaction dashboard (scores, trends, follow-ups and the complaints
panel, filtered by period, client and PM) and its CSV export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.exports import ExportFormatMixin, Table
from feedback.forms.satisfaction import DashboardFilterForm
from feedback.models import Topic
from feedback.selectors.complaints import complaint_dashboard_figures
from feedback.selectors.satisfaction import (
    DashboardFilters,
    dashboard_choices_for,
    open_follow_ups,
    satisfaction_figures,
)


def _filters_for(request: AuthenticatedHttpRequest) -> tuple[DashboardFilterForm, DashboardFilters]:
    choices = dashboard_choices_for(user=request.user)
    form = DashboardFilterForm(request.GET or None, clients=choices.clients, pms=choices.pms)
    filters = form.filters()
    # A client or PM outside the user's scope simply yields nothing: the selectors scope first.
    return form, filters


def _label(bucket: Any, by: str) -> str:
    if bucket is None:
        return ""
    if by == "quarter":
        return f"{bucket.year} Q{(bucket.month - 1) // 3 + 1}"
    return f"{bucket:%Y-%m}"


# The rows the dashboard's project and PM tables show (in their order: by client and name, by
# name); each says how many there are, and the export lists every project.
DASHBOARD_TABLE_ROWS = 25
# The detractors awaiting follow-up (oldest first) and the open complaints (most urgent first)
# the dashboard lists; each list says how many there are and shows them all on request.
DASHBOARD_LIST_ROWS = 10
SHOW_ALL = "all"


class SatisfactionDashboardView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """The account manager's satisfaction dashboard: NPS, CSAT, topics and response rate of the
    user's clients and projects, trends, comparisons per client, project and PM, detractors
    awaiting follow-up, filtered by period, client and PM. Every figure comes from SQL
    (feedback.selectors.satisfaction, the figures in one query); the charts read them from
    json_script."""

    request: AuthenticatedHttpRequest

    permission_required = "feedback.view_dashboard"
    template_name = "feedback/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form, filters = _filters_for(self.request)
        figures = satisfaction_figures(user=user, filters=filters)
        monthly, quarterly, rates = figures.monthly, figures.quarterly, figures.rates
        health, topics = figures.health, figures.topics
        every_follow_up = self.request.GET.get("follow_ups") == SHOW_ALL
        every_complaint = self.request.GET.get("complaints") == SHOW_ALL
        follow_ups, waiting = open_follow_ups(
            user=user, filters=filters, limit=None if every_follow_up else DASHBOARD_LIST_ROWS
        )
        topic_names = dict(Topic.choices)
        quarters = sorted({row["bucket"] for row in health if row["bucket"]})
        clients: dict[str, dict[Any, Any]] = {}
        for row in health:
            clients.setdefault(row["client__name"], {})[row["bucket"]] = row["nps"]
        chart = {
            "names": {
                "nps": _("NPS"),
                # xgettext:no-python-format
                "csat": _("CSAT (% satisfied)"),
                "rate": _("Response rate (%)"),
                "responses": _("Responses"),
                "mean": _("Mean rating (1-5)"),
            },
            "monthly": {
                "labels": [_label(row["bucket"], "month") for row in monthly],
                "nps": [row["nps"] for row in monthly],
                "csat": [row["csat"] for row in monthly],
                "responses": [row["responses"] for row in monthly],
            },
            "quarterly": {
                "labels": [_label(row["bucket"], "quarter") for row in quarterly],
                "nps": [row["nps"] for row in quarterly],
                "csat": [row["csat"] for row in quarterly],
            },
            "rates": {
                "labels": [_label(row["bucket"], "month") for row in rates],
                "rate": [row["response_rate"] for row in rates],
            },
            "health": {
                "labels": [_label(bucket, "quarter") for bucket in quarters],
                "clients": [
                    {"name": name, "nps": [values.get(bucket) for bucket in quarters]}
                    for name, values in clients.items()
                ],
            },
            "topics": {
                "labels": [str(topic_names.get(row["question__topic"], "")) for row in topics],
                "mean": [row["mean"] for row in topics],
            },
        }
        context.update(
            nav="satisfaction",
            form=form,
            filters=filters,
            query=filters.as_query(),
            totals={**figures.totals, "open_follow_ups": waiting},
            by_client=figures.by_client,
            by_project=figures.by_project[:DASHBOARD_TABLE_ROWS],
            by_project_total=len(figures.by_project),
            by_pm=figures.by_pm[:DASHBOARD_TABLE_ROWS],
            by_pm_total=len(figures.by_pm),
            quarterly=[{**row, "label": _label(row["bucket"], "quarter")} for row in quarterly],
            topics=[
                {**row, "label": topic_names.get(row["question__topic"], "")} for row in topics
            ],
            follow_ups=follow_ups,
            follow_ups_all_query=urlencode({**filters.as_query(), "follow_ups": SHOW_ALL}),
            complaints_all_query=urlencode({**filters.as_query(), "complaints": SHOW_ALL}),
            complaint_figures=complaint_dashboard_figures(
                user=user,
                period_start=filters.start,
                period_end=filters.end,
                client_id=filters.client_id,
                pm_id=filters.pm_id,
                open_limit=None if every_complaint else DASHBOARD_LIST_ROWS,
            ),
            chart=chart,
        )
        return context


CSV_COLUMNS = [
    (gettext_lazy("Client"), "campaign__project__client__name"),
    (gettext_lazy("Project"), "campaign__project__name"),
    (gettext_lazy("Invited"), "invited"),
    (gettext_lazy("Answered"), "answered"),
    # xgettext:no-python-format
    (gettext_lazy("Response rate (%)"), "response_rate"),
    (gettext_lazy("Responses"), "responses"),
    (gettext_lazy("NPS"), "nps"),
    (gettext_lazy("Promoters"), "promoters"),
    (gettext_lazy("Passives"), "passives"),
    (gettext_lazy("Detractors"), "detractors"),
    # xgettext:no-python-format
    (gettext_lazy("CSAT (%)"), "csat"),
    (gettext_lazy("CSAT mean"), "csat_mean"),
]


class SatisfactionCsvView(StaffPageMixin, PermissionRequiredMixin, ExportFormatMixin, View):
    """The dashboard's figures per project, with the same filters, as CSV or Excel (cells that
    a spreadsheet would evaluate are neutralised)."""

    request: AuthenticatedHttpRequest

    permission_required = "feedback.view_dashboard"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, filters = _filters_for(request)
        rows = satisfaction_figures(user=request.user, filters=filters).by_project
        name = f"satisfaction-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
        header = [header for header, _key in CSV_COLUMNS]
        cells = ([row[key] for _header, key in CSV_COLUMNS] for row in rows)
        table = Table(title=_("Satisfaction"), headers=header, rows=cells)
        return self.export(table, name=name, day=None)
