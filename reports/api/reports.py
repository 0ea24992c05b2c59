"""Status reports in the API (/api/v1/projects/{project_pk}/reports/): the archive, the snapshot,
the PDF, the preview of the next one, send now, and their deliveries (provider side; resend by
the PM or a staff admin). The same selectors, services and predicates as the pages."""

from __future__ import annotations

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

from accounts.http import AuthenticatedRequest
from common.errors import InvalidInput
from common.serializers import ModelSerializer
from projects.api.base import ProjectScopedViewSet
from reports.delivery import rendition_ensure
from reports.models import Report, ReportDelivery
from reports.permissions import can_view_report_deliveries
from reports.rendering import report_pdf_filename
from reports.selectors import delivery_list_for, report_get_for, report_list_for
from reports.services.reports import report_preview, report_resend, report_send_now


class ReportSerializer(ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "period_start", "period_end", "trigger", "created_at"]


class ReportDetailSerializer(ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "period_start", "period_end", "trigger", "created_at", "snapshot"]


class ReportPreviewSerializer(serializers.Serializer):
    """The next report as it would be taken now; `snapshot` has the shape of a report's."""

    period_start = serializers.DateField()
    period_end = serializers.DateField()
    snapshot = serializers.JSONField()


class ReportDeliverySerializer(ModelSerializer):
    class Meta:
        model = ReportDelivery
        fields = [
            "id",
            "email",
            "name",
            "language",
            "status",
            "attempts",
            "last_error",
            "is_bounced",
            "next_attempt_at",
            "sent_at",
        ]


class ResendInputSerializer(serializers.Serializer):
    deliveries = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="ids; every failed one if empty"
    )


class ResendResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField()


class ReportViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The project's reports: everyone in the project reads them (a report holds only what the
    client may see); the PM sends the current period's at once."""

    request: AuthenticatedRequest
    lookup_value_regex = r"\d+"
    project_related = ("report_schedule",)  # the schedule the preview reads
    action_permissions = {
        "send_now": "reports.send_report",
        "preview": "reports.send_report",
        "deliveries": "reports.view_report_deliveries",
        "resend": "reports.resend_report",
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Report]]:
        if self.action == "retrieve":
            return ReportDetailSerializer
        return ReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return report_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Report:
        return report_get_for(
            user=self.request.user, project=self.project, report_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=None, responses={201: ReportDetailSerializer})
    @action(detail=False, methods=["post"], url_path="send-now")
    def send_now(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """Create and send the current period's report; 409 if it exists (resend it instead)."""
        report = report_send_now(actor=request.user, project=self.project)
        return Response(ReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Preview the next report", responses=ReportPreviewSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def preview(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """The PM reads the next report as the client will get it if it went out now: only
        what the client may see, from today's data. Nothing is saved or sent; 409 without a
        schedule."""
        snapshot = report_preview(actor=request.user, project=self.project)
        period = snapshot["period"]
        return Response(
            ReportPreviewSerializer(
                {"period_start": period["start"], "period_end": period["end"], "snapshot": snapshot}
            ).data
        )

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

    @extend_schema(responses=ReportDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Who the report went to and how it went (the provider side)."""
        report = self.get_object()
        if not can_view_report_deliveries(request.user, self.project):
            raise PermissionDenied()
        rows = delivery_list_for(user=request.user, report=report)
        return Response(ReportDeliverySerializer(rows, many=True).data)

    @extend_schema(request=ResendInputSerializer, responses=ResendResultSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Send again: the given deliveries, or every failed one."""
        report = self.get_object()
        data = ResendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selected = None
        if data.validated_data.get("deliveries"):
            ids = set(data.validated_data["deliveries"])
            selected = list(report.deliveries.filter(pk__in=ids))
            if len(selected) != len(ids):
                raise InvalidInput(_("Unknown delivery of this report."), field="deliveries")
        count = report_resend(actor=request.user, report=report, deliveries=selected)
        return Response({"queued": count})
