""" "What needs my decision": one list of everything waiting for a client person, oldest first.

A source is a callable `(user) -> list[WaitingItem]` that runs a constant number of queries
(one, as a rule) through the owning app's scoped selector, so the portal home keeps the same
number of queries however many items wait. Apps plug in more with `register_waiting_source`.

An item may carry an in-place action (`action_label`): a single click that needs no further
input (confirm a requirement's current text, confirm a ticket's resolution, tick an action item
done). `perform_action` runs it through the owning app's service, which authorizes it again.
Anything that needs a comment or a choice (accepting a deliverable, approving a change) is a
link to its page instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from closeout.selectors import closure_requests_awaiting_decision_for
from common.errors import NotFound
from feedback.selectors.surveys import open_invitations_for
from feedback.selectors.tickets import ticket_get_for, tickets_awaiting_confirmation_for
from feedback.services.tickets import ticket_confirm
from projects.models import AcceptanceRound
from projects.selectors import deliverables_awaiting_decision_for, gates_awaiting_decision_for
from projects.selectors.tasks import client_tasks_awaiting_for, task_get_for
from projects.services.tasks import task_update
from stakeholders.selectors.changes import change_requests_awaiting_decision_for
from stakeholders.selectors.meetings import action_item_get_for, open_action_items_for
from stakeholders.selectors.requirements import (
    requirement_get_for,
    requirements_awaiting_confirmation_for,
)
from stakeholders.services.meetings import action_item_set_done
from stakeholders.services.requirements import requirement_confirm

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


@dataclass(frozen=True)
class WaitingItem:
    """One thing waiting for the person. `key` is stable ("requirement:12") and names the item
    in reminders and in the page (htmx swaps); `since` is when it started waiting."""

    kind: str
    key: str
    pk: int
    icon: str
    title: str
    project: Project
    since: datetime
    due: date | None
    url: str
    action_label: str = ""
    context: str = ""  # shown after the project's name (a deliverable's milestone)
    # The day the team asks for an answer (since + the project's client response time), set by
    # the pages that show it (portal.services.with_answer_by).
    answer_by: date | None = None

    @property
    def action_url(self) -> str:
        if not self.action_label:
            return ""
        return reverse(
            "portal:decision_act",
            kwargs={"project_id": self.project.pk, "kind": self.kind, "item_id": self.pk},
        )


WaitingSource = Callable[["User"], list[WaitingItem]]
PendingQuery = Callable[["User"], QuerySet[Any]]
ItemAction = Callable[["User", "Project", int], None]
_SOURCES: dict[str, WaitingSource] = {}
_PENDING: dict[str, PendingQuery] = {}
_ACTIONS: dict[str, ItemAction] = {}


def register_waiting_source(
    kind: str,
    source: WaitingSource,
    action: ItemAction | None = None,
    pending: PendingQuery | None = None,
) -> None:
    """Add a kind of waiting item to every client's list. The source must return only what
    `user` may see and must decide on. `action` is its optional single-click action; `pending`
    the unevaluated queryset of the same rows, which lets the navigation badge count every kind
    in one query (a kind without it is counted by running its source)."""
    _SOURCES[kind] = source
    if action is not None:
        _ACTIONS[kind] = action
    if pending is not None:
        _PENDING[kind] = pending


def waiting_items_for(*, user: User) -> list[WaitingItem]:
    """Everything waiting for `user`, oldest first (then by due date, then by key)."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return []
    items = [item for source in _SOURCES.values() for item in source(user)]
    return sorted(items, key=lambda item: (item.since, item.due or date.max, item.key))


def waiting_count_for(*, user: User) -> int:
    """How many items wait for `user`: one UNION ALL query over the kinds that offer their
    pending queryset, plus the sources of any kind that does not."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return 0
    counted = sum(len(source(user)) for kind, source in _SOURCES.items() if kind not in _PENDING)
    querysets = [
        pending(user).order_by().values_list("pk", flat=True) for pending in _PENDING.values()
    ]
    if not querysets:
        return counted
    first, *rest = querysets
    return counted + first.union(*rest, all=True).count()


def has_action(kind: str) -> bool:
    return kind in _ACTIONS


def perform_action(*, actor: User, project: Project, kind: str, item_id: int) -> None:
    """Run the single-click action of one waiting item; NotFound for an unknown kind (or an
    item the actor cannot see), the owning service's error otherwise."""
    action = _ACTIONS.get(kind)
    if action is None:
        raise NotFound()
    action(actor, project, item_id)


