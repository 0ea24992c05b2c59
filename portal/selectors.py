"""Reads of the portal: the client-side audit log and "what happened since your last visit".

Both read through the owning apps' models with the visibility rules of the permission layer:
only client-visible items, only the project asked for, one query per source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import NotFound
from feedback.models import FeedbackTicket
from portal.models import ProjectVisit
from portal.permissions import can_view_client_audit_log
from projects.models import (
    AcceptanceRound,
    Document,
    Invitation,
    Membership,
    Milestone,
    PhaseGate,
    Role,
    Visibility,
)
from projects.permissions import can_view_project
from projects.selectors import document_list_for, membership_list_for, milestone_list_for
from stakeholders.models import ChangeRequest, Confirmation
from stakeholders.selectors.decisions import Decision, decision_log_for

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    action: str
    what: str
    url: str


def _when(moment: datetime | None) -> datetime:
    """The time of an act the query selected for having one."""
    if moment is None:
        raise ValueError("An audit entry needs the time of the act.")
    return moment


def _client_user_q(project: Project, field: str) -> dict[str, object]:
    """People of the project's client organisation acted (not the provider on their behalf)."""
    return {f"{field}__organization_id": project.client_id}


def client_audit_log_for(*, user: User, project: Project) -> list[AuditEntry]:
    """Who on the client side approved, confirmed, accepted or rejected what in `project`, and
    the membership changes made by client admins, latest first. NotFound unless `user` may read
    it (the client admin, the PM and the AM of the project)."""
    if not can_view_project(user, project) or not can_view_client_audit_log(user, project):
        raise NotFound()
    pid = project.pk
    entries: list[AuditEntry] = []
    for confirmation in Confirmation.objects.filter(
        requirement__project=project,
        requirement__visibility=Visibility.CLIENT,
        **_client_user_q(project, "confirmed_by"),
    ).select_related("requirement", "confirmed_by"):
        requirement = confirmation.requirement
        entries.append(
            AuditEntry(
                at=confirmation.confirmed_at,
                who=str(confirmation.confirmed_by),
                action=_("confirmed (version %(version)s)") % {"version": confirmation.version},
                what=f"{requirement.reference} {confirmation.title}",
                url=reverse("portal:requirement", args=[pid, requirement.pk]),
            )
        )
    for acceptance_round in AcceptanceRound.objects.filter(
        deliverable__project=project,
        deliverable__visibility=Visibility.CLIENT,
        decided_at__isnull=False,
        **_client_user_q(project, "decided_by"),
    ).select_related("deliverable", "decided_by"):
        entries.append(
            AuditEntry(
                at=_when(acceptance_round.decided_at),
                who=str(acceptance_round.decided_by),
                action=str(acceptance_round.get_decision_display()).lower(),
                what=acceptance_round.deliverable.name,
                url=reverse("portal:deliverable", args=[pid, acceptance_round.deliverable_id]),
            )
        )
    # The approvals and the rejections by client people, in one query.
    changes = (
        ChangeRequest.objects.filter(project=project, visibility=Visibility.CLIENT)
        .filter(
            Q(client_approved_at__isnull=False, **_client_user_q(project, "client_approved_by"))
            | Q(rejected_at__isnull=False, **_client_user_q(project, "rejected_by"))
        )
        .select_related("client_approved_by", "rejected_by")
    )
    approvals: list[AuditEntry] = []
    rejections: list[AuditEntry] = []
    for change in changes:
        approver, rejecter = change.client_approved_by, change.rejected_by
        if (
            change.client_approved_at is not None
            and approver is not None
            and approver.organization_id == project.client_id
        ):
            approvals.append(
                AuditEntry(
                    at=change.client_approved_at,
                    who=str(approver),
                    action=_("approved"),
                    what=f"{change.reference} {change.title}",
                    url=reverse("portal:change_request", args=[pid, change.pk]),
                )
            )
        if (
            change.rejected_at is not None
            and rejecter is not None
            and rejecter.organization_id == project.client_id
        ):
            rejections.append(
                AuditEntry(
                    at=change.rejected_at,
                    who=str(rejecter),
                    action=_("rejected"),
                    what=f"{change.reference} {change.title}",
                    url=reverse("portal:change_request", args=[pid, change.pk]),
                )
            )
    entries += approvals + rejections
    for gate in PhaseGate.objects.filter(
        project=project, decided_at__isnull=False, **_client_user_q(project, "decided_by")
    ).select_related("decided_by"):
        entries.append(
            AuditEntry(
                at=_when(gate.decided_at),
                who=str(gate.decided_by),
                action=str(gate.get_status_display()).lower(),
                what=_("Move to %(phase)s") % {"phase": gate.get_to_phase_display()},
                url=reverse("portal:gate", args=[pid, gate.pk]),
            )
        )
    for ticket in FeedbackTicket.objects.filter(
        project=project,
        visibility=Visibility.CLIENT,
        confirmed_at__isnull=False,
        **_client_user_q(project, "confirmed_by"),
    ).select_related("confirmed_by"):
        entries.append(
            AuditEntry(
                at=_when(ticket.confirmed_at),
                who=str(ticket.confirmed_by),
                action=_("confirmed the resolution"),
                what=f"{ticket.reference} {ticket.title}",
                url=reverse("feedback:portal_ticket", args=[pid, ticket.pk]),
            )
        )
    for invitation in Invitation.objects.filter(
        project=project, **_client_user_q(project, "invited_by")
    ).select_related("invited_by"):
        entries.append(
            AuditEntry(
                at=invitation.created_at,
                who=str(invitation.invited_by),
                action=_("invited as %(role)s") % {"role": invitation.get_role_display()},
                what=invitation.email,
                url="",
            )
        )
    history = Membership.history.model.objects.filter(
        project_id=pid,
        history_type__in=["~", "-"],
        history_user__organization_id=project.client_id,
    ).select_related("history_user", "user")
    for record in history:
        action = (
            _("removed the access of")
            if record.history_type == "-"
            else _("set the role to %(role)s for") % {"role": record.get_role_display()}
        )
        entries.append(
            AuditEntry(
                at=record.history_date,
                who=str(record.history_user),
                action=action,
                what=str(record.user),
                url="",
            )
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


@dataclass(frozen=True)
class ClientOverview:
    """The plain-language part of the client's project page."""

    since: datetime | None
    decisions_since: list[Decision]
    documents_since: list[Document]
    next_milestones: list[Milestone]
    team_contacts: list[Membership]


def previous_visit_of(*, user: User, project: Project) -> datetime | None:
    return (
        ProjectVisit.objects.filter(user=user, project=project)
        .values_list("visited_at", flat=True)
        .first()
    )


SINCE_LIMIT = 10


def client_overview_for(
    *,
    user: User,
    project: Project,
    since: datetime | None,
    documents: Sequence[Document] | None = None,
    milestones: Sequence[Milestone] | None = None,
    memberships: Sequence[Membership] | None = None,
) -> ClientOverview:
    """What happened since the person's last visit (decisions and documents they may see),
    what comes next (the next open milestones), and the team's contacts (the PM and the AM).
    A constant number of queries. A page that has already read the user's documents
    (document_list_for), milestones (milestone_list_for) or memberships (membership_list_for)
    passes them, and they are not read again."""
    if not can_view_project(user, project):
        raise NotFound()
    # On a first visit nothing is "new"; the same queries run, so the page's cost is constant.
    cutoff = since or timezone.now()
    log = decision_log_for(user=user, project=project)
    decisions = [decision for decision in log if decision.decided_at > cutoff]
    if documents is None:
        documents_since = list(
            document_list_for(user=user, project=project)
            .filter(created_at__gt=cutoff)
            .prefetch_related(None)[:SINCE_LIMIT]  # only the titles are shown
        )
    else:
        documents_since = [doc for doc in documents if doc.created_at > cutoff][:SINCE_LIMIT]
    if milestones is None:
        next_milestones = list(
            milestone_list_for(user=user, project=project)
            .exclude(status=Milestone.Status.COMPLETED)
            .order_by("due_date", "pk")[:3]
        )
    else:
        next_milestones = sorted(
            (m for m in milestones if m.status != Milestone.Status.COMPLETED),
            key=lambda milestone: (milestone.due_date, milestone.pk),
        )[:3]
    if memberships is None:
        team = list(
            membership_list_for(user=user, project=project).filter(role__in=[Role.PM, Role.AM])
        )
    else:
        team = [membership for membership in memberships if membership.role in (Role.PM, Role.AM)]
    return ClientOverview(
        since=since,
        decisions_since=decisions[:SINCE_LIMIT],
        documents_since=documents_since,
        next_milestones=next_milestones,
        team_contacts=team,
    )
