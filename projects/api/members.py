"""The API for a project's invitations: those who manage the members (the PM; a client admin for
their colleagues) list the pending ones, invite someone by e-mail, and withdraw an invitation.
Accepting one stays the e-mailed link's page."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.errors import NotFound
from common.serializers import ModelSerializer
from projects.api.base import ProjectScopedViewSet
from projects.closure import ensure_project_open
from projects.models import Invitation, Role
from projects.selectors import pending_invitation_list_for
from projects.services.invitations import invitation_create, invitation_revoke


class ProjectInvitationSerializer(ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    invited_by = serializers.CharField(source="invited_by.display_name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "role_label", "invited_by", "created_at", "expires_at"]
        read_only_fields = fields


class ProjectInvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationViewSet(ProjectScopedViewSet, mixins.ListModelMixin):
    """The project's pending invitations, for those who manage its members."""

    serializer_class = ProjectInvitationSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list[type] = []
    action_permissions = {
        "list": "projects.manage_members",
        "create": "projects.manage_members",
        "destroy": "projects.manage_members",
    }
    # Withdrawing an invitation stays possible on a closed project (access review); a new one
    # is refused before its input is read.
    writable_when_closed = True

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            ensure_project_open(self.project.pk)

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return pending_invitation_list_for(user=self.request.user, project=self.project)

    @extend_schema(summary="List the pending invitations")
    def list(self, request: AuthenticatedRequest, project_pk: str) -> Response:  # type: ignore[override]
        return super().list(request)

    @extend_schema(
        summary="Invite someone to the project",
        request=ProjectInvitationInputSerializer,
        responses={201: ProjectInvitationSerializer},
        examples=[
            OpenApiExample(
                "A customer representative",
                value={"email": "rory@northwind.example", "role": "customer_rep"},
                request_only=True,
            ),
            OpenApiExample(
                "The invitation, sent",
                value={
                    "id": 17,
                    "email": "rory@northwind.example",
                    "role": "customer_rep",
                    "role_label": "Customer representative",
                    "invited_by": "Paula PM",
                    "created_at": "2026-03-02T09:00:00Z",
                    "expires_at": "2026-03-16T09:00:00Z",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        """Invite a person by e-mail with a role the caller may give (a client admin: customer
        representatives and viewers); inviting again replaces the pending invitation."""
        serializer = ProjectInvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = invitation_create(
            actor=request.user, project=self.project, **serializer.validated_data
        )
        return Response(
            ProjectInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary="Withdraw an invitation", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The link stops working (a closed project's too)."""
        invitation = self.get_queryset().filter(pk=int(pk)).first()
        if invitation is None:
            raise NotFound()
        invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
