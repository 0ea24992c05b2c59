"""The API for milestones and deliverables: the plan, quality reviews, submission and the client's
acceptance."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api import LeanListMixin
from common.api_revisions import RevisionedViewMixin
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.api.base import ProjectScopedViewSet
from projects.api.rescheduling import PREVIEW_EXAMPLE, ReschedulePreviewSerializer
from projects.closure import ensure_project_open
from projects.models import (
    AcceptanceCriterion,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Milestone,
    Visibility,
)
from projects.selectors import (
    deliverable_get_for,
    deliverable_list_for,
    deliverable_rounds,
    milestone_list_for,
)
from projects.services.acceptance import FailedCriterion, deliverable_accept, deliverable_reject
from projects.services.deliverables import (
    deliverable_accept_internally,
    deliverable_create,
    quality_review_record,
)
from projects.services.documents import deliverable_submit_with_files
from projects.services.milestones import milestone_create
from projects.services.rescheduling import (
    milestone_update_with_rescheduling,
    reschedule_preview_milestone,
)


class CriterionSerializer(ModelSerializer):
    class Meta:
        model = AcceptanceCriterion
        fields = ["id", "text", "position"]
        read_only_fields = fields


class DeliverableSummarySerializer(ModelSerializer):
    class Meta:
        model = Deliverable
        fields = [
            "id",
            "milestone",
            "name",
            "status",
            "due_date",
            "visibility",
            "submitted_at",
            "accepted_at",
            "revision",
        ]
        read_only_fields = fields


class CriterionResultSerializer(ModelSerializer):
    class Meta:
        model = CriterionResult
        fields = ["criterion", "passed", "reason"]
        read_only_fields = fields


class RoundSerializer(ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.display_name", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.display_name", read_only=True, default=None, allow_null=True
    )
    criterion_results = CriterionResultSerializer(many=True, read_only=True)
    decision = serializers.ChoiceField(
        choices=AcceptanceRound.Decision.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty while the round awaits the client's decision.",
    )

    class Meta:
        model = AcceptanceRound
        fields = [
            "number",
            "submitted_by",
            "submitted_at",
            "note",
            "deemed_acceptance_due",
            "decision",
            "decided_by",
            "decided_at",
            "comment",
            "criterion_results",
        ]
        read_only_fields = fields


class DeliverableSerializer(DeliverableSummarySerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta(DeliverableSummarySerializer.Meta):
        fields = [
            *DeliverableSummarySerializer.Meta.fields,
            "description",
            "criteria",
            "internally_accepted_at",
        ]
        read_only_fields = fields


class MilestoneSerializer(ModelSerializer):
    deliverables = DeliverableSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "name",
            "description",
            "baseline_due_date",
            "due_date",
            "status",
            "completed_at",
            "visibility",
            "deliverables",
            "revision",
        ]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class DeliverableInputSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    criteria = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.CLIENT)


class QualityReviewInputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )


class SubmitInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class SubmitWithFilesInputSerializer(SubmitInputSerializer):
    """Multipart: the note, and files shared with the client with this submission (the field
    repeated, one file each)."""

    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Each becomes a client-visible document of the deliverable, linked to the "
        "round; one refused file refuses the submission.",
    )


class AcceptInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class FailedCriterionSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class RejectInputSerializer(serializers.Serializer):
    failed = FailedCriterionSerializer(many=True, required=False, default=list)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )


class MilestoneUpdateSerializer(serializers.Serializer):
    """PATCH: only the fields sent change; the baseline due date never does."""

    name = serializers.CharField(max_length=200, required=False)
    due_date = serializers.DateField(required=False)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class MilestonePreviewInputSerializer(serializers.Serializer):
    due_date = serializers.DateField(help_text="The new due date to try.")


class MilestoneViewSet(RevisionedViewMixin, ProjectScopedViewSet, mixins.ListModelMixin):
    """Milestones with their deliverables (internal ones only for the provider side)."""

    serializer_class = MilestoneSerializer
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.edit_plan",
        "partial_update": "projects.edit_plan",
        "reschedule_preview": "projects.edit_plan",
    }

    def _milestone(self) -> Milestone:
        """The milestone of the URL, among those the user sees (404 otherwise)."""
        milestone = (
            milestone_list_for(user=self.request.user, project=self.project)
            .filter(pk=int(self.kwargs["pk"]))
            .first()
        )
        if milestone is None:
            raise NotFound()
        return milestone

    @extend_schema(request=MilestoneUpdateSerializer, responses=MilestoneSerializer)
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """Change the current plan of a milestone (the PM); the baseline never moves. A new
        due date reschedules the plan (projects.services.rescheduling): tasks tied to a
        milestone moved earlier move with it, and what they push."""
        milestone = self._milestone()
        data = MilestoneUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data  # the fields not sent keep their saved values
        milestone, _moves = milestone_update_with_rescheduling(
            actor=request.user, milestone=milestone, revision=self.if_match_revision(), **values
        )
        milestone = milestone_list_for(user=request.user, project=self.project).get(pk=milestone.pk)
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(
        summary="Preview what a milestone's new due date moves",
        request=MilestonePreviewInputSerializer,
        responses=ReschedulePreviewSerializer,
        examples=[
            OpenApiExample("A week earlier", value={"due_date": "2026-05-25"}, request_only=True),
            OpenApiExample("What it moves", value=PREVIEW_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"], url_path="reschedule-preview")
    def reschedule_preview(
        self, request: AuthenticatedRequest, project_pk: str, pk: str
    ) -> Response:
        """What saving the milestone with this due date would move (the PM's preview on the plan
        page): the milestone, the tasks tied to it when it moves earlier, what they push.
        Nothing is saved; like the page's, the preview is refused on a closed project."""
        ensure_project_open(self.project.pk)
        milestone = self._milestone()
        data = MilestonePreviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moves = reschedule_preview_milestone(
            actor=request.user, milestone=milestone, due_date=data.validated_data["due_date"]
        )
        return Response(ReschedulePreviewSerializer({"moves": moves}).data)

    def get_queryset(self) -> QuerySet[Milestone]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Milestone.objects.none()
        return milestone_list_for(user=self.request.user, project=self.project)

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = MilestoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = milestone_create(
            actor=request.user, project=self.project, **data.validated_data
        )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class DeliverableViewSet(
    LeanListMixin,
    RevisionedViewMixin,
    ProjectScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Deliverables and their acceptance: review and submit (team), accept or reject (client)."""

    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": "projects.edit_plan",
        "review": "projects.review_quality",
        "submit": "projects.edit_plan",
        "accept": "projects.accept_deliverable",
        "reject": "projects.accept_deliverable",
        "accept_internally": "projects.accept_deliverable_internally",
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return DeliverableSummarySerializer if self.action == "list" else DeliverableSerializer

    def get_queryset(self) -> QuerySet[Deliverable]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Deliverable.objects.none()
        deliverables = deliverable_list_for(user=self.request.user, project=self.project)
        if self.action != "list":
            deliverables = deliverables.prefetch_related("criteria")
        return deliverables

    def get_object(self) -> Deliverable:
        return deliverable_get_for(
            user=self.request.user, project=self.project, deliverable_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=DeliverableInputSerializer, responses={201: DeliverableSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = DeliverableInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        milestone = (
            milestone_list_for(user=request.user, project=self.project)
            .filter(pk=values.pop("milestone"))
            .first()
        )
        if milestone is None:
            raise InvalidInput(_("Unknown milestone."), field="milestone")
        deliverable = deliverable_create(actor=request.user, milestone=milestone, **values)
        return Response(DeliverableSerializer(deliverable).data, status=status.HTTP_201_CREATED)

    # Every round at once, as a bare list: no page, no filter (the schema says so too).
    @extend_schema(responses=RoundSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def rounds(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        rounds = deliverable_rounds(deliverable=self.get_object())
        return Response(RoundSerializer(rounds, many=True).data)

    @extend_schema(request=QualityReviewInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def review(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = QualityReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quality_review_record(
            actor=request.user, deliverable=self.get_object(), **data.validated_data
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submit a deliverable to the client",
        request={
            "application/json": SubmitInputSerializer,
            "multipart/form-data": SubmitWithFilesInputSerializer,
        },
        responses=DeliverableSerializer,
        examples=[
            OpenApiExample(
                "With a note",
                value={"note": "Ready for your acceptance test."},
                request_only=True,
                media_type="application/json",
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM submits the deliverable for acceptance (a new round; it needs a passed quality
        review since the last one), as on the deliverable's page. Sent as multipart, `files`
        are attached: every file is checked first, and one refused file (400 on `files`)
        refuses the submission, so nothing changes."""
        data = SubmitWithFilesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable = self.get_object()
        try:
            deliverable_submit_with_files(
                actor=request.user, deliverable=deliverable, **data.validated_data
            )
        except InvalidInput as error:
            if error.field != "file":
                raise
            # The service checks one file at a time; here they come in `files`.
            raise InvalidInput(error.message, field="files") from error
        return Response(DeliverableSerializer(self.get_object()).data)

    @extend_schema(request=AcceptInputSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable_accept(actor=request.user, deliverable=self.get_object(), **data.validated_data)
        return Response(DeliverableSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"], url_path="accept-internally")
    def accept_internally(
        self, request: AuthenticatedRequest, project_pk: str, pk: str
    ) -> Response:
        """The PM accepts an internal deliverable (never put to the client) after a passed
        quality review."""
        deliverable_accept_internally(actor=request.user, deliverable=self.get_object())
        return Response(DeliverableSerializer(self.get_object()).data)

    @extend_schema(request=RejectInputSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        data = RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable_reject(
            actor=request.user,
            deliverable=self.get_object(),
            failed=[
                FailedCriterion(criterion_id=item["criterion"], reason=item["reason"])
                for item in data.validated_data["failed"]
            ],
            comment=data.validated_data["comment"],
        )
        return Response(DeliverableSerializer(self.get_object()).data)
