from __future__ import annotations

from rest_framework import serializers

from accounts.models import Organization, User


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
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
    language = serializers.ChoiceField(choices=User._meta.get_field("language").choices)
    time_zone = serializers.CharField(max_length=64)
