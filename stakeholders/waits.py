"""The stakeholders app's wait sources (projects.waits): requirements the client is asked to
confirm, change requests (the client's approval, the team's assessment of a client's request),
and the action items of meetings (on whichever side owns them)."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from projects.models import Visibility
from projects.waits import Party, Wait, register_wait_source
from stakeholders.models import ActionItem, ChangeRequest, Confirmation, Requirement
from stakeholders.models.requirements import RequirementVersion


def _day(moment: object) -> date | None:
    return timezone.localdate(moment) if moment is not None else None  # type: ignore[arg-type]


def requirement_confirmation(project_ids: list[int], *, today: date) -> list[Wait]:
    """Each confirmation, from the version it confirms to the client's sign-off, and each
    requirement awaiting confirmation, from its last change."""
    version_created = RequirementVersion.objects.filter(
        requirement=OuterRef("requirement"), number=OuterRef("version")
    ).values("created_at")[:1]
    confirmations = (
        Confirmation.objects.filter(
            requirement__project_id__in=project_ids,
            requirement__visibility=Visibility.CLIENT,
        )
        .annotate(asked_at=Subquery(version_created))
        .values_list(
            "requirement__project_id",
            "requirement__number",
            "title",
            "version",
            "asked_at",
            "confirmed_at",
        )
    )
    waits = [
        Wait(
            project_id=project_id,
            party=Party.CLIENT,
            kind="requirement",
            label=f"REQ-{number} (v{version}) {title}",
            since=timezone.localdate(asked_at or confirmed_at),
            answered=timezone.localdate(confirmed_at),
        )
        for project_id, number, title, version, asked_at, confirmed_at in confirmations
    ]
    pending = Requirement.objects.filter(
        project_id__in=project_ids,
        visibility=Visibility.CLIENT,
        status=Requirement.Status.CLARIFIED,
    ).values_list("project_id", "number", "title", "updated_at")
    waits += [
        Wait(
            project_id=project_id,
            party=Party.CLIENT,
            kind="requirement",
            label=f"REQ-{number} {title}",
            since=timezone.localdate(updated_at),
            answered=None,
        )
        for project_id, number, title, updated_at in pending
    ]
    return waits


def change_request_decisions(project_ids: list[int], *, today: date) -> list[Wait]:
    """A client-visible change request waits on the client from its assessment to the client's
    approval (or to a rejection, by either side); a change the client raised waits on the team
    from its request to the assessment (or a rejection)."""
    changes = ChangeRequest.objects.filter(project_id__in=project_ids).values_list(
        "project_id",
        "number",
        "title",
        "visibility",
        "requested_side",
        "requested_at",
        "assessed_at",
        "client_approved_at",
        "rejected_at",
    )
    waits = []
    for (
        project_id,
        number,
        title,
        visibility,
        side,
        requested_at,
        assessed_at,
        client_approved_at,
        rejected_at,
    ) in changes:
        label = f"CR-{number} {title}"
        if side == ChangeRequest.Side.CLIENT:
            waits.append(
                Wait(
                    project_id=project_id,
                    party=Party.TEAM,
                    kind="change_assessment",
                    label=label,
                    since=timezone.localdate(requested_at),
                    answered=_day(assessed_at or rejected_at),
                )
            )
        if visibility == Visibility.CLIENT and assessed_at is not None:
            waits.append(
                Wait(
                    project_id=project_id,
                    party=Party.CLIENT,
                    kind="change_approval",
                    label=label,
                    since=timezone.localdate(assessed_at),
                    answered=_day(client_approved_at or rejected_at),
                )
            )
    return waits


def action_items(project_ids: list[int], *, today: date) -> list[Wait]:
    """Each action item of a meeting, on the side of its owner: from the meeting to the day it
    was done; due on its own due date when it has one. The team's action items of an internal
    meeting (or of internal minutes) stay out of what a client reads."""
    items = (
        ActionItem.objects.filter(meeting__project_id__in=project_ids)
        .filter(meeting__starts_at__date__lte=today)
        .values_list(
            "meeting__project_id",
            "text",
            "owner__side",
            "meeting__starts_at",
            "due_date",
            "done_at",
            "meeting__visibility",
            "meeting__minutes_visibility",
        )
    )
    return [
        Wait(
            project_id=project_id,
            party=Party.CLIENT if owner_side == "client" else Party.TEAM,
            kind="action_item",
            label=text if len(text) <= 80 else text[:79] + "…",
            since=timezone.localdate(starts_at),
            answered=_day(done_at),
            due=due_date,
            client_visible=visibility == Visibility.CLIENT
            and minutes_visibility == Visibility.CLIENT,
        )
        for (
            project_id,
            text,
            owner_side,
            starts_at,
            due_date,
            done_at,
            visibility,
            minutes_visibility,
        ) in items
    ]


def register() -> None:
    register_wait_source(requirement_confirmation)
    register_wait_source(change_request_decisions)
    register_wait_source(action_items)
