from __future__ import annotations

from rest_framework import serializers

from accounts.api.serializers import OrganizationSerializer
from projects.models import Membership, Project


class ProjectSerializer(serializers.ModelSerializer):
    client = OrganizationSerializer(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "summary",
            "client",
            "start_date",
            "end_date",
            "is_archived",
        ]
        read_only_fields = fields


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.CharField(source="organization.name", default=None)


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_label", "created_at"]
        read_only_fields = fields
