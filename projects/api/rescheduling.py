"""What the API answers about rescheduling: the tasks and milestones a change of dates moves
(projects.scheduling.Move), as the preview of the plan and task pages lists them."""

from __future__ import annotations

from rest_framework import serializers

# One preview: a task pushed by the milestone moved on the plan page.
PREVIEW_EXAMPLE = {
    "moves": [
        {
            "kind": "milestone",
            "id": 4,
            "name": "Go-live",
            "old_start": "2026-06-01",
            "old_due": "2026-06-01",
            "new_start": "2026-05-25",
            "new_due": "2026-05-25",
            "is_requested": True,
        },
        {
            "kind": "task",
            "id": 17,
            "name": "Data migration",
            "old_start": "2026-05-18",
            "old_due": "2026-05-29",
            "new_start": "2026-05-11",
            "new_due": "2026-05-22",
            "is_requested": False,
        },
    ]
}


class MoveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("task", "task"), ("milestone", "milestone")])
    id = serializers.IntegerField()
    name = serializers.CharField()
    old_start = serializers.DateField(
        allow_null=True, help_text="For a milestone, its due date (it has no start)."
    )
    old_due = serializers.DateField(allow_null=True)
    new_start = serializers.DateField(allow_null=True)
    new_due = serializers.DateField(allow_null=True)
    is_requested = serializers.BooleanField(
        help_text="The move asked for (listed first), not one of its consequences."
    )


class ReschedulePreviewSerializer(serializers.Serializer):
    moves = MoveSerializer(
        many=True,
        help_text="What saving these dates would move, the item itself first; empty when the "
        "dates do not change, so nothing moves.",
    )
