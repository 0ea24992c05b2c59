"""The scorecards API: the scorecards a person may open, one scorecard over several periods,
the items behind a figure, and the staff admins' team view (same permissions as the pages)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.errors import InvalidInput, NotAllowed, NotFound
from projects.models import Role
from scorecards.items import GROUPS, figure_items
from scorecards.periods import QUARTER, Period, PeriodChoice, period_from_key, recent_periods
from scorecards.permissions import SCORED_ROLES, can_view_scorecards, can_view_team
from scorecards.selectors import (
    MEASURES,
    as_data,
    scorecard_of,
    scorecard_person_get_for,
    scorecards_for,
    team_ranking,
)


class ScorecardEntrySerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.display_name")
    role = serializers.CharField(help_text="pm or am")
    url = serializers.CharField()


class ScorecardPeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    start = serializers.DateField()
    end = serializers.DateField(source="last_day")


class ScorecardMeasureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    group = serializers.CharField()
    kind = serializers.CharField()
    better = serializers.CharField(allow_null=True)
    values = serializers.ListField(child=serializers.JSONField())
    items = serializers.ListField(child=serializers.CharField())


class ScorecardSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    periods = ScorecardPeriodSerializer(many=True)
    measures = ScorecardMeasureSerializer(many=True)


class ScorecardItemSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    project = serializers.CharField()
    when = serializers.CharField()
    outcome = serializers.CharField()
    good = serializers.BooleanField(allow_null=True)
    url = serializers.CharField()


class TeamRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    person_id = serializers.IntegerField()
    name = serializers.CharField()
    figures = serializers.DictField(child=serializers.JSONField())


class TeamSerializer(serializers.Serializer):
    role = serializers.CharField()
    period = ScorecardPeriodSerializer()
    sort = serializers.CharField()
    rows = TeamRowSerializer(many=True)


def _role(value: str) -> str:
    if value not in SCORED_ROLES:
        raise NotFound()
    return value


def _period(value: str, field: str) -> Period:
    period = period_from_key(value)
    if period is None:
        raise InvalidInput(
            _("Give the period as a quarter (2026Q3) or a month (2026-07)."), field=field
        )
    return period


class ScorecardListView(APIView):
    """The scorecards the caller may open (their own, their PMs', everyone's for a staff
    admin)."""

    request: AuthenticatedRequest

    @extend_schema(operation_id="scorecards_list", responses=ScorecardEntrySerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        if not can_view_scorecards(request.user):
            raise NotFound()
        entries = scorecards_for(viewer=request.user)
        return Response(ScorecardEntrySerializer(entries, many=True).data)


class ScorecardView(APIView):
    """One person's scorecard as PM or AM over 4 to 8 quarters (or months), each figure with
    the link to its items."""

    request: AuthenticatedRequest

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=["quarter", "month"]),
            OpenApiParameter("periods", int, description="4 to 8 (4 by default)"),
        ],
        responses=ScorecardSerializer,
    )
    def get(self, request: AuthenticatedRequest, person_id: int, role: str) -> Response:
        role = _role(role)
        person = scorecard_person_get_for(viewer=request.user, person_id=person_id, role=role)
        choice = PeriodChoice.from_query(request.query_params.dict())
        for field, message in choice.errors.items():
            raise InvalidInput(message, field=field)
        periods = choice.periods()
        card = scorecard_of(person=person, role=role, periods=periods)
        measures = [
            {
                "key": measure.key,
                "label": str(measure.label),
                "group": measure.group,
                "kind": measure.kind,
                "better": measure.better,
                "values": [as_data(measure, cell) for cell in card.raw],
                "items": [
                    reverse(
                        "api:scorecard-items",
                        kwargs={
                            "person_id": person.pk,
                            "role": role,
                            "group": measure.group,
                            "period": p.key,
                        },
                    )
                    for p in periods
                ],
            }
            for measure in MEASURES[role]
        ]
        return Response(
            ScorecardSerializer(
                {
                    "person_id": person.pk,
                    "name": person.display_name,
                    "role": role,
                    "periods": periods,
                    "measures": measures,
                }
            ).data
        )


class ScorecardItemsView(APIView):
    """The items behind one group of figures (milestones, earned_value, changes, acceptance,
    issues, satisfaction, complaints, follow_ups, retention, opportunities) in one period."""

    request: AuthenticatedRequest

    @extend_schema(
        operation_id="scorecard_items_list", responses=ScorecardItemSerializer(many=True)
    )
    def get(
        self, request: AuthenticatedRequest, person_id: int, role: str, group: str, period: str
    ) -> Response:
        role = _role(role)
        person = scorecard_person_get_for(viewer=request.user, person_id=person_id, role=role)
        found = GROUPS.get(group)
        if found is None or role not in found.roles:
            raise NotFound()
        items = figure_items(
            role=role, person=person.pk, group=group, period=_period(period, "period")
        )
        return Response(ScorecardItemSerializer(items, many=True).data)


class TeamView(APIView):
    """Every PM (or AM) side by side in one quarter, ranked on a figure (staff admins)."""

    request: AuthenticatedRequest

    @extend_schema(
        parameters=[
            OpenApiParameter("role", str, enum=["pm", "am"]),
            OpenApiParameter("period", str, description="2026Q3 or 2026-07; the current quarter"),
            OpenApiParameter("sort", str, description="a measure's key"),
        ],
        responses=TeamSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        if not can_view_team(user):
            raise NotAllowed(_("Only a staff admin sees the team view."))
        query = request.query_params
        role = query.get("role") or Role.PM
        if role not in SCORED_ROLES:
            raise InvalidInput(
                _("Choose project managers (pm) or account managers (am)."), field="role"
            )
        raw_period = query.get("period")
        period = (
            _period(raw_period, "period")
            if raw_period
            else recent_periods(kind=QUARTER, count=1)[0]
        )
        keys = [measure.key for measure in MEASURES[role]]
        sort = query.get("sort") or keys[1]
        if sort not in keys:
            raise InvalidInput(
                _("Rank by one of: %(keys)s.") % {"keys": ", ".join(keys)}, field="sort"
            )
        rows = team_ranking(viewer=user, role=role, period=period, sort=sort)
        data: dict[str, Any] = {
            "role": role,
            "period": period,
            "sort": sort,
            "rows": [
                {
                    "rank": rank,
                    "person_id": row.person.pk,
                    "name": row.person.display_name,
                    "figures": {
                        measure.key: as_data(measure, row.raw) for measure in MEASURES[role]
                    },
                }
                for rank, row in enumerate(rows, start=1)
            ],
        }
        return Response(TeamSerializer(data).data)
