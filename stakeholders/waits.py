"""The stakeholders app's wait sources (projects.waits): requirements the client is asked to
confirm, change requests (the client's approval, the team's assessment of a client's request),
and the action items of meetings (on whichever side owns them); each a WaitQuery, read in one
union with the others."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from projects.models import Visibility
from projects.waits import Party, Wait, WaitQuery, register_wait_source, wait_rows
from stakeholders.models import ActionItem, ChangeRequest, Confirmation, Requirement
from stakeholders.models.requirements import RequirementVersion


def _day(moment: object) -> date | None:
    return timezone.localdate(moment) if moment is not None else None  # type: ignore[arg-type]


def _flag(**condition: Any) -> Case:
    """1 where `condition` holds, else 0 (a wait row's sort key used as a yes or no)."""
    return Case(When(**condition, then=Value(1)), default=Value(0))


def _confirmation_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    version_created = RequirementVersion.objects.filter(
        requirement=OuterRef("requirement"), number=OuterRef("version")
    ).values("created_at")[:1]
    return wait_rows(
        Confirmation.objects.filter(
            requirement__project_id__in=project_ids,
            requirement__visibility=Visibility.CLIENT,
        ),
        w_project="requirement__project_id",
        w_number="requirement__number",
        w_text1="title",
        w_at1=Subquery(version_created),
        w_at2="confirmed_at",
        w_key1="requirement_id",
        w_key2="version",
    )


def _confirmation_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The confirmations' own order: by requirement, the latest first.
    rows = sorted(rows, key=lambda row: row["w_at2"], reverse=True)
    rows = sorted(rows, key=lambda row: row["w_key1"])
    return [
        Wait(
            project_id=row["w_project"],
            party=Party.CLIENT,
            kind="requirement",
            label=f"REQ-{row['w_number']} (v{row['w_key2']}) {row['w_text1']}",
            since=timezone.localdate(row["w_at1"] or row["w_at2"]),
            answered=timezone.localdate(row["w_at2"]),
        )
        for row in rows
    ]


# Each confirmation, from the version it confirms to the client's sign-off.
requirement_confirmation = WaitQuery(rows=_confirmation_rows, waits=_confirmation_waits)


def _pending_requirement_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    return wait_rows(
        Requirement.objects.filter(
            project_id__in=project_ids,
            visibility=Visibility.CLIENT,
            status=Requirement.Status.CLARIFIED,
        ),
        w_project="project_id",
        w_number="number",
        w_text1="title",
        w_at1="updated_at",
    )


def _pending_requirement_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The requirements' own order: by project, then number.
    rows = sorted(rows, key=lambda row: (row["w_project"], row["w_number"]))
    return [
        Wait(
            project_id=row["w_project"],
            party=Party.CLIENT,
            kind="requirement",
            label=f"REQ-{row['w_number']} {row['w_text1']}",
            since=timezone.localdate(row["w_at1"]),
            answered=None,
        )
        for row in rows
    ]


# Each requirement awaiting confirmation, from its last change.
pending_requirements = WaitQuery(rows=_pending_requirement_rows, waits=_pending_requirement_waits)


def _change_request_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    return wait_rows(
        ChangeRequest.objects.filter(project_id__in=project_ids),
        w_project="project_id",
        w_number="number",
        w_text1="title",
        w_at1="requested_at",
        w_at2="assessed_at",
        w_at3="client_approved_at",
        w_at4="rejected_at",
        w_key1=_flag(requested_side=ChangeRequest.Side.CLIENT),
        w_key2=_flag(visibility=Visibility.CLIENT),
    )


def _change_request_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The change requests' own order: the latest number first.
    rows = sorted(rows, key=lambda row: row["w_number"], reverse=True)
    waits = []
    for row in rows:
        label = f"CR-{row['w_number']} {row['w_text1']}"
        assessed_at, client_approved_at, rejected_at = row["w_at2"], row["w_at3"], row["w_at4"]
        if row["w_key1"]:
            waits.append(
                Wait(
                    project_id=row["w_project"],
                    party=Party.TEAM,
                    kind="change_assessment",
                    label=label,
                    since=timezone.localdate(row["w_at1"]),
                    answered=_day(assessed_at or rejected_at),
                )
            )
        if row["w_key2"] and assessed_at is not None:
            waits.append(
                Wait(
                    project_id=row["w_project"],
                    party=Party.CLIENT,
                    kind="change_approval",
                    label=label,
                    since=timezone.localdate(assessed_at),
                    answered=_day(client_approved_at or rejected_at),
                )
            )
    return waits


# A client-visible change request waits on the client from its assessment to the client's
# approval (or to a rejection, by either side); a change the client raised waits on the team
# from its request to the assessment (or a rejection).
change_request_decisions = WaitQuery(rows=_change_request_rows, waits=_change_request_waits)


def _action_item_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    return wait_rows(
        ActionItem.objects.filter(
            meeting__project_id__in=project_ids, meeting__starts_at__date__lte=today
        ),
        w_project="meeting__project_id",
        w_text1="text",
        w_text2="owner__side",
        w_at1="meeting__starts_at",
        w_at2="done_at",
        w_day1="due_date",
        w_key1="id",
        w_key2=_flag(
            meeting__visibility=Visibility.CLIENT,
            meeting__minutes_visibility=Visibility.CLIENT,
        ),
    )


def _action_item_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The action items' own order: by due date (none last), then id.
    rows = sorted(
        rows, key=lambda row: (row["w_day1"] is None, row["w_day1"] or today, row["w_key1"])
    )
    return [
        Wait(
            project_id=row["w_project"],
            party=Party.CLIENT if row["w_text2"] == "client" else Party.TEAM,
            kind="action_item",
            label=row["w_text1"] if len(row["w_text1"]) <= 80 else row["w_text1"][:79] + "…",
            since=timezone.localdate(row["w_at1"]),
            answered=_day(row["w_at2"]),
            due=row["w_day1"],
            client_visible=bool(row["w_key2"]),
        )
        for row in rows
    ]


# Each action item of a meeting, on the side of its owner: from the meeting to the day it was
# done; due on its own due date when it has one. The team's action items of an internal meeting
# (or of internal minutes) stay out of what a client reads.
action_items = WaitQuery(rows=_action_item_rows, waits=_action_item_waits)


def register() -> None:
    register_wait_source(requirement_confirmation)
    register_wait_source(pending_requirements)
    register_wait_source(change_request_decisions)
    register_wait_source(action_items)
