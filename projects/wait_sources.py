"""The projects app's wait sources (projects.waits): deliverables the client is asked to accept,
phase gates awaiting the client admin's approval, and the client's own tasks in the plan; each a
WaitQuery, read in one union with the others."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import AcceptanceRound, PhaseGate, Task, Visibility
from projects.waits import Party, Wait, WaitQuery, register_wait_source, wait_rows


def _day(moment: object) -> date | None:
    return timezone.localdate(moment) if moment is not None else None  # type: ignore[arg-type]


def _deliverable_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    return wait_rows(
        AcceptanceRound.objects.filter(
            deliverable__project_id__in=project_ids,
            deliverable__visibility=Visibility.CLIENT,
        ),
        w_project="deliverable__project_id",
        w_text1="deliverable__name",
        w_number="number",
        w_at1="submitted_at",
        w_at2="decided_at",
        w_day1="deemed_acceptance_due",
        w_key1="deliverable_id",
    )


def _deliverable_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The rounds' own order: by deliverable, then number.
    rows = sorted(rows, key=lambda row: (row["w_key1"], row["w_number"]))
    return [
        Wait(
            project_id=row["w_project"],
            party=Party.CLIENT,
            kind="deliverable",
            label=_("%(name)s (round %(number)d)")
            % {"name": row["w_text1"], "number": row["w_number"]},
            since=timezone.localdate(row["w_at1"]),
            answered=_day(row["w_at2"]),
            due=row["w_day1"],
        )
        for row in rows
    ]


# Each acceptance round of a client-visible deliverable: from its submission to the client's
# decision. Due on its deemed-acceptance day when the project has one (the contract's own
# response time), else after the agreed response time.
deliverable_acceptance = WaitQuery(rows=_deliverable_rows, waits=_deliverable_waits)


def _gate_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    return wait_rows(
        PhaseGate.objects.filter(project_id__in=project_ids).exclude(
            status=PhaseGate.Status.PASSED, decided_at__isnull=True
        ),
        w_project="project_id",
        w_text1="from_phase",
        w_text2="to_phase",
        w_at1="requested_at",
        w_at2="decided_at",
        w_key1="id",
    )


def _gate_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The gates' own order: the latest request first.
    rows = sorted(rows, key=lambda row: (row["w_at1"], row["w_key1"]), reverse=True)
    labels = dict(PhaseGate._meta.get_field("to_phase").choices or [])
    return [
        Wait(
            project_id=row["w_project"],
            party=Party.CLIENT,
            kind="gate",
            label=f"{labels.get(row['w_text1'], row['w_text1'])} → "
            f"{labels.get(row['w_text2'], row['w_text2'])}",
            since=timezone.localdate(row["w_at1"]),
            answered=_day(row["w_at2"]),
        )
        for row in rows
    ]


# Each phase gate that waited for the client admin: from the PM's request to the decision (a
# gate that needs no client approval passes at once and never waits).
gate_approval = WaitQuery(rows=_gate_rows, waits=_gate_waits)


def _client_task_rows(project_ids: list[int], today: date) -> QuerySet[Any]:
    return wait_rows(
        Task.objects.filter(
            project_id__in=project_ids,
            owner_side=Task.OwnerSide.CLIENT,
            visibility=Visibility.CLIENT,
            due_date__isnull=False,
            due_date__lt=today,
        ).exclude(milestone__visibility=Visibility.INTERNAL),
        w_project="project_id",
        w_text1="name",
        w_day1="start_date",
        w_day2="due_date",
        w_at1="completed_at",
        w_key1="position",
        w_key2="id",
    )


def _client_task_waits(rows: list[dict[str, Any]], today: date) -> list[Wait]:
    # The plan's order: by position, then id.
    rows = sorted(rows, key=lambda row: (row["w_key1"], row["w_key2"]))
    waits = []
    for row in rows:
        start, due = row["w_day1"], row["w_day2"]
        if due is None:  # excluded by the filter
            continue
        waits.append(
            Wait(
                project_id=row["w_project"],
                party=Party.CLIENT,
                kind="client_task",
                label=row["w_text1"],
                since=min(start or due, due),
                answered=_day(row["w_at1"]),
                due=due,
            )
        )
    return waits


# Each task of the client's with a due date, from its start (or its due date) to the day it was
# done; due on its own due date. Client-visible by rule (its milestone too, or the client could
# not read the item).
client_tasks = WaitQuery(rows=_client_task_rows, waits=_client_task_waits)


def register() -> None:
    register_wait_source(deliverable_acceptance)
    register_wait_source(gate_approval)
    register_wait_source(client_tasks)
