"""Writes for change requests: raise, assess, approve (per side), reject.

The life of a change request: submitted → assessed (the PM fills in the impact on schedule, cost
and scope) → approved once BOTH sides approved (the PM for the provider, the client admin for the
client), or rejected by either side with a reason. An internal draft (visibility internal) is the
team's and cannot be approved until the PM shares it with the client (by assessing it as
client-visible).

When the second approval lands, in the same transaction as the approval:
- each impacted milestone's current `due_date` moves by its days, and the plan follows
  (projects.services.rescheduling: the tasks tied to a milestone moved earlier, the successors
  they push, milestones their tasks pass);
- the project's current `end_date` moves to the latest moved milestone due date when that is
  later than the end date (the plan must hold its milestones); it never moves earlier, since a
  shorter milestone does not shorten the contracted project on its own;
- the budget grows (or shrinks, never below zero) by the cost impact, recorded as a
  `BudgetChange` split into added scope and contingency (`contingency_impact`), so that earned
  value keeps the work already done at its value;
- the baseline moves only when the assessment said so (`rebaseline`): then the plan as it now
  stands becomes a new baseline (projects.services.baselines), which the change request links
  and the decision log shows; otherwise the baseline stays and the move reads as slippage;
- `applied_at` is set, so approving again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.events import EventType, emit
from common.history import set_history_user
from common.revisions import check_revision
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.models import (
    CLIENT_ROLES,
    BudgetChange,
    Membership,
    Milestone,
    Project,
    Role,
    Visibility,
)
from projects.permissions import (
    can_approve_change_for_client,
    can_approve_change_for_provider,
    can_edit_plan,
    can_submit_requirement,
    can_view_internal_items,
)
from projects.services.baselines import baseline_for_change
from projects.services.notify import project_pms
from projects.services.rescheduling import reschedule_after_milestone_moves
from stakeholders.models import ChangeRequest, Requirement, ScheduleImpact

if TYPE_CHECKING:
    from accounts.models import User

OPEN = (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.ASSESSED)


def _linkable_requirements(
    actor: User, project: Project, requirement_ids: Iterable[int]
) -> list[Requirement]:
    """The requirements `actor` may link: of this project and visible to them (a client links
    only client-visible ones). An unknown or hidden id is refused, never silently dropped."""
    from stakeholders.selectors.requirements import requirement_list_for

    wanted = {int(pk) for pk in requirement_ids}
    found = list(requirement_list_for(user=actor, project=project).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise InvalidInput(
            _("Link only requirements of this project that you can see."), field="requirements"
        )
    return found


@transaction.atomic
def change_request_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str = "",
    reason: str = "",
    visibility: str = Visibility.CLIENT,
    requirements: Iterable[int] = (),
) -> ChangeRequest:
    """Anyone who may raise a requirement raises a change request (the team, the client admin or
    representative). The side is the actor's; a client's request is always client-visible, and
    only the team may keep an internal draft."""
    if not can_submit_requirement(actor, project):
        raise NotAllowed()
    title = title.strip()
    if not title:
        raise InvalidInput(_("Give the change request a title."), field="title")
    internal_side = can_view_internal_items(actor, project)
    if visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if not internal_side:
        visibility = Visibility.CLIENT
    linked = _linkable_requirements(actor, project, requirements)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    last = locked.change_requests.aggregate(last=Max("number"))["last"] or 0
    cr = ChangeRequest(
        project=locked,
        number=last + 1,
        title=title,
        description=description.strip(),
        reason=reason.strip(),
        requested_by=actor,
        requested_side=(
            ChangeRequest.Side.PROVIDER if internal_side else ChangeRequest.Side.CLIENT
        ),
        visibility=visibility,
    )
    set_history_user(cr, actor)
    cr.save()
    cr.requirements.set(linked)
    if visibility == Visibility.CLIENT:
        _notify(cr, _staff_or_client(cr, provider=not internal_side), event="submitted", by=actor)
    return cr


@transaction.atomic
def change_request_assess(
    *,
    actor: User,
    change_request: ChangeRequest,
    scope_impact: str,
    cost_impact: Decimal,
    schedule: dict[int, int],
    internal_note: str = "",
    visibility: str | None = None,
    requirements: Iterable[int] | None = None,
    revision: int | None = None,
    contingency_impact: Decimal | None = None,
    rebaseline: bool | None = None,
) -> ChangeRequest:
    """The PM states the impact: on scope (text), cost (may be negative) and, per milestone of the
    project, the days it moves (may be negative; 0 removes it), and which requirements the change
    touches (None keeps the links). `contingency_impact` is the part of the cost that is
    contingency (between 0 and the cost, on the cost's side of zero; None keeps it), and
    `rebaseline` whether the approval makes the plan a new baseline (None keeps it). May be
    redone until a side approved; `internal_note` is the team's cost breakdown, never shown to
    the client. With `revision`, EditConflict if someone saved the change request since that
    revision."""
    cr = _lock(change_request)
    if not can_edit_plan(actor, cr.project):
        raise NotAllowed()
    check_revision(cr, revision)
    if cr.status not in OPEN or cr.provider_approved_at or cr.client_approved_at:
        raise InvalidTransition(_("Only an open change request without approvals is assessed."))
    milestones = {m.pk: m for m in Milestone.objects.filter(project=cr.project, pk__in=schedule)}
    unknown = set(schedule) - set(milestones)
    if unknown:
        raise InvalidInput(_("Unknown milestone."), field="schedule")
    if visibility is not None and visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    linked = (
        None if requirements is None else _linkable_requirements(actor, cr.project, requirements)
    )
    cost = Decimal(cost_impact)
    contingency = cr.contingency_impact if contingency_impact is None else contingency_impact
    contingency = Decimal(contingency)
    if not min(cost, Decimal(0)) <= contingency <= max(cost, Decimal(0)):
        raise InvalidInput(
            _("The contingency is part of the cost: between 0 and the impact on cost."),
            field="contingency_impact",
        )
    cr.scope_impact = scope_impact.strip()
    cr.cost_impact = cost
    cr.contingency_impact = contingency
    if rebaseline is not None:
        cr.rebaseline = bool(rebaseline)
    cr.internal_note = internal_note.strip()
    if visibility is not None:
        cr.visibility = visibility
    cr.status = ChangeRequest.Status.ASSESSED
    cr.assessed_by = actor
    cr.assessed_at = timezone.now()
    set_history_user(cr, actor)
    cr.save()
    if linked is not None:
        cr.requirements.set(linked)
    cr.schedule_impacts.all().delete()
    ScheduleImpact.objects.bulk_create(
        ScheduleImpact(change_request=cr, milestone=milestones[pk], days=days)
        for pk, days in schedule.items()
        if days
    )
    if cr.visibility == Visibility.CLIENT:
        _notify(cr, _client_admins(cr), event="assessed", by=actor)
    return cr


@transaction.atomic
def change_request_approve(*, actor: User, change_request: ChangeRequest) -> ChangeRequest:
    """The PM approves for the provider, the client admin for the client (the side follows the
    actor's role). Only an assessed, client-visible request is approved. The second approval
    applies the change to the current plan (see the module's notes); approving again, or a side
    approving twice, changes nothing."""
    cr = _lock(change_request)
    project = cr.project
    if can_approve_change_for_provider(actor, project):
        side = ChangeRequest.Side.PROVIDER
    elif can_approve_change_for_client(actor, project):
        side = ChangeRequest.Side.CLIENT
    else:
        raise NotAllowed()
    if cr.status == ChangeRequest.Status.APPROVED:
        return cr
    if cr.status != ChangeRequest.Status.ASSESSED:
        raise InvalidTransition(_("Only an assessed change request is approved."))
    if cr.visibility != Visibility.CLIENT:
        raise InvalidTransition(_("Share the change request with the client first."))
    now = timezone.now()
    if side == ChangeRequest.Side.PROVIDER:
        if cr.provider_approved_at:
            return cr
        cr.provider_approved_by, cr.provider_approved_at = actor, now
    else:
        if cr.client_approved_at:
            return cr
        cr.client_approved_by, cr.client_approved_at = actor, now
    both = bool(cr.provider_approved_at and cr.client_approved_at)
    if both:
        cr.status = ChangeRequest.Status.APPROVED
        _apply(cr, actor=actor)
        cr.applied_at = now
    set_history_user(cr, actor)
    cr.save()
    if both:
        _notify(cr, _everyone(cr), event="applied", by=actor)
        _emit(cr, EventType.CHANGE_REQUEST_APPROVED)
    else:
        recipients = _staff_or_client(cr, provider=side == ChangeRequest.Side.CLIENT)
        _notify(cr, recipients, event="approved_one_side", by=actor)
    return cr


@transaction.atomic
def change_request_reject(
    *, actor: User, change_request: ChangeRequest, reason: str
) -> ChangeRequest:
    """Either side (the PM or the client admin) rejects an open request, saying why. Nothing of
    the plan changes."""
    cr = _lock(change_request)
    project = cr.project
    if not (
        can_approve_change_for_provider(actor, project)
        or can_approve_change_for_client(actor, project)
    ):
        raise NotAllowed()
    if cr.status not in OPEN:
        raise InvalidTransition(_("This change request is already decided."))
    if not can_view_internal_items(actor, project) and cr.visibility != Visibility.CLIENT:
        raise NotAllowed()
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the change request is rejected."), field="reason")
    cr.status = ChangeRequest.Status.REJECTED
    cr.rejected_by, cr.rejected_at, cr.rejection_reason = actor, timezone.now(), reason
    set_history_user(cr, actor)
    cr.save()
    recipients = _everyone(cr) if cr.visibility == Visibility.CLIENT else project_pms(cr.project_id)
    _notify(cr, recipients, event="rejected", by=actor)
    _emit(cr, EventType.CHANGE_REQUEST_REJECTED, reason=reason)
    return cr


# --- Helpers ------------------------------------------------------------------------------------


def _emit(cr: ChangeRequest, event_type: EventType, **extra: str) -> None:
    """Announce a decided change request; what a client reads of it, for a shared one only."""
    emit(
        event_type,
        project=cr.project,
        client_visible=cr.visibility == Visibility.CLIENT,
        data={
            "change_request": {
                "id": cr.pk,
                "number": cr.number,
                "title": cr.title,
                "status": cr.status,
                "rebaseline": cr.rebaseline,
            },
            **extra,
        },
    )


def _lock(change_request: ChangeRequest) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=change_request.pk)
    )


def _apply(cr: ChangeRequest, *, actor: User) -> None:
    impacts = list(cr.schedule_impacts.all())
    moved = {i.milestone_id: i.days for i in impacts}
    latest = None
    before: dict[int, date] = {}
    for milestone in Milestone.objects.select_for_update().filter(pk__in=moved):
        before[milestone.pk] = milestone.due_date
        milestone.due_date = milestone.due_date + timedelta(days=moved[milestone.pk])
        set_history_user(milestone, actor)
        milestone.save(update_fields=["due_date"])
        latest = milestone.due_date if latest is None else max(latest, milestone.due_date)
    project = Project.objects.select_for_update().get(pk=cr.project_id)
    # The plan follows: tasks tied to a milestone moved earlier, the successors they push, and
    # milestones their tasks now pass (projects.services.rescheduling).
    if before:
        for move in reschedule_after_milestone_moves(actor=actor, project=project, moved=before):
            if move.kind == "milestone" and move.new_due is not None:
                latest = move.new_due if latest is None else max(latest, move.new_due)
    fields = []
    if latest is not None and project.end_date is not None and latest > project.end_date:
        project.end_date = latest
        fields.append("end_date")
    if cr.cost_impact and project.budget is not None:
        project.budget = max(Decimal(0), project.budget + cr.cost_impact)
        fields.append("budget")
        BudgetChange.objects.create(
            project=project,
            change_reference=cr.reference,
            title=cr.title,
            scope_amount=cr.cost_impact - cr.contingency_impact,
            contingency_amount=cr.contingency_impact,
        )
    if fields:
        set_history_user(project, actor)
        project.save(update_fields=[*fields, "updated_at"])
    if cr.rebaseline:
        cr.baseline = baseline_for_change(
            actor=actor, project=project, change_reference=cr.reference, title=cr.title
        )


def _members(cr: ChangeRequest, roles: list[str] | tuple[str, ...]) -> list[User]:
    memberships = Membership.objects.filter(
        project_id=cr.project_id, role__in=roles, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def _client_admins(cr: ChangeRequest) -> list[User]:
    return _members(cr, [Role.CLIENT_ADMIN])


def _staff_or_client(cr: ChangeRequest, *, provider: bool) -> list[User]:
    return project_pms(cr.project_id) if provider else _client_admins(cr)


def _everyone(cr: ChangeRequest) -> list[User]:
    people = {u.pk: u for u in _members(cr, [Role.PM, Role.CLIENT_ADMIN])}
    if cr.requested_by.is_active:
        people.setdefault(cr.requested_by_id, cr.requested_by)
    return list(people.values())


def _notify(cr: ChangeRequest, people: list[User], *, event: str, by: User) -> None:
    for person in people:
        if person.pk == by.pk:
            continue
        client = bool(person.project_roles.get(cr.project_id) in CLIENT_ROLES)
        if client and cr.visibility != Visibility.CLIENT:
            continue
        if client:
            url = reverse(
                "portal:change_request", kwargs={"project_id": cr.project_id, "cr_id": cr.pk}
            )
        else:
            url = reverse(
                "stakeholders:change_request",
                kwargs={"project_id": cr.project_id, "cr_id": cr.pk},
            )
        with translation.override(person.language):
            title = _title(cr, event, by)
        notify(
            user=person,
            kind=NotificationKind.CHANGE_REQUEST,
            outbox_kind="change_request",
            title=title,
            url=url,
            email_template="stakeholders/email/change_request",
            context={
                "person": person,
                "cr": cr,
                "project": cr.project,
                "event": event,
                "title": title,
                "path": url,
            },
            dedupe_key=f"change-request:{cr.pk}:{event}:{person.pk}",
        )


def _title(cr: ChangeRequest, event: str, by: User) -> str:
    values = {"ref": cr.reference, "title": cr.title, "person": by.display_name}
    if event == "submitted":
        return _("%(person)s raised %(ref)s: %(title)s") % values
    if event == "assessed":
        return _("%(ref)s %(title)s is assessed and awaits your approval") % values
    if event == "approved_one_side":
        return _("%(person)s approved %(ref)s %(title)s; it awaits your approval") % values
    if event == "applied":
        return _("%(ref)s %(title)s is approved by both sides and applied to the plan") % values
    return _("%(person)s rejected %(ref)s %(title)s") % values
