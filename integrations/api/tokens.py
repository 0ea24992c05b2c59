"""The signed-in person's personal access tokens in the API (/api/v1/me/tokens/): list, make (the
token is in the answer once), revoke. Managed signed in (a session or the older API token), never
with a personal access token, so that a leaked token cannot make itself more."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.errors import InvalidInput, NotFound
from common.serializers import ModelSerializer
from integrations.models import AccessToken
from integrations.tokens import (
    EXPIRY_DAYS,
    MAX_DAYS,
    access_token_create,
    access_token_list_for,
    access_token_revoke,
)
from projects.models import Project
from projects.selectors.core import project_get_for


class AccessTokenSerializer(ModelSerializer):
    project: serializers.PrimaryKeyRelatedField[Project] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = AccessToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "project",
            "expires_at",
            "is_expired",
            "created_at",
            "last_used_at",
        ]
        read_only_fields = fields


class AccessTokenInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=AccessToken.Scope.choices)
    project = serializers.IntegerField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(
        min_value=1, max_value=MAX_DAYS, help_text=f"Usually one of {list(EXPIRY_DAYS)}."
    )


class NewAccessTokenSerializer(AccessTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once, never again.")

    class Meta(AccessTokenSerializer.Meta):
        fields = [*AccessTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


def _signed_in(request: Any) -> None:
    if isinstance(request.auth, AccessToken):
        raise PermissionDenied(_("Tokens are managed signed in, not with a personal access token."))


class AccessTokenListView(APIView):
    request: AuthenticatedRequest

    @extend_schema(responses=AccessTokenSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _signed_in(request)
        tokens = access_token_list_for(user=request.user)
        return Response(AccessTokenSerializer(tokens, many=True).data)

    @extend_schema(
        request=AccessTokenInputSerializer,
        responses={201: NewAccessTokenSerializer},
        examples=[
            OpenApiExample(
                "A read token for one project, for 90 days",
                value={"name": "Nightly export", "scope": "read", "project": 12, "days": 90},
                request_only=True,
            )
        ],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        _signed_in(request)
        serializer = AccessTokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = None
        if data["project"] is not None:
            try:
                project = project_get_for(user=request.user, project_id=data["project"])
            except NotFound as error:
                raise InvalidInput(_("Choose one of your projects."), field="project") from error
        made = access_token_create(
            actor=request.user,
            name=data["name"],
            scope=data["scope"],
            days=data["days"],
            project=project,
        )
        body = {**AccessTokenSerializer(made.token).data, "token": made.secret}
        return Response(body, status=201)


class AccessTokenDetailView(APIView):
    request: AuthenticatedRequest

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, token_id: int) -> Response:
        _signed_in(request)
        access_token_revoke(actor=request.user, token_id=token_id)
        return Response(status=204)
