"""Status reports in the API, under /api/v1/projects/{project_pk}/: the schedule (read by the
project's people; the PM changes all of it, a client admin pauses it or changes its recipients),
the reports (archive, snapshot, PDF, send now) and their deliveries (provider side; resend by
the PM or a staff admin). The same selectors, services and predicates as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.errors import InvalidInput, NotFound
from projects.api.base import ProjectScopedViewSet
from projects.models import Project
from projects.selectors import project_get_for
from reports.api import serializers as s
from reports.delivery import rendition_ensure
from reports.models import Report
from reports.permissions import can_manage_report_schedule, can_view_report_deliveries
from reports.rendering import report_pdf_filename
from reports.selectors import (
    delivery_list_for,
    report_get_for,
    report_list_for,
    schedule_get_for,
)
from reports.services import (
    ExtraAddress,
    report_resend,
    report_send_now,
    schedule_save,
    schedule_update_recipients,
)
from stakeholders.models import CommunicationItem


def _extras(values: list[dict[str, Any]] | None) -> list[ExtraAddress] | None:
    if values is None:
        return None
    return [ExtraAddress(v["email"], v.get("name", ""), v["language"]) for v in values]


class ReportScheduleView(APIView):
    """GET: the project's schedule (everyone in the project). PUT: the PM sets all of it.
    PATCH: a client admin (or the PM) pauses / resumes it or changes the recipients."""

    def _project(self, request: AuthenticatedRequest, project_pk: int) -> Project:
        return project_get_for(user=request.user, project_id=project_pk)

    def _response(self, request: AuthenticatedRequest, project: Project) -> Response:
        schedule = schedule_get_for(user=request.user, project=project)
        if schedule is None:
            raise NotFound(_("This project has no report schedule yet."))
        return Response(s.ReportScheduleSerializer(schedule).data)

    @extend_schema(responses=s.ReportScheduleSerializer)
    def get(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        return self._response(request, self._project(request, project_pk))

    @extend_schema(request=s.ReportScheduleInputSerializer, responses=s.ReportScheduleSerializer)
    def put(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        if not can_manage_report_schedule(request.user, project):
            raise PermissionDenied()
        data = s.ReportScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item_id = values.pop("communication_item")
        item = None
        if item_id is not None:
            item = CommunicationItem.objects.filter(project=project, pk=item_id).first()
            if item is None:
                raise InvalidInput(
                    _("Choose a line of this project's plan."), field="communication_item"
                )
        schedule_save(
            actor=request.user,
            project=project,
            communication_item=item,
            extra_recipients=_extras(values.pop("extra_recipients")),
            **values,
        )
        return self._response(request, project)

    @extend_schema(request=s.ReportRecipientsInputSerializer, responses=s.ReportScheduleSerializer)
    def patch(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = self._project(request, project_pk)
        if not request.user.has_perm("reports.manage_report_recipients", project):
            raise PermissionDenied()
        data = s.ReportRecipientsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        schedule_update_recipients(
            actor=request.user,
            project=project,
            is_active=values.get("is_active"),
            recipient_roles=values.get("recipient_roles"),
            extra_recipients=_extras(values.get("extra_recipients")),
        )
        return self._response(request, project)


class ReportViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The project's reports: everyone in the project reads them (a report holds only what the
    client may see); the PM sends the current period's at once."""

    request: AuthenticatedRequest
    lookup_value_regex = r"\d+"
    action_permissions = {
        "send_now": "reports.send_report",
        "deliveries": "reports.view_report_deliveries",
        "resend": "reports.resend_report",
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Report]]:
        if self.action == "retrieve":
            return s.ReportDetailSerializer
        return s.ReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return report_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Report:
        return report_get_for(
            user=self.request.user, project=self.project, report_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=None, responses={201: s.ReportDetailSerializer})
    @action(detail=False, methods=["post"], url_path="send-now")
    def send_now(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """Create and send the current period's report; 409 if it exists (resend it instead)."""
        report = report_send_now(actor=request.user, project=self.project)
        return Response(s.ReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> HttpResponse:
        report = self.get_object()
        language = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
        rendition = rendition_ensure(report=report, language=language)
        response = HttpResponse(bytes(rendition.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{report_pdf_filename(report.snapshot)}"'
        )
        return response

    @extend_schema(responses=s.ReportDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Who the report went to and how it went (the provider side)."""
        report = self.get_object()
        if not can_view_report_deliveries(request.user, self.project):
            raise PermissionDenied()
        rows = delivery_list_for(user=request.user, report=report)
        return Response(s.ReportDeliverySerializer(rows, many=True).data)

    @extend_schema(request=s.ResendInputSerializer, responses=s.ResendResultSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Send again: the given deliveries, or every failed one."""
        report = self.get_object()
        data = s.ResendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selected = None
        if data.validated_data.get("deliveries"):
            ids = set(data.validated_data["deliveries"])
            selected = list(report.deliveries.filter(pk__in=ids))
            if len(selected) != len(ids):
                raise InvalidInput(_("Unknown delivery of this report."), field="deliveries")
        count = report_resend(actor=request.user, report=report, deliveries=selected)
        return Response({"queued": count})