def _as_datetime(value: date | datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value
    if value is None:
        return timezone.now()
    return datetime.combine(value, time.min, tzinfo=timezone.get_current_timezone())


# --- The sources of the capability apps -------------------------------------------------------


def _requirements(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="requirement",
            key=f"requirement:{requirement.pk}",
            pk=requirement.pk,
            icon="bi-card-checklist",
            title=_("Confirm %(reference)s: %(title)s")
            % {"reference": requirement.reference, "title": requirement.title},
            project=requirement.project,
            since=requirement.updated_at,
            due=None,
            url=reverse("portal:requirement", args=[requirement.project_id, requirement.pk]),
            action_label=_("Confirm"),
        )
        for requirement in requirements_awaiting_confirmation_for(user=user)
    ]


def _confirm_requirement(actor: User, project: Project, item_id: int) -> None:
    requirement = requirement_get_for(user=actor, project=project, requirement_id=item_id)
    # The person confirms the text the list showed them: the current version.
    requirement_confirm(actor=actor, requirement=requirement, version=requirement.version)


def _change_requests(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="change_request",
            key=f"change_request:{change.pk}",
            pk=change.pk,
            icon="bi-arrow-left-right",
            title=_("Approve or reject the change %(reference)s: %(title)s")
            % {"reference": change.reference, "title": change.title},
            project=change.project,
            since=change.requested_at,
            due=None,
            url=reverse("portal:change_request", args=[change.project_id, change.pk]),
        )
        for change in change_requests_awaiting_decision_for(user=user)
    ]


def _deliverables(user: User) -> list[WaitingItem]:
    open_round = AcceptanceRound.objects.filter(deliverable=OuterRef("pk"), decision="").order_by(
        "-number"
    )
    deliverables = deliverables_awaiting_decision_for(user=user).annotate(
        deemed_due=Subquery(open_round.values("deemed_acceptance_due")[:1])
    )
    return [
        WaitingItem(
            kind="deliverable",
            key=f"deliverable:{deliverable.pk}",
            pk=deliverable.pk,
            icon="bi-box-seam",
            title=_("Accept or reject: %(name)s") % {"name": deliverable.name},
            project=deliverable.project,
            since=_as_datetime(deliverable.submitted_at),
            due=deliverable.deemed_due,
            url=reverse("portal:deliverable", args=[deliverable.project_id, deliverable.pk]),
            context=deliverable.milestone.name,
        )
        for deliverable in deliverables
    ]


def _gates(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="gate",
            key=f"gate:{gate.pk}",
            pk=gate.pk,
            icon="bi-signpost-split",
            title=_("Approve the move to %(phase)s") % {"phase": gate.get_to_phase_display()},
            project=gate.project,
            since=gate.requested_at,
            due=None,
            url=reverse("portal:gate", args=[gate.project_id, gate.pk]),
        )
        for gate in gates_awaiting_decision_for(user=user)
    ]


def _final_acceptances(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="final_acceptance",
            key=f"final_acceptance:{request.pk}",
            pk=request.pk,
            icon="bi-patch-check",
            title=_("Give final acceptance of the project"),
            project=request.project,
            since=request.requested_at,
            due=None,
            url=reverse("portal:closeout", args=[request.project_id]),
        )
        for request in closure_requests_awaiting_decision_for(user=user)
    ]


def _surveys(user: User) -> list[WaitingItem]:
    invitations = _pending_surveys(user)
    return [
        WaitingItem(
            kind="survey",
            key=f"survey:{invitation.pk}",
            pk=invitation.pk,
            icon="bi-ui-checks",
            title=_("Answer the survey: %(name)s") % {"name": invitation.campaign.name},
            project=invitation.campaign.project,
            since=_as_datetime(invitation.sent_at),
            due=timezone.localdate(invitation.campaign.closes_at)
            if invitation.campaign.closes_at
            else None,
            url=reverse("feedback:portal_surveys"),
        )
        for invitation in invitations
    ]


