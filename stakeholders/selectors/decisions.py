"""The decision log of a project: one chronological list of what was decided, by whom, on which
side and when, gathered from several sources.

A source is a callable `(project, client_only) -> list[Decision]` that runs one query (its rows
select_related what they show). Apps add theirs with `register_decision_source`: requirements
(confirmed) and change requests (approved or rejected) plug in the same way as the three here
(accepted deliverables, decided phase gates, meeting decisions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import AcceptanceRound, Baseline, PhaseGate, Visibility
from stakeholders.models import ChangeRequest, Confirmation, MeetingDecision, Side

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from accounts.models import User
    from projects.models import Project


@dataclass(frozen=True)
class Decision:
    decided_at: datetime
    kind: str | Promise
    text: str
    decided_by: str
    side: str | Promise
    staff_url: str
    portal_url: str | None


DecisionSource = Callable[["Project", bool], list[Decision]]
_SOURCES: list[DecisionSource] = []


def register_decision_source(source: DecisionSource) -> DecisionSource:
    """Add a source to every project's decision log (usable as a decorator). With
    client_only=True it must return only what the client may see."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def decision_sources() -> list[DecisionSource]:
    return list(_SOURCES)


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def _side_of(user: User | None) -> Promise:
    if user is not None and user.side == "client":
        return Side.CLIENT.label
    return Side.PROVIDER.label


@register_decision_source
def accepted_deliverables(project: Project, client_only: bool) -> list[Decision]:
    rounds = AcceptanceRound.objects.filter(
        deliverable__project=project,
        decision__in=[AcceptanceRound.Decision.ACCEPTED, AcceptanceRound.Decision.DEEMED_ACCEPTED],
        decided_at__isnull=False,
    ).select_related("deliverable", "decided_by")
    if client_only:
        rounds = rounds.filter(deliverable__visibility=Visibility.CLIENT)

    def args(r: AcceptanceRound) -> tuple[int, int]:
        return (project.pk, r.deliverable_id)

    return [
        Decision(
            decided_at=r.decided_at,
            kind=_("Deliverable accepted")
            if r.decision == AcceptanceRound.Decision.ACCEPTED
            else _("Deliverable deemed accepted"),
            text=r.deliverable.name,
            decided_by=_name(r.decided_by),
            side=Side.CLIENT.label,
            staff_url=reverse("projects:deliverable", args=args(r)),
            portal_url=reverse("portal:deliverable", args=args(r)),
        )
        for r in rounds
        if r.decided_at is not None  # always: the query keeps decided rounds only
    ]


@register_decision_source
def decided_gates(project: Project, client_only: bool) -> list[Decision]:
    gates = PhaseGate.objects.filter(
        project=project,
        status__in=[PhaseGate.Status.PASSED, PhaseGate.Status.REFUSED],
    ).select_related("decided_by", "requested_by")
    # A gate that needs no client approval passes on the PM's request: decided then, by them.
    return [
        Decision(
            decided_at=gate.decided_at or gate.requested_at,
            kind=_("Phase gate passed")
            if gate.status == PhaseGate.Status.PASSED
            else _("Phase gate refused"),
            text=f"{gate.get_from_phase_display()} → {gate.get_to_phase_display()}",
            decided_by=_name(gate.decided_by or gate.requested_by),
            side=_side_of(gate.decided_by or gate.requested_by),
            staff_url=reverse("projects:plan", args=(project.pk,)),
            portal_url=reverse("portal:gate", args=(project.pk, gate.pk)),
        )
        for gate in gates
    ]


@register_decision_source
def meeting_decisions(project: Project, client_only: bool) -> list[Decision]:
    decisions = MeetingDecision.objects.filter(meeting__project=project).select_related(
        "meeting", "recorded_by"
    )
    if client_only:
        decisions = decisions.filter(
            meeting__visibility=Visibility.CLIENT, meeting__minutes_visibility=Visibility.CLIENT
        )
    return [
        Decision(
            decided_at=d.recorded_at,
            kind=_("Meeting decision"),
            text=d.text,
            decided_by=d.meeting.title,
            side=d.get_decided_by_display(),
            staff_url=reverse("stakeholders:meeting", args=(project.pk, d.meeting_id)),
            portal_url=reverse("stakeholders:portal_meeting", args=(project.pk, d.meeting_id)),
        )
        for d in decisions
    ]


