"""A project's report schedule in the API (/api/v1/projects/{project_pk}/report-schedule/): read
by the project's people; the PM changes all of it (PUT) or part of it (PATCH), a client admin
pauses it or changes its recipients (PATCH, or .../recipients/ as on the portal's reports page);
the PM writes the summary for the next report (.../summary/, as on the reports tab). Its ETag
is its revision (common.api_revisions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import Language
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from projects.models import CLIENT_ROLES, Project
from projects.selectors import project_get_for
from reports.models import Cadence, ReportSchedule
from reports.permissions import can_manage_report_schedule
from reports.selectors import schedule_get_for
from reports.services.schedules import (
    SUMMARY_MAX_LENGTH,
    TIMING_FIELDS,
    ExtraAddress,
    schedule_save,
    schedule_update,
    schedule_update_recipients,
    summary_save,
)
from stakeholders.models import CommunicationItem


class ExtraRecipientSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)


class ReportScheduleSerializer(ModelSerializer):
    extra_recipients = ExtraRecipientSerializer(many=True, read_only=True)
    recipient_roles = serializers.ListField(child=serializers.CharField())
    client_time_zone = serializers.CharField(source="project.client.time_zone", read_only=True)

    class Meta:
        model = ReportSchedule
        fields = [
            "cadence",
            "weekday",
            "day_of_month",
            "hour",
            "client_time_zone",
            "is_active",
            "next_run_at",
            "recipient_roles",
            "communication_item",
            "extra_recipients",
            "revision",
        ]


class ReportScheduleInputSerializer(serializers.Serializer):
    """The PM's whole schedule."""

    cadence = serializers.ChoiceField(choices=Cadence.choices)
    weekday = serializers.IntegerField(min_value=0, max_value=6, default=0)
    day_of_month = serializers.IntegerField(min_value=1, max_value=31, default=1)
    hour = serializers.IntegerField(min_value=0, max_value=23)
    is_active = serializers.BooleanField(default=True)
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLIENT_ROLES)), allow_empty=True
    )
    communication_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    extra_recipients = ExtraRecipientSerializer(many=True, required=False, default=list)


class ReportRecipientsInputSerializer(serializers.Serializer):
    """Part of the schedule: on / paused and the recipients (a client admin, or the PM); the
    timing (cadence, days, hour, communication plan line) only the PM changes."""

    cadence = serializers.ChoiceField(choices=Cadence.choices, required=False)
    weekday = serializers.IntegerField(min_value=0, max_value=6, required=False)
    day_of_month = serializers.IntegerField(min_value=1, max_value=31, required=False)
    hour = serializers.IntegerField(min_value=0, max_value=23, required=False)
    communication_item = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLIENT_ROLES)), required=False
    )
    extra_recipients = ExtraRecipientSerializer(many=True, required=False)


class RecipientsInputSerializer(serializers.Serializer):
    """The client side's part of the schedule: reports on or paused, the client roles that
    receive them and the other addresses (each list replaces the stored one)."""

    is_active = serializers.BooleanField()
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLIENT_ROLES)), allow_empty=True
    )
    extra_recipients = ExtraRecipientSerializer(many=True, allow_empty=True)


class RecipientsUpdateSerializer(serializers.Serializer):
    """Only the fields sent change (not `partial`: an address's defaults still apply)."""

    is_active = serializers.BooleanField(required=False)
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CLIENT_ROLES)), required=False
    )
    extra_recipients = ExtraRecipientSerializer(many=True, required=False)


