"""API for time and cost: time entries, rates, cost entries and earned value of a project.

The provider side reads them (a team member only their own time entries); the team logs time,
the PM approves it, sets rates and records costs. Clients read only what the project's
budget_visibility allows: nothing (403 everywhere), totals (the earned value totals), detail
(also the cost entries shared with them and the approved hours per week).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.fields import SkipField, get_attribute
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api_schema import SingleObjectSchema
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from projects.api.base import ProjectScopedViewSet
from projects.models import BudgetVisibility, CostEntry, Rate, Role, TimeEntry, Visibility
from projects.selectors.costs import (
    STAFF,
    approved_hours_by_week_for,
    cost_access_for,
    cost_entry_list_for,
    earned_value_for,
    rate_list_for,
    time_entry_list_for,
)
from projects.selectors.tasks import task_list_for, task_team_for
from projects.services.costs import (
    cost_entry_add,
    cost_entry_delete,
    rate_delete,
    rate_set,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
    time_period_approve,
)

# --- Serializers ------------------------------------------------------------------------------


class TimeEntrySerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.display_name", read_only=True)

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "person",
            "person_name",
            "task",
            "date",
            "hours",
            "note",
            "is_billable",
            "status",
            "approved_by",
            "approved_at",
        ]
        read_only_fields = fields


class TimeEntryInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    task = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    is_billable = serializers.BooleanField(required=False, default=True)


class TimeEntryUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    task = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    is_billable = serializers.BooleanField(required=False)


class PeriodInputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ApprovedCountSerializer(serializers.Serializer):
    approved = serializers.IntegerField()


class RateSerializer(ModelSerializer):
    role = serializers.ChoiceField(
        choices=Role.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty for one person's rate (then `user` is set).",
    )

    class Meta:
        model = Rate
        fields = ["id", "role", "user", "hourly_rate"]
        read_only_fields = fields


class RateInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=Role.choices,
        required=False,
        allow_blank=True,
        default="",
    )
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    hourly_rate = serializers.DecimalField(max_digits=12, decimal_places=2)


class CostEntrySerializer(ModelSerializer):
    class Meta:
        model = CostEntry
        fields = ["id", "date", "category", "amount", "note", "visibility"]
        read_only_fields = fields


class CostEntryInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    category = serializers.ChoiceField(
        choices=CostEntry.Category.choices, default=CostEntry.Category.OTHER
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)


class WeekHoursSerializer(serializers.Serializer):
    week = serializers.DateField()
    hours = serializers.DecimalField(max_digits=10, decimal_places=2)


class _Figure(serializers.DecimalField):
    """A figure of the team's: absent from a client's answer (the selector leaves it out),
    null where it cannot be computed yet (no plan, no baseline)."""

    def __init__(self, *, max_digits: int) -> None:
        super().__init__(max_digits=max_digits, decimal_places=2, required=False, allow_null=True)

    def get_attribute(self, instance: Any) -> Any:
        try:
            return get_attribute(instance, self.source_attrs)
        except (KeyError, AttributeError):
            raise SkipField() from None


class EarnedValueSerializer(serializers.Serializer):
    """Clients get only the totals (bac, ev, ac, spi, cpi); the other figures are absent. BAC is
    the original budget plus the added scope of the budget changes; the team also reads that
    split, the contingency, and the references of the changes whose added scope has no
    planned work yet (unplanned_changes). A figure that cannot be computed yet (no plan, no
    baseline) is null."""

    status_date = serializers.DateField()
    currency = serializers.CharField()
    bac = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    pv = _Figure(max_digits=16)
    ev = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    ac = serializers.DecimalField(max_digits=16, decimal_places=2)
    sv = _Figure(max_digits=16)
    cv = _Figure(max_digits=16)
    spi = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    cpi = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    eac = _Figure(max_digits=16)
    etc = _Figure(max_digits=16)
    vac = _Figure(max_digits=16)
    tcpi = _Figure(max_digits=8)
    original_budget = _Figure(max_digits=16)
    added_scope = _Figure(max_digits=16)
    contingency = _Figure(max_digits=16)
    budget_change_count = serializers.IntegerField(required=False)
    unplanned_changes = serializers.ListField(child=serializers.CharField(), required=False)
    weekly_hours = WeekHoursSerializer(many=True, required=False)


# --- Views ------------------------------------------------------------------------------------


class TimeEntryViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Time entries: the PM, the AM and staff admins read all, a team member their own; the
    team logs (a team member their own time), the PM approves a period."""

    serializer_class = TimeEntrySerializer
    action_permissions = {
        "list": "projects.view_costs",
        "create": "projects.log_time",
        "partial_update": "projects.log_time",
        "destroy": "projects.log_time",
        "approve": "projects.manage_costs",
    }
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[TimeEntry]:
        if getattr(self, "swagger_fake_view", False):
            return TimeEntry.objects.none()
        return time_entry_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=TimeEntryInputSerializer, responses={201: TimeEntrySerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = TimeEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        person = None
        if values.pop("person") is not None:
            person_id = data.validated_data["person"]
            person = next(
                (m.user for m in task_team_for(project=self.project) if m.user_id == person_id),
                None,
            )
            if person is None:
                raise InvalidInput(
                    _("Log time for a project manager or team member of this project."),
                    field="person",
                )
        task_id = values.pop("task")
        task = self._task(task_id) if task_id is not None else None
        entry = time_entry_log(
            actor=request.user, project=self.project, person=person, task=task, **values
        )
        return Response(TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    def get_object(self) -> TimeEntry:
        entry = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if entry is None:
            raise NotFound()
        return entry

    @extend_schema(request=TimeEntryUpdateSerializer, responses=TimeEntrySerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Correct an entry not yet approved (its person, or the PM); fields left out stay."""
        entry = self.get_object()
        data = TimeEntryUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = {
            "date": entry.date,
            "hours": entry.hours,
            "task": entry.task,
            "note": entry.note,
            "is_billable": entry.is_billable,
            **data.validated_data,
        }
        if "task" in data.validated_data and data.validated_data["task"] is not None:
            values["task"] = self._task(data.validated_data["task"])
        entry = time_entry_update(actor=request.user, entry=entry, **values)
        return Response(TimeEntrySerializer(entry).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        time_entry_delete(actor=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _task(self, task_id: int) -> Any:
        task = task_list_for(user=self.request.user, project=self.project).filter(pk=task_id)
        found = task.first()
        if found is None:
            raise InvalidInput(_("Unknown task."), field="task")
        return found

    @extend_schema(request=PeriodInputSerializer, responses=ApprovedCountSerializer)
    @action(detail=False, methods=["post"])
    def approve(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = PeriodInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = time_period_approve(actor=request.user, project=self.project, **data.validated_data)
        return Response({"approved": count})


class RateViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Hourly rates: the provider side reads them, the PM sets them."""

    serializer_class = RateSerializer
    action_permissions = {
        "list": "projects.view_costs",
        "create": "projects.manage_costs",
        "destroy": "projects.manage_costs",
    }
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Rate]:
        if getattr(self, "swagger_fake_view", False):
            return Rate.objects.none()
        return rate_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=RateInputSerializer, responses={201: RateSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = RateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user_id = values.pop("user")
        user = None
        if user_id is not None:
            membership = self.project.memberships.filter(user_id=user_id).first()
            if membership is None:
                raise InvalidInput(_("The person is not on the project team."), field="user")
            user = membership.user
        rate = rate_set(actor=request.user, project=self.project, user=user, **values)
        return Response(RateSerializer(rate).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Delete a rate", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM removes a rate (a role's or one person's)."""
        rate = self.get_queryset().filter(pk=int(pk)).first()
        if rate is None:
            raise NotFound()
        rate_delete(actor=request.user, rate=rate)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CostEntryViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """Cost entries: all for the provider side, the shared ones for a client with "detail";
    the PM records them."""

    serializer_class = CostEntrySerializer
    action_permissions = {"create": "projects.manage_costs", "destroy": "projects.manage_costs"}
    lookup_value_regex = r"\d+"

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "list" and cost_access_for(
            user=self.request.user, project=self.project
        ) not in (STAFF, BudgetVisibility.DETAIL):
            raise PermissionDenied()

    def get_queryset(self) -> QuerySet[CostEntry]:
        if getattr(self, "swagger_fake_view", False):
            return CostEntry.objects.none()
        return cost_entry_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=CostEntryInputSerializer, responses={201: CostEntrySerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = CostEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = cost_entry_add(actor=request.user, project=self.project, **data.validated_data)
        return Response(CostEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Delete a cost entry", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM removes a cost entry recorded by mistake."""
        entry = self.get_queryset().filter(pk=int(pk)).first()
        if entry is None:
            raise NotFound()
        cost_entry_delete(actor=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EarnedValueViewSet(ProjectScopedViewSet):
    """The project's earned value today: every figure for the provider side; for a client the
    totals (budget, EV, AC, SPI, CPI) if budget_visibility is totals or detail, with the approved
    hours per week for detail; 403 if it is nothing."""

    schema = SingleObjectSchema()
    pagination_class = None
    filter_backends: list[type] = []
    serializer_class = EarnedValueSerializer

    @extend_schema(responses=EarnedValueSerializer)
    def list(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        figures = earned_value_for(user=request.user, project=self.project)
        if figures is None:
            raise PermissionDenied()
        weeks = approved_hours_by_week_for(user=request.user, project=self.project)
        if weeks or cost_access_for(user=request.user, project=self.project) in (
            STAFF,
            BudgetVisibility.DETAIL,
        ):
            figures["weekly_hours"] = [{"week": w.week, "hours": w.hours} for w in weeks]
        return Response(EarnedValueSerializer(figures).data)
