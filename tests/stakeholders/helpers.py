"""Builders shared by the stakeholder tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from projects.models import Visibility
from stakeholders.services.meetings import (
    action_item_create,
    meeting_create,
    meeting_decision_record,
)


def a_meeting(
    actor,
    project,
    *,
    title="Weekly",
    minutes="",
    visibility=Visibility.INTERNAL,
    meeting_visibility=Visibility.CLIENT,
    **kw,
):
    """A meeting whose minutes have `visibility`; the meeting itself is client-visible unless
    `meeting_visibility` says otherwise (the service's default is internal)."""
    return meeting_create(
        actor=actor,
        project=project,
        title=title,
        starts_at=kw.pop("starts_at", datetime(2026, 11, 2, 9, tzinfo=UTC)),
        minutes=minutes,
        minutes_visibility=visibility,
        visibility=meeting_visibility,
        **kw,
    )


def meetings_with_items(pm, project, owner, count: int) -> None:
    """`count` meetings, each with one decision and one overdue action item for `owner`."""
    yesterday = timezone.localdate() - timedelta(days=1)
    for number in range(count):
        meeting = a_meeting(pm, project, title=f"Meeting {number}", visibility=Visibility.CLIENT)
        meeting_decision_record(actor=pm, meeting=meeting, text=f"Decision {number}")
        action_item_create(
            actor=pm, meeting=meeting, text=f"Action {number}", owner=owner, due_date=yesterday
        )


DUE = date(2027, 3, 1)
