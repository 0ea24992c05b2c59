"""Reads of the portal: the client-side audit log and "what happened since your last visit".

Both read through the owning apps' models with the visibility rules of the permission layer:
only client-visible items, only the project asked for, one query per source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BigIntegerField,
    DateTimeField,
    F,
    Field,
    IntegerField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import NotFound
from feedback.models import FeedbackTicket
from portal.models import ClientResponseTime, ProjectVisit
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
from projects.waits import wait_rows
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


# The columns of the audit log's union: the source, the time of the act, who acted (their name
# and e-mail address), four texts, a number, two keys and a second moment to order by.
_AUDIT_COLUMN_TYPES: dict[str, type[Field[Any, Any]]] = {
    "a_source": IntegerField,
    "a_at": DateTimeField,
    "a_who_name": TextField,
    "a_who_email": TextField,
    "a_text1": TextField,
    "a_text2": TextField,
    "a_text3": TextField,
    "a_text4": TextField,
    "a_number": BigIntegerField,
    "a_key1": BigIntegerField,
    "a_key2": BigIntegerField,
    "a_at2": DateTimeField,
}


def _audit_rows(queryset: QuerySet[Any], source: int, who: str, **columns: str) -> QuerySet[Any]:
    """`queryset` as rows of the audit log's union: `who` the person who acted, `columns` the
    other columns by field name, the rest null (typed: a union's column takes one type)."""
    fields = {"a_who_name": f"{who}__display_name", "a_who_email": f"{who}__email", **columns}
    annotations = {
        name: Cast(F(fields[name]), kind())
        if name in fields
        else Cast(Value(source if name == "a_source" else None), kind())
        for name, kind in _AUDIT_COLUMN_TYPES.items()
    }
    rows: QuerySet[Any] = queryset.order_by().annotate(**annotations).values(*_AUDIT_COLUMN_TYPES)
    return rows


def _display(model: type[Any], field: str, value: object) -> str:
    """The choice label of `value` in `model.field` (as get_FOO_display gives it)."""
    return str(dict(model._meta.get_field(field).flatchoices).get(value, value))


def _person(name: str | None, email: str | None) -> str:
    """A person as str(User) shows them."""
    return name or str(email)


def client_audit_log_for(*, user: User, project: Project) -> list[AuditEntry]:
    """Who on the client side approved, confirmed, accepted or rejected what in `project`, and
    the membership changes made by client admins, latest first. NotFound unless `user` may read
    it (the client admin, the PM and the AM of the project). One query: every source in a union,
    each source's rows in its model's order before the entries are sorted by time."""
    if not can_view_project(user, project) or not can_view_client_audit_log(user, project):
        raise NotFound()
    pid = project.pk
    sources = [
        _audit_rows(
            Confirmation.objects.filter(
                requirement__project=project,
                requirement__visibility=Visibility.CLIENT,
                **_client_user_q(project, "confirmed_by"),
            ),
            0,
            "confirmed_by",
            a_at="confirmed_at",
            a_text1="title",
            a_number="requirement__number",
            a_key1="requirement_id",
            a_key2="version",
        ),
        _audit_rows(
            AcceptanceRound.objects.filter(
                deliverable__project=project,
                deliverable__visibility=Visibility.CLIENT,
                decided_at__isnull=False,
                **_client_user_q(project, "decided_by"),
            ),
            1,
            "decided_by",
            a_at="decided_at",
            a_text1="decision",
            a_text2="deliverable__name",
            a_number="number",
            a_key1="deliverable_id",
        ),
        # The approvals, then the rejections, by client people.
        _audit_rows(
            ChangeRequest.objects.filter(
                project=project,
                visibility=Visibility.CLIENT,
                client_approved_at__isnull=False,
                **_client_user_q(project, "client_approved_by"),
            ),
            2,
            "client_approved_by",
            a_at="client_approved_at",
            a_text1="title",
            a_number="number",
            a_key1="id",
        ),
        _audit_rows(
            ChangeRequest.objects.filter(
                project=project,
                visibility=Visibility.CLIENT,
                rejected_at__isnull=False,
                **_client_user_q(project, "rejected_by"),
            ),
            3,
            "rejected_by",
            a_at="rejected_at",
            a_text1="title",
            a_number="number",
            a_key1="id",
        ),
        _audit_rows(
            PhaseGate.objects.filter(
                project=project, decided_at__isnull=False, **_client_user_q(project, "decided_by")
            ),
            4,
            "decided_by",
            a_at="decided_at",
            a_text1="status",
            a_text2="to_phase",
            a_key1="id",
            a_at2="requested_at",
        ),
        _audit_rows(
            FeedbackTicket.objects.filter(
                project=project,
                visibility=Visibility.CLIENT,
                confirmed_at__isnull=False,
                **_client_user_q(project, "confirmed_by"),
            ),
            5,
            "confirmed_by",
            a_at="confirmed_at",
            a_text1="title",
            a_number="number",
            a_key1="id",
            a_at2="raised_at",
        ),
        _audit_rows(
            Invitation.objects.filter(project=project, **_client_user_q(project, "invited_by")),
            6,
            "invited_by",
            a_at="created_at",
            a_text1="role",
            a_text2="email",
            a_key1="id",
        ),
        _audit_rows(
            Membership.history.model.objects.filter(
                project_id=pid,
                history_type__in=["~", "-"],
                history_user__organization_id=project.client_id,
            ),
            7,
            "history_user",
            a_at="history_date",
            a_text1="history_type",
            a_text2="role",
            a_text3="user__display_name",
            a_text4="user__email",
            a_key1="history_id",
        ),
    ]
    first, *others = sources
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in first.union(*others, all=True):
        rows[row["a_source"]].append(row)
    # Each source in its model's order (what reading it alone gave).
    orders: dict[int, Callable[[list[dict[str, Any]]], list[dict[str, Any]]]] = {
        0: lambda found: sorted(
            sorted(found, key=lambda row: row["a_at"], reverse=True),
            key=lambda row: row["a_key1"],
        ),
        1: lambda found: sorted(found, key=lambda row: (row["a_key1"], row["a_number"])),
        2: lambda found: sorted(found, key=lambda row: row["a_number"], reverse=True),
        3: lambda found: sorted(found, key=lambda row: row["a_number"], reverse=True),
        4: lambda found: sorted(found, key=lambda row: (row["a_at2"], row["a_key1"]), reverse=True),
        5: lambda found: sorted(
            found, key=lambda row: (row["a_at2"], row["a_number"]), reverse=True
        ),
        6: lambda found: sorted(found, key=lambda row: (row["a_at"], row["a_key1"]), reverse=True),
        7: lambda found: sorted(found, key=lambda row: (row["a_at"], row["a_key1"]), reverse=True),
    }
    entries: list[AuditEntry] = []
    for source, order in orders.items():
        for row in order(rows[source]):
            entries.append(_audit_entry(source, row, pid))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _audit_entry(source: int, row: dict[str, Any], pid: int) -> AuditEntry:
    """The entry of one row of the audit log's union (`source`: its part)."""
    who = _person(row["a_who_name"], row["a_who_email"])
    at = _when(row["a_at"])
    if source == 0:
        return AuditEntry(
            at=at,
            who=who,
            action=_("confirmed (version %(version)s)") % {"version": row["a_key2"]},
            what=f"REQ-{row['a_number']} {row['a_text1']}",
            url=reverse("portal:requirement", args=[pid, row["a_key1"]]),
        )
    if source == 1:
        return AuditEntry(
            at=at,
            who=who,
            action=_display(AcceptanceRound, "decision", row["a_text1"]).lower(),
            what=row["a_text2"],
            url=reverse("portal:deliverable", args=[pid, row["a_key1"]]),
        )
    if source in (2, 3):
        return AuditEntry(
            at=at,
            who=who,
            action=_("approved") if source == 2 else _("rejected"),
            what=f"CR-{row['a_number']} {row['a_text1']}",
            url=reverse("portal:change_request", args=[pid, row["a_key1"]]),
        )
    if source == 4:
        return AuditEntry(
            at=at,
            who=who,
            action=_display(PhaseGate, "status", row["a_text1"]).lower(),
            what=_("Move to %(phase)s")
            % {"phase": _display(PhaseGate, "to_phase", row["a_text2"])},
            url=reverse("portal:gate", args=[pid, row["a_key1"]]),
        )
    if source == 5:
        return AuditEntry(
            at=at,
            who=who,
            action=_("confirmed the resolution"),
            what=f"FB-{row['a_number']} {row['a_text1']}",
            url=reverse("feedback:portal_ticket", args=[pid, row["a_key1"]]),
        )
    if source == 6:
        return AuditEntry(
            at=at,
            who=who,
            action=_("invited as %(role)s")
            % {"role": _display(Invitation, "role", row["a_text1"])},
            what=row["a_text2"],
            url="",
        )
    action = (
        _("removed the access of")
        if row["a_text1"] == "-"
        else _("set the role to %(role)s for")
        % {"role": _display(Membership, "role", row["a_text2"])}
    )
    return AuditEntry(
        at=at, who=who, action=action, what=_person(row["a_text3"], row["a_text4"]), url=""
    )


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


def with_client_response_days(projects: QuerySet[Project]) -> QuerySet[Project]:
    """`projects`, each with its response time in business days as `client_response_days`
    (None where none is set), read with them."""
    return projects.annotate(client_response_days=F("client_response_time__client_response_days"))


def client_response_days_rows(project_ids: list[int]) -> QuerySet[Any]:
    """The response times set for `project_ids`, as the rows the delay share reads in its
    union (projects.waits.ResponseDaysQuery): the project and its business days."""
    return wait_rows(
        ClientResponseTime.objects.filter(project_id__in=project_ids),
        w_project="project_id",
        w_number="client_response_days",
    )