class SummarySerializer(ModelSerializer):
    summary_updated_by = serializers.CharField(
        source="summary_updated_by.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ReportSchedule
        fields = ["summary", "summary_updated_at", "summary_updated_by", "revision"]
        read_only_fields = fields


class SummaryInputSerializer(serializers.Serializer):
    summary = serializers.CharField(
        allow_blank=True,
        max_length=SUMMARY_MAX_LENGTH,
        help_text="Markdown. The client reads it first; the next report takes it as written.",
    )


RECIPIENTS_EXAMPLE = OpenApiExample(
    "On, to the client admin and one more address",
    value={
        "is_active": True,
        "recipient_roles": ["client_admin"],
        "extra_recipients": [{"email": "sponsor@example.com", "name": "Sam", "language": "en"}],
    },
    request_only=True,
)


def _extras(values: list[dict[str, Any]] | None) -> list[ExtraAddress] | None:
    if values is None:
        return None
    return [ExtraAddress(v["email"], v.get("name", ""), v["language"]) for v in values]


class ReportScheduleView(RevisionedViewMixin, APIView):
    """GET: the project's schedule (everyone in the project). PUT: the PM sets all of it.
    PATCH: a client admin (or the PM) pauses / resumes it or changes the recipients; the PM
    also its timing (a client admin naming a timing field is refused, 403 naming it)."""

    def _item(self, project: Project, item_id: int | None) -> CommunicationItem | None:
        if item_id is None:
            return None
        item = CommunicationItem.objects.filter(project=project, pk=item_id).first()
        if item is None:
            raise InvalidInput(
                _("Choose a line of this project's plan."), field="communication_item"
            )
        return item

    def _project(self, request: AuthenticatedRequest, project_pk: int) -> Project:
        return project_get_for(user=request.user, project_id=project_pk)

    def _response(self, request: AuthenticatedRequest, project: Project) -> Response:
        schedule = schedule_get_for(user=request.user, project=project)
        if schedule is None:
            raise NotFound(_("This project has no report schedule yet."))
        return Response(ReportScheduleSerializer(schedule).data)

    @extend_schema(responses=ReportScheduleSerializer)
    def get(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        return self._response(request, self._project(request, project_pk))

    @extend_schema(request=ReportScheduleInputSerializer, responses=ReportScheduleSerializer)
    def put(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        if not can_manage_report_schedule(request.user, project):
            raise PermissionDenied()
        data = ReportScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        schedule_save(
            actor=request.user,
            project=project,
            communication_item=self._item(project, values.pop("communication_item")),
            extra_recipients=_extras(values.pop("extra_recipients")),
            revision=self.if_match_revision(),
            **values,
        )
        return self._response(request, project)

    @extend_schema(request=ReportRecipientsInputSerializer, responses=ReportScheduleSerializer)
    def patch(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        if not request.user.has_perm("reports.manage_report_recipients", project):
            raise PermissionDenied()
        data = ReportRecipientsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        timing = {name: values.pop(name) for name in TIMING_FIELDS if name in values}
        if "communication_item" in timing:
            timing["communication_item"] = self._item(project, timing["communication_item"])
        schedule_update(
            actor=request.user,
            project=project,
            revision=self.if_match_revision(),
            is_active=values.get("is_active"),
            recipient_roles=values.get("recipient_roles"),
            extra_recipients=_extras(values.get("extra_recipients")),
            **timing,
        )
        return self._response(request, project)


class ReportRecipientsView(RevisionedViewMixin, APIView):
    """Whether reports go out and to whom: what the portal's reports page lets a client admin
    change (the PM too). PUT sets all three; PATCH only the fields sent. The timing stays the
    PM's (PUT .../report-schedule/)."""

    def _project(self, request: AuthenticatedRequest, project_pk: int) -> Project:
        project = project_get_for(user=request.user, project_id=project_pk)
        if not request.user.has_perm("reports.manage_report_recipients", project):
            raise PermissionDenied()
        return project

    def _save(
        self,
        request: AuthenticatedRequest,
        project_pk: int,
        input_serializer: type[serializers.Serializer],
    ) -> Response:
        project = self._project(request, project_pk)
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        schedule_update_recipients(
            actor=request.user,
            project=project,
            is_active=values.get("is_active"),
            recipient_roles=values.get("recipient_roles"),
            extra_recipients=_extras(values.get("extra_recipients")),
            revision=self.if_match_revision(),
        )
        schedule = schedule_get_for(user=request.user, project=project)
        return Response(ReportScheduleSerializer(schedule).data)

    @extend_schema(
        summary="Set who receives the reports",
        request=RecipientsInputSerializer,
        responses=ReportScheduleSerializer,
        examples=[RECIPIENTS_EXAMPLE],
    )
    def put(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        return self._save(request, project_pk, RecipientsInputSerializer)

    @extend_schema(
        summary="Pause the reports or change who receives them",
        request=RecipientsUpdateSerializer,
        responses=ReportScheduleSerializer,
        examples=[OpenApiExample("Pause them", value={"is_active": False}, request_only=True)],
    )
    def patch(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        return self._save(request, project_pk, RecipientsUpdateSerializer)


class ReportSummaryView(RevisionedViewMixin, APIView):
    """The PM's summary for the next report, as on the project's reports tab: read and written
    by the PM only (the client reads it in the report). Needs a schedule (409 without)."""

    def _project(self, request: AuthenticatedRequest, project_pk: int) -> Project:
        project = project_get_for(user=request.user, project_id=project_pk)
        if not request.user.has_perm("reports.send_report", project):
            raise PermissionDenied()
        return project

    @extend_schema(summary="The summary for the next report", responses=SummarySerializer)
    def get(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        schedule = schedule_get_for(user=request.user, project=project)
        if schedule is None:
            raise NotFound(_("This project has no report schedule yet."))
        return Response(SummarySerializer(schedule).data)

    @extend_schema(
        summary="Write the summary for the next report",
        request=SummaryInputSerializer,
        responses=SummarySerializer,
        examples=[
            OpenApiExample(
                "Markdown", value={"summary": "The pilot went **live** on time."}, request_only=True
            )
        ],
    )
    def put(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        data = SummaryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = summary_save(
            actor=request.user,
            project=project,
            summary=data.validated_data["summary"],
            revision=self.if_match_revision(),
        )
        return Response(SummarySerializer(schedule).data)
