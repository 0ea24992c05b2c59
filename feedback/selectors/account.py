"""Reads for a client's account page: its projects, contacts, complaints, interactions and
opportunities (the account manager and staff admins only).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    QuerySet,
    Window,
)

from accounts.models import Organization, User
from common.errors import NotFound
from feedback.models import (
    FeedbackTicket,
    Interaction,
    Opportunity,
    TicketKind,
)
from feedback.permissions import can_manage_account
from feedback.selectors.tickets import _with_related, with_sla_provider
from projects.models import Project, Role

# --- The account -------------------------------------------------------------------------------


def account_get_for(*, user: User, organization_id: int) -> Organization:
    """A client organisation whose account `user` manages, or NotFound."""
    organization = Organization.objects.filter(
        pk=organization_id, kind=Organization.Kind.CLIENT
    ).first()
    if organization is None or not can_manage_account(user, organization):
        raise NotFound()
    return organization


def account_projects(*, organization: Organization) -> QuerySet[Project]:
    return Project.objects.filter(client=organization).order_by("is_archived", "name", "pk")


def account_projects_shown(*, organization: Organization, limit: int) -> tuple[list[Project], int]:
    """The account's first `limit` projects (active ones first, by name) and how many it has,
    in one query."""
    projects: list[Project] = list(
        account_projects(organization=organization).annotate(projects_total=Window(Count("pk")))[
            :limit
        ]
    )
    total: int = getattr(projects[0], "projects_total", 0) if projects else 0
    return projects, total


@dataclass(frozen=True)
class AccountContact:
    """A person of the client's, with the projects they are a member of: (name, role label)."""

    display_name: str
    email: str
    is_active: bool
    projects: list[tuple[str, str]]

    @property
    def projects_text(self) -> str:
        """Each of the person's projects as "project: role", joined: one value for the page to
        write, however many projects a person of a large client is in."""
        return " · ".join(f"{project}: {role}" for project, role in self.projects)


def account_contacts(*, organization: Organization) -> list[AccountContact]:
    """The organisation's people, each with their projects by name, in one query."""
    rows = (
        User.objects.filter(organization=organization)
        .order_by("display_name", "email", "pk", "memberships__project__name")
        .values_list(
            "pk",
            "display_name",
            "email",
            "is_active",
            "memberships__project__name",
            "memberships__role",
        )
    )
    labels = {value: str(label) for value, label in Role.choices}
    people: dict[int, AccountContact] = {}
    for pk, display_name, email, is_active, project, role in rows:
        person = people.setdefault(pk, AccountContact(display_name, email, is_active, []))
        if project is not None:
            person.projects.append((project, labels[role]))
    return list(people.values())


def account_complaints(*, organization: Organization) -> QuerySet[FeedbackTicket]:
    return _with_related(
        FeedbackTicket.objects.filter(project__client=organization, kind=TicketKind.COMPLAINT)
    ).order_by("-raised_at", "-pk")


def account_complaints_shown(
    *, organization: Organization, limit: int
) -> tuple[list[FeedbackTicket], int]:
    """The account's latest `limit` complaints and how many it has, in one query; each carries
    the provider's id and time zone for the SLA calendar (with_sla_provider)."""
    complaints: list[FeedbackTicket] = list(
        with_sla_provider(account_complaints(organization=organization)).annotate(
            complaints_total=Window(Count("pk"))
        )[:limit]
    )
    total: int = getattr(complaints[0], "complaints_total", 0) if complaints else 0
    return complaints, total


def interaction_list_for(*, user: User, organization: Organization) -> QuerySet[Interaction]:
    if not can_manage_account(user, organization):
        return Interaction.objects.none()
    return account_interactions(organization=organization)


def account_interactions(*, organization: Organization) -> QuerySet[Interaction]:
    """The account's interaction log, latest first, for an organisation read through
    account_get_for (which checked who manages it)."""
    return (
        Interaction.objects.filter(organization=organization)
        .select_related("recorded_by")
        .order_by("-occurred_on", "-pk")
    )


def opportunity_list_for(*, user: User, organization: Organization) -> QuerySet[Opportunity]:
    if not can_manage_account(user, organization):
        return Opportunity.objects.none()
    return account_opportunities(organization=organization)


def account_opportunities(*, organization: Organization) -> QuerySet[Opportunity]:
    """The account's opportunities, soonest to close first, for an organisation read through
    account_get_for (which checked who manages it)."""
    return (
        Opportunity.objects.filter(organization=organization)
        .select_related("owner")
        .order_by("expected_close_on", "pk")
    )


def opportunity_get_for(
    *, user: User, organization: Organization, opportunity_id: int
) -> Opportunity:
    opportunity = (
        opportunity_list_for(user=user, organization=organization).filter(pk=opportunity_id).first()
    )
    if opportunity is None:
        raise NotFound()
    return opportunity