def _tickets(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="ticket",
            key=f"ticket:{ticket.pk}",
            pk=ticket.pk,
            icon="bi-chat-square-heart",
            title=_("Confirm the resolution of %(reference)s: %(title)s")
            % {"reference": ticket.reference, "title": ticket.title},
            project=ticket.project,
            since=_as_datetime(ticket.resolved_at),
            due=None,
            url=reverse("feedback:portal_ticket", args=[ticket.project_id, ticket.pk]),
            action_label=_("Confirm it is resolved"),
        )
        for ticket in tickets_awaiting_confirmation_for(user=user)
    ]


def _confirm_ticket(actor: User, project: Project, item_id: int) -> None:
    ticket = ticket_get_for(user=actor, project=project, ticket_id=item_id)
    ticket_confirm(actor=actor, ticket=ticket)


def _action_items(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="action_item",
            key=f"action_item:{item.pk}",
            pk=item.pk,
            icon="bi-check2-square",
            title=_("Action from %(meeting)s: %(text)s")
            % {"meeting": item.meeting.title, "text": item.text},
            project=item.meeting.project,
            since=item.meeting.starts_at,
            due=item.due_date,
            url=reverse("stakeholders:portal_todo"),
            action_label=_("Mark done"),
        )
        for item in _pending_action_items(user)
    ]


def _complete_action_item(actor: User, project: Project, item_id: int) -> None:
    item = action_item_get_for(user=actor, item_id=item_id)
    if item.meeting.project_id != project.pk or item.owner_id != actor.pk:
        raise NotFound()
    action_item_set_done(actor=actor, item=item, is_done=True)


def _client_tasks(user: User) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="client_task",
            key=f"client_task:{task.pk}",
            pk=task.pk,
            icon="bi-person-check",
            title=_("Your side's task: %(name)s") % {"name": task.name},
            project=task.project,
            since=_as_datetime(task.start_date or task.created_at),
            due=task.due_date,
            url=reverse("portal:project_timeline", args=[task.project_id]),
            action_label=_("Mark done"),
        )
        for task in _pending_client_tasks(user)
    ]


def _complete_client_task(actor: User, project: Project, item_id: int) -> None:
    task = task_get_for(user=actor, project=project, task_id=item_id)
    if task.owner_side != task.OwnerSide.CLIENT:
        raise NotFound()
    task_update(actor=actor, task=task, changes={"status": task.Status.DONE})


def _pending_client_tasks(user: User) -> QuerySet[Any]:
    return client_tasks_awaiting_for(user=user, today=timezone.localdate())


def _pending_surveys(user: User) -> QuerySet[Any]:
    return open_invitations_for(user=user).filter(responded_at__isnull=True)


def _pending_action_items(user: User) -> QuerySet[Any]:
    return open_action_items_for(user=user).filter(meeting__project__is_archived=False)


register_waiting_source(
    "requirement",
    _requirements,
    _confirm_requirement,
    lambda user: requirements_awaiting_confirmation_for(user=user),
)
register_waiting_source(
    "change_request",
    _change_requests,
    pending=lambda user: change_requests_awaiting_decision_for(user=user),
)
register_waiting_source(
    "deliverable", _deliverables, pending=lambda user: deliverables_awaiting_decision_for(user=user)
)
register_waiting_source("gate", _gates, pending=lambda user: gates_awaiting_decision_for(user=user))
register_waiting_source(
    "final_acceptance",
    _final_acceptances,
    pending=lambda user: closure_requests_awaiting_decision_for(user=user),
)
register_waiting_source("survey", _surveys, pending=_pending_surveys)
register_waiting_source(
    "ticket", _tickets, _confirm_ticket, lambda user: tickets_awaiting_confirmation_for(user=user)
)
register_waiting_source("action_item", _action_items, _complete_action_item, _pending_action_items)
register_waiting_source("client_task", _client_tasks, _complete_client_task, _pending_client_tasks)
