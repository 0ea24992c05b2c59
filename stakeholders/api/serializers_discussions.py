from __future__ import annotations

from rest_framework import serializers

from stakeholders.models import Entry


class EntryInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    kind = serializers.ChoiceField(choices=Entry.Kind.choices, default=Entry.Kind.REPLY)


class EntryOutputSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name")

    class Meta:
        model = Entry
        fields = ["id", "author", "kind", "body", "created_at", "edited_at"]
        read_only_fields = fields
