"""The scorecard pages: the list of scorecards a person may open, one scorecard over several
periods, the items behind a figure, and the staff admins' team view."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table
from projects.models import Role
from scorecards.items import GROUPS, figure_items
from scorecards.periods import QUARTER, Period, PeriodChoice, period_from_key, recent_periods
from scorecards.permissions import SCORED_ROLES, can_view_scorecards, can_view_team
from scorecards.selectors import (
    MEASURES,
    role_label,
    scorecard_of,
    scorecard_person_get_for,
    scorecards_for,
    team_ranking,
)


class _ScorecardPage(StaffPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("role") is not None and kwargs["role"] not in SCORED_ROLES:
            raise NotFound()
        return super().dispatch(request, *args, **kwargs)


class ScorecardIndexView(_ScorecardPage):
    template_name = "scorecards/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        if not can_view_scorecards(user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context.update(entries=scorecards_for(viewer=user), may_view_team=can_view_team(user))
        return context


class ScorecardView(_ScorecardPage):
    template_name = "scorecards/scorecard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        role = kwargs["role"]
        person = scorecard_person_get_for(
            viewer=self.request.user, person_id=kwargs["person_id"], role=role
        )
        choice = PeriodChoice.from_query(self.request.GET.dict())
        context.update(
            person=person,
            role=role,
            role_name=role_label(role),
            choice=choice,
            scorecard=scorecard_of(person=person, role=role, periods=choice.periods()),
            period_counts=range(4, 9),
        )
        return context


class ItemsView(_ScorecardPage):
    template_name = "scorecards/items.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        role = kwargs["role"]
        person = scorecard_person_get_for(
            viewer=self.request.user, person_id=kwargs["person_id"], role=role
        )
        group = GROUPS.get(kwargs["group"])
        period = period_from_key(kwargs["period"])
        if group is None or role not in group.roles or period is None:
            raise NotFound()
        context.update(
            person=person,
            role=role,
            role_name=role_label(role),
            group=group,
            period=period,
            measures=[m for m in MEASURES[role] if m.group == group.key],
            items=figure_items(role=role, person=person.pk, group=group.key, period=period),
        )
        return context


@dataclass(frozen=True)
class TeamChoice:
    """The team view's role, quarter and ranking, read from the query as the form sends them;
    an unknown value falls back to the default with an error to show."""

    role: str
    period: Period
    period_choices: list[Period]
    sort: str
    errors: dict[str, str]

    @classmethod
    def from_query(cls, query: QueryDict) -> TeamChoice:
        role = query.get("role") or Role.PM
        errors: dict[str, str] = {}
        if role not in SCORED_ROLES:
            errors["role"] = _unknown_role()
            role = Role.PM
        choices = recent_periods(kind=QUARTER, count=8)
        asked_period = query.get("period") or ""
        period = period_from_key(asked_period) or choices[-1]
        if asked_period and period_from_key(asked_period) is None:
            errors["period"] = _unknown_period()
        keys = [measure.key for measure in MEASURES[role] if measure.kind != "money"]
        sort = query.get("sort") or MEASURES[role][1].key
        if sort not in keys:
            errors["sort"] = _("Rank by one of the measures listed.")
            sort = MEASURES[role][1].key
        return cls(
            role=role,
            period=period,
            period_choices=choices if period in choices else [*choices, period],
            sort=sort,
            errors=errors,
        )


class TeamView(_ScorecardPage):
    template_name = "scorecards/team.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        if not can_view_team(user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        choice = TeamChoice.from_query(self.request.GET)
        role = choice.role
        context.update(
            role=role,
            role_name=role_label(role),
            roles=[(value, role_label(value)) for value in SCORED_ROLES],
            period=choice.period,
            period_choices=choice.period_choices,
            sort=choice.sort,
            measures=MEASURES[role],
            rows=team_ranking(viewer=user, role=role, period=choice.period, sort=choice.sort),
            errors=choice.errors,
            query=self.request.GET.urlencode(),
        )
        return context


# Measures whose figure is a plain number in a spreadsheet; the others (durations, money in
# several currencies) stay the text the page shows.
NUMBER_KINDS = frozenset({"count", "ratio", "score", "percent"})


class TeamExportView(StaffPageMixin, ExportFormatMixin, View):
    """The team view as CSV or Excel, with its role, quarter and ranking: each person's rank and
    figures. Counts, ratios, scores and percentages (in percentage points) are numbers."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_team(request.user):
            raise PermissionDenied
        choice = TeamChoice.from_query(request.GET)
        measures = MEASURES[choice.role]
        headers = [_("Rank"), _("Person"), *[measure.label for measure in measures]]
        rows = [
            [
                rank,
                row.person.display_name,
                *[
                    cell.value
                    if measure.kind in NUMBER_KINDS
                    and isinstance(cell.value, int | float | Decimal)
                    and not isinstance(cell.value, bool)
                    else ("" if cell.text == "—" else cell.text)
                    for measure, cell in zip(measures, row.cells, strict=True)
                ],
            ]
            for rank, row in enumerate(
                team_ranking(
                    viewer=request.user, role=choice.role, period=choice.period, sort=choice.sort
                ),
                start=1,
            )
        ]
        return self.export(
            Table(title=_("Team view"), headers=headers, rows=rows),
            name=f"scorecards-{choice.role}-{choice.period.key}",
            day=None,
        )


def _unknown_role() -> str:
    return _("Choose project managers or account managers.")


def _unknown_period() -> str:
    return _("Give the period as a quarter (2026Q3) or a month (2026-07).")
