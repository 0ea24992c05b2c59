"""The scorecards cost the same number of queries with 10 projects as with 1,000: the figures
(pm_figures, am_figures), the scorecard pages, every items page, the team view and the API.

The rows are bulk-created (the services are exercised elsewhere): every project has a task, a
time entry, a milestone, an approved change request, an accepted deliverable, an issue, a
survey response with its detractor follow-up, a complaint and a won opportunity; every tenth
project is closed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    Deliverable,
    Membership,
    Milestone,
    Phase,
    Project,
    QualityReview,
    Role,
    Task,
    TimeEntry,
)
from risks.models import Issue
from scorecards.figures import Moment, am_figures, pm_figures
from scorecards.items import GROUPS
from scorecards.periods import recent_periods
from stakeholders.models import ChangeRequest
from tests.factories import OrganizationFactory, UserFactory, provider_organization
from tests.helpers import count_queries, logged_in
from tests.scorecards.world import NOW, TODAY, at, staff_person

pytestmark = pytest.mark.django_db

MOMENT = Moment(today=TODAY, now=NOW)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """The pages measure up to today: 15 June 2031."""
    time_machine.move_to(NOW, tick=False)


def _people(prefix: str, count: int) -> list[User]:
    provider = provider_organization()
    return User.objects.bulk_create(
        User(
            email=f"{prefix}{index}@provider.test",
            display_name=f"{prefix.title()} {index}",
            organization=provider,
            side=provider.kind,  # save() sets it; bulk_create does not call save()
        )
        for index in range(count)
    )


def _members(projects: list[Project], people: list[User], role: str) -> None:
    Membership.objects.bulk_create(
        Membership(
            project=project,
            user=people[index % len(people)],
            role=role,
            member_organization_id=people[index % len(people)].organization_id,
            member_side="provider",
            project_client_id=project.client_id,
        )
        for index, project in enumerate(projects)
    )


def grow(count: int, offset: int, *, pms: list[User], ams: list[User], rep: User) -> None:
    """`count` more projects of five clients, every row of every figure on each."""
    clients = [OrganizationFactory(name=f"Bulk client {offset + n}") for n in range(5)]
    projects = Project.objects.bulk_create(
        Project(
            client=clients[i % 5],
            code=f"bulk-{offset + i}",
            name=f"Bulk {offset + i}",
            start_date=TODAY - timedelta(days=100 + i % 200),
            budget=Decimal("10000"),
            currency="USD" if i % 2 else "EUR",
            phase=Phase.CLOSED if i % 10 == 0 else Phase.EXECUTION,
        )
        for i in range(count)
    )
    _members(projects, pms, Role.PM)
    _members(projects, ams, Role.AM)
    day = [at(1 + i % 6, 1 + i % 28) for i in range(count)]  # spread over Q1 and Q2 2031
    ClosureRequest.objects.bulk_create(
        ClosureRequest(
            project=project,
            status=ClosureRequest.Status.ACCEPTED,
            requested_by=pms[0],
            decided_at=day[i],
        )
        for i, project in enumerate(projects)
        if project.phase == Phase.CLOSED
    )
    Task.objects.bulk_create(
        Task(
            project=project,
            name="Work",
            estimate_hours=Decimal("40"),
            start_date=project.start_date,
            due_date=TODAY + timedelta(days=30),
            percent_complete=i % 100,
        )
        for i, project in enumerate(projects)
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(
            project=project,
            person=pms[i % len(pms)],
            date=day[i].date(),
            hours=Decimal("4"),
            status=TimeEntry.Status.APPROVED,
            approved_at=day[i],
        )
        for i, project in enumerate(projects)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            project=project,
            name=f"Milestone {offset + i}",
            baseline_due_date=day[i].date(),
            due_date=day[i].date() + timedelta(days=i % 7),
            completed_at=day[i] + timedelta(days=i % 5 - 2) if i % 3 else None,
        )
        for i, project in enumerate(projects)
    )
    ChangeRequest.objects.bulk_create(
        ChangeRequest(
            project=project,
            number=1,
            title="Change",
            requested_by=pms[0],
            requested_side="provider",
            cost_impact=Decimal(100 + i),
            status=ChangeRequest.Status.APPROVED,
            applied_at=day[i],
        )
        for i, project in enumerate(projects)
    )
    deliverables = Deliverable.objects.bulk_create(
        Deliverable(project=milestone.project, milestone=milestone, name="Deliverable")
        for milestone in milestones
    )
    reviews = QualityReview.objects.bulk_create(
        QualityReview(deliverable=deliverable, reviewer=pms[0], passed=True)
        for deliverable in deliverables
    )
    AcceptanceRound.objects.bulk_create(
        round_
        for i, (deliverable, review) in enumerate(zip(deliverables, reviews, strict=True))
        for round_ in (
            AcceptanceRound(
                deliverable=deliverable,
                number=1,
                quality_review=review,
                submitted_by=pms[0],
                decision="rejected" if i % 2 else "accepted",
                decided_at=day[i] - timedelta(days=1),
            ),
            *(
                [
                    AcceptanceRound(
                        deliverable=deliverable,
                        number=2,
                        quality_review=review,
                        submitted_by=pms[0],
                        decision="accepted",
                        decided_at=day[i],
                    )
                ]
                if i % 2
                else []
            ),
        )
    )
    issues = Issue.objects.bulk_create(
        Issue(project=project, number=1, title="Issue", impact="Lost a day.")
        for project in projects
    )
    Issue.objects.filter(pk__in=[issue.pk for issue in issues]).update(created_at=at(5, 5))
    template = survey_template_default()
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            project=project,
            template=template,
            name="Pulse",
            opens_at=at(1, 1),
            closes_at=at(12, 31),
            sent_at=at(1, 1),
        )
        for project in projects
    )
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(campaign=campaign, person=rep, email=rep.email) for campaign in campaigns
    )
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            invitation=invitation,
            campaign=invitation.campaign,
            project=invitation.campaign.project,
            client=invitation.campaign.project.client,
            respondent=rep,
            nps=i % 11,
            csat=i % 5 + 1,
            submitted_at=day[i],
            updated_at=day[i],
        )
        for i, invitation in enumerate(invitations)
    )
    DetractorFollowUp.objects.bulk_create(
        DetractorFollowUp(
            response=response,
            project=response.project,
            owner=ams[0],
            opened_at=day[i],
            closed_at=day[i] + timedelta(days=i % 9) if i % 2 else None,
            status="closed" if i % 2 else "open",
            note="Called them." if i % 2 else "",
        )
        for i, response in enumerate(responses)
    )
    FeedbackTicket.objects.bulk_create(
        FeedbackTicket(
            project=project,
            number=1,
            kind=TicketKind.COMPLAINT,
            title="Complaint",
            status=TicketStatus.RESOLVED if i % 2 else TicketStatus.IN_PROGRESS,
            raised_by=rep,
            raised_side="client",
            raised_at=day[i],
            first_response_due_at=day[i] + timedelta(hours=4),
            first_responded_at=day[i] + timedelta(hours=i % 7),
            resolution_due_at=day[i] + timedelta(days=3),
            resolved_at=day[i] + timedelta(days=i % 5) if i % 2 else None,
        )
        for i, project in enumerate(projects)
    )
    Opportunity.objects.bulk_create(
        Opportunity(
            organization=project.client,
            title="Deal",
            owner=ams[i % len(ams)],
            stage=Opportunity.Stage.WON,
            won_at=day[i],
            value_estimate=Decimal(1000 + i),
            currency=project.currency,
        )
        for i, project in enumerate(projects)
    )


def _queries(call) -> int:
    """Counted warm: a first call fills the working calendars' cache (the delay share's)."""
    call()
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def measure(pm: User, am: User, admin: User) -> dict[str, int]:
    """The number of queries of everything a scorecard reads, by name."""
    periods = recent_periods(kind="quarter", count=8, today=TODAY)
    people = {"pm": pm, "am": am}
    counts = {
        "pm_figures": _queries(lambda: pm_figures([pm.pk], periods, MOMENT)),
        "am_figures": _queries(lambda: am_figures([am.pk], periods, MOMENT)),
        "pm_figures, everyone": _queries(lambda: pm_figures(_holders(Role.PM), periods, MOMENT)),
        "am_figures, everyone": _queries(lambda: am_figures(_holders(Role.AM), periods, MOMENT)),
    }
    client = logged_in(admin)
    urls = ["/scorecards/", "/api/v1/scorecards/"]
    for role in ("pm", "am"):
        person = people[role].pk
        urls += [
            f"/scorecards/people/{person}/{role}/",
            f"/scorecards/people/{person}/{role}/?by=month&periods=8",
            f"/api/v1/scorecards/{person}/{role}/",
            f"/scorecards/team/?role={role}",
            f"/api/v1/scorecards/team/?role={role}",
        ]
        for group in GROUPS.values():
            if role in group.roles:
                for period in ("2031Q1", "2031Q2"):
                    urls.append(f"/scorecards/people/{person}/{role}/{group.key}/{period}/")
                    urls.append(f"/api/v1/scorecards/{person}/{role}/{group.key}/{period}/")
    for url in urls:
        counts[url] = count_queries(client, url, warm=True)
    # The person's own view of their scorecard.
    own = logged_in(pm)
    counts["own scorecard"] = count_queries(own, f"/scorecards/people/{pm.pk}/pm/", warm=True)
    return counts


def _holders(role: str) -> list[int]:
    return list(Membership.objects.filter(role=role).values_list("user_id", flat=True).distinct())


def test_queries_do_not_grow_with_projects(db):
    pm, am = staff_person("pm@provider.test", "Paula PM"), staff_person("am@p.test", "Adam AM")
    admin = staff_person("admin@provider.test", "Alex Admin")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    admin.refresh_from_db()
    client = Organization.objects.create(name="Reps", kind=Organization.Kind.CLIENT)
    rep = UserFactory(email="rep@reps.test", display_name="Rory Rep", organization=client)
    pm2, am2 = _people("pm", 1)[0], _people("am", 1)[0]

    grow(10, 0, pms=[pm, pm2], ams=[am, am2], rep=rep)
    small = measure(pm, am, admin)
    assert Project.objects.count() == 10

    # 990 more projects, with eight more PMs and AMs to share them.
    grow(990, 10, pms=[pm, pm2, *_people("xpm", 8)], ams=[am, am2, *_people("xam", 8)], rep=rep)
    large = measure(pm, am, admin)
    assert Project.objects.count() == 1000

    assert {name: (small[name], large[name]) for name in small if small[name] != large[name]} == {}
    # A handful of queries. PM: the counts (milestones, change requests with their cost per
    # currency, acceptance, issues, satisfaction) in one union, two for earned value (the
    # projects, then every point at once), and one for the days lost waiting (every wait source
    # and the response times in one union; the projects are the earned value's, the provider's
    # calendar is cached). AM: satisfaction, complaints (with the medians), follow-ups,
    # retention and opportunities won (count and value per currency) in one union.
    assert (small["pm_figures"], small["am_figures"]) == (4, 1)
    # The pages did read the rows: the items of the last quarter are listed (up to the limit).
    page = logged_in(admin).get(f"/scorecards/people/{pm.pk}/pm/milestones/2031Q2/")
    assert page.content.decode().count('data-testid="item"') > 10
