"""The projects app's wait sources (projects.waits): deliverables the client is asked to accept,
phase gates awaiting the client admin's approval, and the client's own tasks in the plan."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import AcceptanceRound, PhaseGate, Task, Visibility
from projects.waits import Party, Wait, register_wait_source


def _day(moment: object) -> date | None:
    return timezone.localdate(moment) if moment is not None else None  # type: ignore[arg-type]


def deliverable_acceptance(project_ids: list[int], *, today: date) -> list[Wait]:
    """Each acceptance round of a client-visible deliverable: from its submission to the client's
    decision. Due on its deemed-acceptance day when the project has one (the contract's own
    response time), else after the agreed response time."""
    rounds = AcceptanceRound.objects.filter(
        deliverable__project_id__in=project_ids,
        deliverable__visibility=Visibility.CLIENT,
    ).values_list(
        "deliverable__project_id",
        "deliverable__name",
        "number",
        "submitted_at",
        "decided_at",
        "deemed_acceptance_due",
    )
    return [
        Wait(
            project_id=project_id,
            party=Party.CLIENT,
            kind="deliverable",
            label=_("%(name)s (round %(number)d)") % {"name": name, "number": number},
            since=timezone.localdate(submitted_at),
            answered=_day(decided_at),
            due=deemed,
        )
        for project_id, name, number, submitted_at, decided_at, deemed in rounds
    ]


def gate_approval(project_ids: list[int], *, today: date) -> list[Wait]:
    """Each phase gate that waited for the client admin: from the PM's request to the decision
    (a gate that needs no client approval passes at once and never waits)."""
    gates = (
        PhaseGate.objects.filter(project_id__in=project_ids)
        .exclude(status=PhaseGate.Status.PASSED, decided_at__isnull=True)
        .values_list("project_id", "from_phase", "to_phase", "requested_at", "decided_at")
    )
    labels = dict(PhaseGate._meta.get_field("to_phase").choices or [])
    return [
        Wait(
            project_id=project_id,
            party=Party.CLIENT,
            kind="gate",
            label=f"{labels.get(from_phase, from_phase)} → {labels.get(to_phase, to_phase)}",
            since=timezone.localdate(requested_at),
            answered=_day(decided_at),
        )
        for project_id, from_phase, to_phase, requested_at, decided_at in gates
    ]


def client_tasks(project_ids: list[int], *, today: date) -> list[Wait]:
    """Each task of the client's with a due date, from its start (or its due date) to the day it
    was done; due on its own due date. Client-visible by rule (its milestone too, or the client
    could not read the item)."""
    tasks = (
        Task.objects.filter(
            project_id__in=project_ids,
            owner_side=Task.OwnerSide.CLIENT,
            visibility=Visibility.CLIENT,
            due_date__isnull=False,
            due_date__lt=today,
        )
        .exclude(milestone__visibility=Visibility.INTERNAL)
        .values_list("project_id", "name", "start_date", "due_date", "completed_at")
    )
    waits = []
    for project_id, name, start, due, completed_at in tasks:
        if due is None:  # excluded by the filter above
            continue
        waits.append(
            Wait(
                project_id=project_id,
                party=Party.CLIENT,
                kind="client_task",
                label=name,
                since=min(start or due, due),
                answered=_day(completed_at),
                due=due,
            )
        )
    return waits


def register() -> None:
    register_wait_source(deliverable_acceptance)
    register_wait_source(gate_approval)
    register_wait_source(client_tasks)
