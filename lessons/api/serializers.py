"""Serializers of the lessons API: input (what a person may send) apart from output."""

from __future__ import annotations

from rest_framework import serializers

from common.serializers import ModelSerializer
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from lessons.models import TITLE_MAX_LENGTH, Category, Lesson
from projects.models import Phase, Visibility


class LessonSerializer(ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "project",
            "project_name",
            "client",
            "client_name",
            "author",
            "author_name",
            "side",
            "title",
            "what_went_well",
            "what_went_wrong",
            "recommendation",
            "category",
            "tags",
            "phase",
            "visibility",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LessonCreateSerializer(serializers.Serializer):
    """A new lesson. `visibility` is the provider's choice; a client's lesson is always
    client-visible. Empty `tags` and `phase` take the project's."""

    project = serializers.IntegerField()
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    category = serializers.ChoiceField(choices=Category.choices)
    what_went_well = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    what_went_wrong = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX_LENGTH
    )
    recommendation = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, allow_null=True
    )
    phase = serializers.ChoiceField(choices=Phase.choices, required=False, allow_null=True)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, allow_null=True
    )


class LessonUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    what_went_well = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    what_went_wrong = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    recommendation = serializers.CharField(
        required=False, allow_blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