@register_decision_source
def confirmed_requirements(project: Project, client_only: bool) -> list[Decision]:
    """Every sign-off of a requirement by the client (each confirmed version is a decision)."""
    confirmations = Confirmation.objects.filter(requirement__project=project).select_related(
        "requirement", "confirmed_by"
    )
    if client_only:
        confirmations = confirmations.filter(requirement__visibility=Visibility.CLIENT)
    return [
        Decision(
            decided_at=c.confirmed_at,
            kind=_("Requirement confirmed"),
            text=f"{c.requirement.reference} (v{c.version}): {c.title}",
            decided_by=_name(c.confirmed_by),
            side=Side.CLIENT.label,
            staff_url=reverse("stakeholders:requirement", args=(project.pk, c.requirement_id)),
            portal_url=reverse("portal:requirement", args=(project.pk, c.requirement_id)),
        )
        for c in confirmations
    ]


@register_decision_source
def decided_change_requests(project: Project, client_only: bool) -> list[Decision]:
    """Change requests approved by both sides (when applied) or rejected (by either side)."""
    changes = (
        ChangeRequest.objects.filter(project=project)
        .filter(Q(applied_at__isnull=False) | Q(rejected_at__isnull=False))
        .select_related("client_approved_by", "rejected_by")
    )
    if client_only:
        changes = changes.filter(visibility=Visibility.CLIENT)
    decisions = []
    for change in changes:
        decided_at = change.applied_at or change.rejected_at
        if decided_at is None:  # never: the query keeps decided ones only
            continue
        approved = change.applied_at is not None
        decided_by = change.client_approved_by if approved else change.rejected_by
        decisions.append(
            Decision(
                decided_at=decided_at,
                kind=_("Change request approved") if approved else _("Change request rejected"),
                text=f"{change.reference}: {change.title}",
                decided_by=_name(decided_by),
                side=_("Both sides") if approved else _side_of(decided_by),
                staff_url=reverse("stakeholders:change_request", args=(project.pk, change.pk)),
                portal_url=reverse("portal:change_request", args=(project.pk, change.pk)),
            )
        )
    return decisions


@register_decision_source
def baselines(project: Project, client_only: bool) -> list[Decision]:
    """Each baseline: the first, set by the PM, and each re-baseline of an approved change
    request (agreed by both sides). Clients read them all: the plan agreed with them."""
    rows = Baseline.objects.filter(project=project).select_related("set_by")
    decisions = []
    for baseline in rows:
        values = {"number": baseline.number, "reason": baseline.reason}
        decisions.append(
            Decision(
                decided_at=baseline.set_at,
                kind=_("Plan re-baselined") if baseline.change_reference else _("Baseline set"),
                text=str(_("Baseline %(number)d: %(reason)s") % values),
                decided_by=_name(baseline.set_by),
                side=_("Both sides") if baseline.change_reference else Side.PROVIDER.label,
                staff_url=reverse("projects:baselines", args=(project.pk,))
                + f"?to={baseline.number}",
                portal_url=reverse("portal:project_baselines", args=(project.pk,))
                + f"?to={baseline.number}",
            )
        )
    return decisions


def decision_log_for(*, user: User, project: Project) -> list[Decision]:
    """Every decision of the project the user may see, latest first: one query per source.
    Raises NotFound if the user may not open the project."""
    from common.errors import NotFound
    from projects.permissions import can_view_internal_items, can_view_project

    if not can_view_project(user, project):
        raise NotFound
    client_only = not can_view_internal_items(user, project)
    decisions = [d for source in _SOURCES for d in source(project, client_only)]
    return sorted(decisions, key=lambda d: d.decided_at, reverse=True)
