"""A small fixed world in 2031 whose every scorecard figure is computed by hand in
test_figures.py: Paula PM and Adam AM on client A's projects Alpha (the cast's "A One") and
Beta, with an unrelated PM and AM beside them whose rows must never count for them.

Rows are made with the ORM at fixed instants (the services stamp the current time); the
scorecards only read them. Internal titles carry SECRET: a client must never read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import time_machine

from accounts.models import Organization, User
from closeout.models import ClosureRequest
from feedback.models import (
    Campaign,
    DetractorFollowUp,
    FeedbackTicket,
    Opportunity,
    SurveyInvitation,
    SurveyResponse,
    TicketKind,
    TicketStatus,
)
from feedback.services.survey_templates import survey_template_default
from projects.models import (
    AcceptanceRound,
    CostEntry,
    Deliverable,
    Milestone,
    Phase,
    Project,
    QualityReview,
    Rate,
    Role,
    Task,
    TimeEntry,
    Visibility,
)
from risks.models import Issue, Risk
from stakeholders.models import ChangeRequest
from tests.factories import (
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
    add_member,
    enrol_totp,
    provider_organization,
)

# The reference instants: the second quarter of 2031 is running.
TODAY = date(2031, 6, 15)
NOW = datetime(2031, 6, 15, 12, 0, tzinfo=UTC)
# A year later nearly: the pending retention is decided, open items have aged.
LATER_TODAY = date(2032, 3, 1)
LATER_NOW = datetime(2032, 3, 1, 12, 0, tzinfo=UTC)

SECRET = "SCORECARD-SECRET"


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2031) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def on(month: int, day: int, year: int = 2031) -> date:
    return date(year, month, day)


@dataclass
class World:
    pm: User
    am: User
    teammate: User
    other_pm: User
    other_am: User
    client_a: Organization
    client_d: Organization
    alpha: Project
    beta: Project
    gamma: Project
    delta: Project
    items: dict[str, Any] = field(default_factory=dict)


def staff_person(email: str, name: str) -> User:
    """A provider person enrolled in TOTP (as the cast's are), so that pages serve them."""
    person = UserFactory(email=email, display_name=name, organization=provider_organization())
    enrol_totp(person)
    return person


def build_world(cast: Any) -> World:
    pm, am, teammate = cast.pm, cast.am, cast.teammate
    client_a = cast.project.client
    Project.objects.filter(pk=cast.project.pk).update(
        start_date=on(1, 1),
        end_date=on(12, 31),
        budget=Decimal("10000.00"),
        currency="EUR",
        phase=Phase.EXECUTION,
    )
    alpha = Project.objects.get(pk=cast.project.pk)
    beta = ProjectFactory(
        client=client_a,
        code="beta",
        name="Beta",
        start_date=on(1, 15),
        end_date=on(6, 30),
        budget=Decimal("8000.00"),
        currency="USD",
        phase=Phase.CLOSING,
    )
    for person, role in (
        (pm, Role.PM),
        (am, Role.AM),
        (teammate, Role.TEAM_MEMBER),
        (cast.client_admin, Role.CLIENT_ADMIN),
        (cast.rep, Role.CUSTOMER_REP),
    ):
        add_member(beta, person, role)

    other_pm = staff_person("opm@provider.test", "Oscar Other-PM")
    other_am = staff_person("oam@provider.test", "Olga Other-AM")
    # Client A's next project, started twelve days after Beta closed (Beta's client retained).
    gamma = ProjectFactory(client=client_a, code="gamma", name="Gamma", start_date=on(6, 1))
    add_member(gamma, other_pm, Role.PM)
    add_member(gamma, other_am, Role.AM)
    # Client D: Delta closed in February; its only other project began before it.
    client_d = OrganizationFactory(name="Client D")
    delta = ProjectFactory(
        client=client_d, code="delta", name="Delta", start_date=on(9, 1, 2030), phase=Phase.CLOSING
    )
    add_member(delta, other_pm, Role.PM)
    add_member(delta, am, Role.AM)
    older = ProjectFactory(client=client_d, code="d-old", name="D Old", start_date=on(1, 1, 2030))
    add_member(older, other_pm, Role.PM)
    dora = UserFactory(email="dora@d.test", display_name="Dora D-Rep", organization=client_d)
    add_member(delta, dora, Role.CUSTOMER_REP)

    world = World(
        pm=pm,
        am=am,
        teammate=teammate,
        other_pm=other_pm,
        other_am=other_am,
        client_a=client_a,
        client_d=client_d,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        delta=delta,
    )
    world.items.update(rep=cast.rep, client_admin=cast.client_admin, dora=dora)
    _closings(world)
    _earned_value(world)
    _milestones(world)
    _changes(world)
    _acceptance(world)
    _issues(world)
    _responses(world)
    _complaints(world)
    _opportunities(world)
    # Closed last: a closed project is read-only.
    Project.objects.filter(pk__in=[beta.pk, delta.pk]).update(phase=Phase.CLOSED)
    for project in (beta, delta):
        project.refresh_from_db()
    return world


# --- Closings ------------------------------------------------------------------------------


def _closings(world: World) -> None:
    rep, dora = world.items["rep"], world.items["dora"]
    # Refused first (never counts), then accepted on 20 May: Beta closed in Q2.
    ClosureRequest.objects.create(
        project=world.beta,
        status=ClosureRequest.Status.REFUSED,
        requested_by=world.pm,
        decided_by=rep,
        decided_at=at(5, 1),
        comment="Training first.",
    )
    ClosureRequest.objects.create(
        project=world.beta,
        status=ClosureRequest.Status.ACCEPTED,
        requested_by=world.pm,
        decided_by=world.items["client_admin"],
        decided_at=at(5, 20),
    )
    ClosureRequest.objects.create(
        project=world.delta,
        status=ClosureRequest.Status.ACCEPTED,
        requested_by=world.other_pm,
        decided_by=dora,
        decided_at=at(2, 10),
    )


# --- Earned value: tasks (with their recorded progress), rates, time and costs ---------------


def _task(project: Project, name: str, estimate: Any, start: Any, due: Any, **extra: Any) -> Task:
    with time_machine.travel(datetime.combine(start or on(1, 1), datetime.min.time(), UTC)):
        return Task.objects.create(
            project=project,
            name=name,
            estimate_hours=estimate,
            start_date=start,
            due_date=due,
            **extra,
        )


def _progress(task: Task, *steps: tuple[datetime, int]) -> None:
    """Record the task's percent complete at each instant (its history, read for past days)."""
    for when, percent in steps:
        with time_machine.travel(when, tick=False):
            task.percent_complete = percent
            task.save()


def _entry(project: Project, person: User, day: date, hours: str, *, approved: bool = True):
    return TimeEntry.objects.create(
        project=project,
        person=person,
        date=day,
        hours=Decimal(hours),
        status=TimeEntry.Status.APPROVED if approved else TimeEntry.Status.SUBMITTED,
        approved_at=at(day.month, day.day, 18) if approved else None,
    )


def _earned_value(world: World) -> None:
    alpha, beta, pm, teammate = world.alpha, world.beta, world.pm, world.teammate
    # Alpha: 200 leaf hours. A parent's estimate and a task without one never count.
    _task(alpha, "Kick-off", None, on(1, 1), on(1, 2), percent_complete=100)
    build = _task(alpha, "Build (parent)", Decimal("999"), None, None)
    t1 = _task(alpha, "Design", Decimal("100"), on(1, 1), on(3, 31))
    t2 = _task(alpha, "Develop", Decimal("100"), on(4, 1), on(6, 29), parent=build)
    _progress(t1, (at(3, 20), 80), (at(4, 10), 100))
    _progress(t2, (at(6, 1), 50))
    # Beta: 100 leaf hours.
    u1 = _task(beta, "Portal design", Decimal("40"), on(1, 15), on(2, 13))
    u2 = _task(beta, "Portal build", Decimal("60"), on(3, 1), on(5, 29))
    _progress(u1, (at(2, 14), 100))
    _progress(u2, (at(3, 25), 10), (at(5, 15), 90), (at(5, 25), 100))

    Rate.objects.create(project=alpha, role=Role.TEAM_MEMBER, hourly_rate=Decimal("100"))
    Rate.objects.create(project=alpha, user=pm, hourly_rate=Decimal("150"))
    Rate.objects.create(project=beta, role=Role.TEAM_MEMBER, hourly_rate=Decimal("80"))
    _entry(alpha, teammate, on(2, 10), "8")
    _entry(alpha, pm, on(2, 20), "4")  # the PM's own rate: 150
    _entry(alpha, teammate, on(3, 15), "8")
    _entry(alpha, teammate, on(3, 16), "8", approved=False)  # never counts
    _entry(alpha, teammate, on(5, 5), "8")
    _entry(alpha, teammate, on(6, 10), "8")
    _entry(alpha, teammate, on(6, 20), "8")  # after today
    CostEntry.objects.create(project=alpha, date=on(3, 20), amount=Decimal("400"))
    CostEntry.objects.create(project=alpha, date=on(6, 20), amount=Decimal("500"))
    _entry(beta, teammate, on(2, 1), "10")
    _entry(beta, teammate, on(3, 10), "10")
    _entry(beta, teammate, on(4, 15), "10")
    _entry(beta, teammate, on(5, 25), "10")  # after Beta closed


# --- Milestones against their baseline ----------------------------------------------------


def _milestone(project: Project, name: str, **fields: Any) -> Milestone:
    fields.setdefault("due_date", fields.get("baseline_due_date"))
    if fields.get("completed_at"):
        fields["status"] = Milestone.Status.COMPLETED
    return Milestone.objects.create(project=project, name=name, **fields)


def _milestones(world: World) -> None:
    alpha, beta, items = world.alpha, world.beta, world.items
    items["m_design"] = _milestone(
        alpha,
        "Design signed",
        baseline_due_date=on(2, 15),
        due_date=on(2, 20),
        completed_at=at(2, 14),
    )
    items["m_build"] = _milestone(
        alpha,
        "Build done",
        baseline_due_date=on(3, 10),
        due_date=on(3, 25),
        completed_at=at(3, 20),
    )
    items["m_pilot"] = _milestone(
        alpha, f"Internal pilot {SECRET}", due_date=on(3, 28), visibility=Visibility.INTERNAL
    )
    _milestone(alpha, "Rollout", baseline_due_date=on(5, 10), completed_at=at(5, 10, 23, 30))
    _milestone(alpha, "Training", baseline_due_date=on(6, 30), completed_at=at(6, 12))
    _milestone(alpha, "Handover", baseline_due_date=on(6, 25))
    _milestone(alpha, "Data migration", baseline_due_date=on(4, 20))
    items["n_portal"] = _milestone(
        beta, "Portal live", baseline_due_date=on(1, 31), completed_at=at(2, 3)
    )
    _milestone(beta, "Go-live", baseline_due_date=on(5, 15), completed_at=at(5, 15, 8))
    _milestone(
        beta, "Cutover", baseline_due_date=on(3, 30), due_date=on(4, 15), completed_at=at(4, 10)
    )
    _milestone(world.gamma, "Gamma kick-off", baseline_due_date=on(2, 1))


# --- Change requests -----------------------------------------------------------------------


def _cr(project: Project, number: int, title: str, cost: str, status: str, **fields: Any):
    return ChangeRequest.objects.create(
        project=project,
        number=number,
        title=title,
        cost_impact=Decimal(cost),
        status=status,
        requested_by=fields.pop("requested_by"),
        requested_side="provider",
        **fields,
    )


def _changes(world: World) -> None:
    alpha, beta, pm = world.alpha, world.beta, world.pm
    approved = ChangeRequest.Status.APPROVED
    _cr(alpha, 1, "More scanners", "1200.00", approved, applied_at=at(2, 5), requested_by=pm)
    _cr(
        alpha,
        2,
        f"Drop a report {SECRET}",
        "-200.00",
        approved,
        applied_at=at(3, 30),
        visibility=Visibility.INTERNAL,
        requested_by=pm,
    )
    _cr(alpha, 3, "Rename screens", "0", approved, applied_at=at(4, 20), requested_by=pm)
    _cr(alpha, 4, "Extra training", "500.00", ChangeRequest.Status.ASSESSED, requested_by=pm)
    _cr(
        alpha,
        5,
        "Gold plating",
        "900.00",
        ChangeRequest.Status.REJECTED,
        rejection_reason="Out of scope.",
        requested_by=pm,
    )
    _cr(
        beta,
        1,
        "Second portal language",
        "800.50",
        approved,
        applied_at=at(3, 12),
        requested_by=pm,
    )
    _cr(beta, 2, "Mobile view", "2500.00", approved, applied_at=at(5, 2), requested_by=pm)
    _cr(
        world.gamma,
        1,
        "Gamma change",
        "100.00",
        approved,
        applied_at=at(2, 2),
        requested_by=world.other_pm,
    )


# --- Deliverables' acceptance rounds ---------------------------------------------------------


def _deliverable(
    pm: User, milestone: Milestone, name: str, *rounds: tuple[str, datetime | None]
) -> Deliverable:
    """A deliverable with its rounds in order: (decision, decided_at)."""
    deliverable = Deliverable.objects.create(
        project=milestone.project, milestone=milestone, name=name
    )
    for number, (decision, decided_at) in enumerate(rounds, start=1):
        review = QualityReview.objects.create(deliverable=deliverable, reviewer=pm, passed=True)
        AcceptanceRound.objects.create(
            deliverable=deliverable,
            number=number,
            quality_review=review,
            submitted_by=pm,
            decision=decision,
            decided_at=decided_at,
        )
    return deliverable


def _acceptance(world: World) -> None:
    pm = world.pm
    accepted, rejected = AcceptanceRound.Decision.ACCEPTED, AcceptanceRound.Decision.REJECTED
    design, portal = world.items["m_design"], world.items["n_portal"]
    _deliverable(pm, design, "Spec", (accepted, at(2, 10)))
    _deliverable(pm, design, "Data model", (rejected, at(2, 20)), (accepted, at(3, 5)))
    _deliverable(pm, design, "Reports", (rejected, at(3, 25)), (accepted, at(4, 8)))
    _deliverable(pm, design, "Runbook", (AcceptanceRound.Decision.DEEMED_ACCEPTED, at(5, 12)))
    _deliverable(pm, portal, "Portal", (accepted, at(5, 5)))
    _deliverable(pm, portal, "Portal guide", ("", None))  # awaiting the client


# --- Issues, registered as a risk or not ---------------------------------------------------


def _issue(project: Project, number: int, title: str, created: datetime, risk: Risk | None):
    issue = Issue.objects.create(
        project=project, number=number, title=title, impact="Days lost.", risk=risk
    )
    Issue.objects.filter(pk=issue.pk).update(created_at=created)
    return issue


def _risk(project: Project, number: int, title: str, raised_by: User) -> Risk:
    return Risk.objects.create(
        project=project,
        number=number,
        title=title,
        raised_by=raised_by,
        raised_side="provider",
        status=Risk.Status.OCCURRED,
    )


def _issues(world: World) -> None:
    alpha, beta, pm = world.alpha, world.beta, world.pm
    _issue(alpha, 1, "Scanner outage", at(1, 20), _risk(alpha, 1, "Scanner supply", pm))
    _issue(alpha, 2, f"Server room flood {SECRET}", at(3, 2), None)
    _issue(beta, 1, "Login failures", at(4, 14), None)
    _issue(beta, 2, "Vendor delay", at(5, 30), _risk(beta, 1, "Vendor capacity", pm))
    _issue(alpha, 3, "Label printer jam", at(6, 5), None)
    _issue(world.gamma, 1, "Gamma issue", at(2, 2), None)


# --- Survey responses and the detractors' follow-ups ---------------------------------------


def _response(project: Project, person: User, nps: Any, csat: Any, submitted: datetime):
    campaign = Campaign.objects.create(
        project=project,
        template=survey_template_default(),
        name=f"Pulse {submitted:%Y-%m-%d}",
        status=Campaign.Status.CLOSED,
        opens_at=at(1, 1),
        closes_at=at(12, 31),
        sent_at=at(1, 1),
    )
    invitation = SurveyInvitation.objects.create(
        campaign=campaign, person=person, email=person.email, sent_at=at(1, 1)
    )
    return SurveyResponse.objects.create(
        invitation=invitation,
        campaign=campaign,
        project=project,
        client=project.client,
        respondent=person,
        nps=nps,
        csat=csat,
        submitted_at=submitted,
        updated_at=submitted,
    )


def _follow_up(response: SurveyResponse, owner: User, opened: datetime, closed: Any = None):
    return DetractorFollowUp.objects.create(
        response=response,
        project=response.project,
        owner=owner,
        status=DetractorFollowUp.Status.CLOSED if closed else DetractorFollowUp.Status.OPEN,
        opened_at=opened,
        closed_at=closed,
        closed_by=owner if closed else None,
        note="Called them." if closed else "",
    )


def _responses(world: World) -> None:
    alpha, beta, am, items = world.alpha, world.beta, world.am, world.items
    rep, admin, dora = items["rep"], items["client_admin"], items["dora"]
    # Q1
    _response(alpha, rep, 10, 5, at(2, 1))
    _response(alpha, admin, 9, 4, at(3, 1))
    r3 = _response(beta, rep, 6, 2, at(3, 15))
    _response(beta, admin, 9, None, at(3, 20))
    _response(world.delta, dora, 7, 3, at(1, 25))  # the AM's only
    r9 = _response(alpha, rep, 4, None, at(3, 28))
    items["f_in_time"] = _follow_up(r3, am, at(3, 15), at(3, 18))
    items["f_late"] = _follow_up(r9, am, at(3, 28), at(4, 5))
    # Q2
    r5 = _response(alpha, rep, 3, 1, at(4, 5))
    _response(alpha, admin, None, 3, at(5, 1))
    _response(beta, admin, 10, 5, at(5, 10))
    r10 = _response(beta, rep, 2, 2, at(6, 12))
    r11 = _response(beta, rep, 5, None, at(4, 20))
    items["f_open_late"] = _follow_up(r5, am, at(4, 5))
    items["f_open"] = _follow_up(r10, am, at(6, 12))
    items["f_exactly"] = _follow_up(r11, am, at(4, 20), at(4, 25))
    # Another PM's and AM's project: never theirs.
    gamma_rep = UserFactory(email="g@a.test", display_name="Gil Gamma", organization=world.client_a)
    add_member(world.gamma, gamma_rep, Role.CUSTOMER_REP)
    noise = _response(world.gamma, gamma_rep, 0, 1, at(2, 2))
    _follow_up(noise, world.other_am, at(2, 2))


# --- Complaints and their service levels ---------------------------------------------------


def _complaint(project: Project, number: int, title: str, **fields: Any) -> FeedbackTicket:
    fields.setdefault("kind", TicketKind.COMPLAINT)
    fields.setdefault(
        "status", TicketStatus.RESOLVED if fields.get("resolved_at") else TicketStatus.IN_PROGRESS
    )
    return FeedbackTicket.objects.create(
        project=project,
        number=number,
        title=title,
        raised_by=fields.pop("raised_by"),
        raised_side="client",
        **fields,
    )


def _complaints(world: World) -> None:
    rep, dora = world.items["rep"], world.items["dora"]
    _complaint(
        world.alpha,
        1,
        "Slow pick lists",
        raised_by=rep,
        raised_at=at(2, 2, 9),
        first_response_due_at=at(2, 2, 13),
        first_responded_at=at(2, 2, 11),  # 2 h
        resolution_due_at=at(2, 6, 9),
        resolved_at=at(2, 4, 9),  # 48 h
    )
    _complaint(
        world.alpha,
        2,
        f"Wrong invoices {SECRET}",
        visibility=Visibility.INTERNAL,
        raised_by=rep,
        raised_at=at(3, 3, 9),
        first_response_due_at=at(3, 3, 13),
        first_responded_at=at(3, 3, 15),  # 6 h, two hours late: the breach
        resolution_due_at=at(3, 10, 9),
        resolved_at=at(3, 7, 9),  # 96 h
    )
    _complaint(
        world.delta,
        1,
        "Late deliveries",
        raised_by=dora,
        raised_at=at(1, 10, 10),
        first_response_due_at=at(1, 10, 14),
        first_responded_at=at(1, 10, 14),  # 4 h, on the minute: in time
        resolution_due_at=at(1, 13, 10),
        resolved_at=at(1, 11, 10),  # 24 h
    )
    _complaint(
        world.beta,
        1,
        "Portal down",
        raised_by=rep,
        raised_at=at(4, 7, 9),
        first_response_due_at=at(4, 7, 13),
        first_responded_at=at(4, 7, 10),  # 1 h
        resolution_due_at=at(4, 10, 9),
        resolved_at=at(4, 9, 9),  # 48 h
    )
    _complaint(
        world.beta,
        2,
        "Slow search",
        raised_by=rep,
        raised_at=at(6, 1, 9),
        first_response_due_at=at(6, 1, 13),
        first_responded_at=at(6, 1, 12),  # 3 h
        resolution_due_at=at(6, 20, 9),  # still open, due after today
    )
    _complaint(
        world.beta,
        3,
        "Dark mode",
        kind=TicketKind.SUGGESTION,
        status=TicketStatus.NEW,
        raised_by=rep,
        raised_at=at(5, 1),
    )


# --- Opportunities won ---------------------------------------------------------------------


def _opportunity(organization: Organization, title: str, owner: User, **fields: Any):
    fields.setdefault("stage", Opportunity.Stage.WON)
    return Opportunity.objects.create(organization=organization, title=title, owner=owner, **fields)


def _opportunities(world: World) -> None:
    am, client_a, client_d = world.am, world.client_a, world.client_d
    _opportunity(
        client_a, f"Phase 2 {SECRET}", am, value_estimate=Decimal("50000"), won_at=at(2, 14)
    )
    _opportunity(
        client_d,
        "Support contract",
        am,
        value_estimate=Decimal("12000.50"),
        currency="USD",
        won_at=at(3, 30),
    )
    _opportunity(client_a, "Extension", am, value_estimate=Decimal("7000"), won_at=at(5, 5))
    _opportunity(client_a, "Pilot licences", am, won_at=at(6, 1))
    _opportunity(client_a, "Lost bid", am, value_estimate=Decimal("3000"), stage="lost")
    _opportunity(client_a, "Third site", am, value_estimate=Decimal("9000"), stage="proposal")
    _opportunity(
        client_a, "Other AM's deal", world.other_am, value_estimate=Decimal("9999"), won_at=at(5, 1)
    )
