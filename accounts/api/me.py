"""The signed-in user in the API (/api/v1/me/): read, and change their own profile; their calendar
address (/api/v1/me/calendar-feed/)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import CalendarFeed, Language, Organization, User
from accounts.services import (
    calendar_feed_create,
    calendar_feed_revoke,
    user_set_language,
    user_update_profile,
)
from common.serializers import ModelSerializer


class OrganizationSerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class MeSerializer(ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    is_client_user = serializers.BooleanField(read_only=True)
    is_staff_admin = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "language",
            "time_zone",
            "organization",
            "is_client_user",
            "is_staff_admin",
        ]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(choices=Language.choices)
    time_zone = serializers.CharField(max_length=64)


class MeView(APIView):
    """The signed-in user."""

    request: AuthenticatedRequest

    @extend_schema(responses=MeSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        summary="Change one's own profile or language",
        request=MeUpdateSerializer,
        responses=MeSerializer,
        examples=[
            OpenApiExample(
                "Switch the language (as the language switcher does)",
                value={"language": "zh-hans"},
                request_only=True,
            )
        ],
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        """Only the fields sent change. A body with the language alone is the language switcher
        (the language kept on the account for pages and e-mails)."""
        current = {
            "display_name": request.user.display_name,
            "language": request.user.language,
            "time_zone": request.user.time_zone,
        }
        serializer = MeUpdateSerializer(data={**current, **request.data})
        serializer.is_valid(raise_exception=True)
        if set(request.data) == {"language"}:
            user = user_set_language(
                actor=request.user, language=serializer.validated_data["language"]
            )
        else:
            user = user_update_profile(actor=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)


class CalendarFeedSerializer(serializers.Serializer):
    exists = serializers.BooleanField(help_text="Whether the person has a calendar address.")
    created_at = serializers.DateTimeField(allow_null=True)
    last_read_at = serializers.DateTimeField(allow_null=True)


class NewCalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The secret address: shown once, never again.")


class CalendarFeedView(APIView):
    """The signed-in person's secret calendar address (iCalendar): whether they have one, a new
    one (replacing theirs; the address is returned once), or none (revoked)."""

    request: AuthenticatedRequest

    @extend_schema(responses=CalendarFeedSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        feed = CalendarFeed.objects.filter(user=request.user).first()
        return Response(
            CalendarFeedSerializer(
                {
                    "exists": feed is not None,
                    "created_at": feed.created_at if feed else None,
                    "last_read_at": feed.last_read_at if feed else None,
                }
            ).data
        )

    @extend_schema(request=None, responses={201: NewCalendarFeedSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        token = calendar_feed_create(actor=request.user)
        path = reverse("integrations:calendar_feed", kwargs={"token": token})
        url = settings.SITE_URL.rstrip("/") + path
        return Response(NewCalendarFeedSerializer({"url": url}).data, status=201)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest) -> Response:
        calendar_feed_revoke(actor=request.user)
        return Response(status=204)
