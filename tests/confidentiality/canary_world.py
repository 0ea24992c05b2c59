"""The world the canary suite reads: client A's project with every kind of item, each both
client-visible and internal, made through the services as people would make them.

`build_world()` makes it with plain words; `fill_canaries()` (canaries.py) then writes canaries
into everything internal; `after_fill()` takes the steps that write e-mails, notifications and a
status report from the data as it now is, so that an internal word that reaches a client's
e-mail or report carries its canary there.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organization, User
from accounts.services import calendar_feed_create
from discussions.models import Entry
from discussions.services import attachments_add, entry_post
from feedback.models import QuestionKind, SurveyInvitation, TicketKind
from feedback.services.account import interaction_record, opportunity_create
from feedback.services.campaigns import campaign_create
from feedback.services.responses import response_submit
from feedback.services.sending import campaign_send
from feedback.services.survey_templates import survey_template_default
from feedback.services.tickets import ticket_raise, ticket_resolve
from feedback.tokens import invitation_token
from lessons.services import lesson_create
from projects.models import Project, Role, Visibility
from projects.services import gate_checklist, phase_gate_request
from projects.services.costs import cost_entry_add, rate_set, time_entry_log
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.documents import document_upload
from projects.services.invitations import invitation_create
from projects.services.invitations import invitation_token as account_invitation_token
from projects.services.milestones import milestone_create
from projects.services.objectives import objective_create
from projects.services.projects import project_health_override
from projects.services.tasks import dependency_add, task_create
from risks.models import Risk
from risks.services.actions import mitigation_action_add
from risks.services.assessments import risk_assess
from risks.services.register import risk_create, risk_transition
from stakeholders.models import Meeting, Requirement
from stakeholders.services.changes import change_request_assess, change_request_create
from stakeholders.services.meetings import (
    action_item_create,
    meeting_create,
    meeting_decision_record,
)
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)
from stakeholders.services.requirements import (
    requirement_create,
    requirement_transition,
    requirement_update,
)
from tests.factories import (
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
    add_member,
    provider_organization,
)

# Every date of the world is fixed: the suite runs with the clock set to NOW.
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
CLIENT_ROLES = ("client_admin", "rep", "viewer")


@dataclass
class World:
    project: Project
    client: Organization
    people: dict[str, User]
    # (label, pk) of rows internal beyond what the metadata says (see fill_canaries)
    marked_internal: set[tuple[str, Any]] = field(default_factory=set)
    items: dict[str, Any] = field(default_factory=dict)

    def person(self, name: str) -> User:
        return self.people[name]


def _file(name: str, content: bytes = b"Plain words.") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def build_world() -> World:
    provider = provider_organization()
    client = OrganizationFactory(name="Client A")
    project = ProjectFactory(client=client, code="a-one", name="A One")
    people = {
        "pm": UserFactory(email="pm@provider.test", display_name="Paula PM", organization=provider),
        "am": UserFactory(email="am@provider.test", display_name="Adam AM", organization=provider),
        "teammate": UserFactory(
            email="team@provider.test", display_name="Tina Team", organization=provider
        ),
        "client_admin": UserFactory(
            email="admin@a.test", display_name="Clara Admin", organization=client
        ),
        "rep": UserFactory(email="rep@a.test", display_name="Rory Rep", organization=client),
        "viewer": UserFactory(
            email="viewer@a.test", display_name="Vera Viewer", organization=client
        ),
    }
    roles = {
        "pm": Role.PM,
        "am": Role.AM,
        "teammate": Role.TEAM_MEMBER,
        "client_admin": Role.CLIENT_ADMIN,
        "rep": Role.CUSTOMER_REP,
        "viewer": Role.CLIENT_VIEWER,
    }
    for name, role in roles.items():
        add_member(project, people[name], role)
    world = World(project=project, client=client, people=people)
    for step in STEPS:
        step(world)
    return world


def _integrations(world: World) -> None:
    """A webhook endpoint of the team's, with a test delivery in its log (the provider's
    integration settings: clients never read them)."""
    from integrations.webhooks import endpoint_create, endpoint_send_test

    endpoint = endpoint_create(
        actor=world.person("pm"),
        project=world.project,
        client=None,
        url="https://93.184.216.34/hooks/rapport",
        events=["report.sent"],
        description="Ticketing bridge",
    ).endpoint
    endpoint_send_test(actor=world.person("pm"), endpoint=endpoint)


def _closeout(world: World) -> None:
    """A waiver of the internal risk and a reopening: their reasons are internal; the closeout
    pages and API a client reads show each point's outcome and the note for the client only."""
    from closeout.models import ClosureRequest, Point, Reopening, Waiver

    pm, project, items = world.person("pm"), world.project, world.items
    Waiver.objects.create(
        project=project,
        point=Point.RISKS,
        object_id=items["internal_risk"].pk,
        reason="Accepted by the board.",
        client_note="Covered by the support contract.",
        waived_by=pm,
    )
    Waiver.objects.create(
        project=project, point=Point.TIME, reason="Billed separately.", waived_by=pm
    )
    ClosureRequest.objects.create(
        project=project,
        status=ClosureRequest.Status.REFUSED,
        note="Everything is delivered.",
        requested_by=pm,
        decided_by=world.person("client_admin"),
        comment="Training first.",
    )
    Reopening.objects.create(
        project=project, to_phase="closing", reason="Warranty defect.", reopened_by=pm
    )


def _operations(world: World) -> None:
    """The worker's record of a periodic task's success (what a task_success signal writes)."""
    from notifications.tasks import outbox_flush_task
    from operations.receivers import record_periodic_success

    record_periodic_success(sender=outbox_flush_task)


def _plan(world: World) -> None:
    pm, project, items = world.person("pm"), world.project, world.items
    project.gates_need_client_approval = True
    project.budget = Decimal("50000.00")
    project.save()
    items["milestone"] = milestone_create(
        actor=pm, project=project, name="Go-live", due_date=date(2027, 3, 1), description="Live."
    )
    items["internal_milestone"] = milestone_create(
        actor=pm,
        project=project,
        name="Internal dry run",
        due_date=date(2027, 2, 1),
        description="Rehearse.",
        visibility=Visibility.INTERNAL,
    )
    items["deliverable"] = deliverable_create(
        actor=pm,
        milestone=items["milestone"],
        name="Runbook",
        criteria=["Reviewed by ops"],
        description="How to run it.",
    )
    items["internal_deliverable"] = deliverable_create(
        actor=pm,
        milestone=items["milestone"],
        name="Load test report",
        criteria=["Peak load held"],
        description="Numbers.",
        visibility=Visibility.INTERNAL,
    )
    items["deliverable_of_internal_milestone"] = deliverable_create(
        actor=pm,
        milestone=items["internal_milestone"],
        name="Rehearsal notes",
        criteria=["Written down"],
    )
    quality_review_record(
        actor=pm, deliverable=items["deliverable"], passed=True, notes="Checked it."
    )
    items["objective"] = objective_create(actor=pm, project=project, title="Fewer errors")
    items["internal_task"] = task_create(
        actor=pm,
        project=project,
        name="Prepare servers",
        description="Rack them.",
        milestone=items["milestone"],
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
        estimate_hours=Decimal(8),
    )
    items["task"] = task_create(
        actor=pm,
        project=project,
        name="Migrate data",
        description="Move it.",
        assignee=world.person("teammate"),
        visibility=Visibility.CLIENT,
        milestone=items["milestone"],
        start_date=date(2027, 1, 11),
        due_date=date(2027, 1, 15),
        estimate_hours=Decimal(16),
    )
    dependency_add(actor=pm, predecessor=items["internal_task"], successor=items["task"])
    if "gate" in items:
        return  # the world grows: the project's one gate, baseline and template are made
    project_health_override(
        actor=pm, project=project, status="amber", reason="Waiting on the client.", today=NOW.date()
    )
    items["gate"] = phase_gate_request(
        actor=pm, project=project, checked=gate_checklist(project), note="Ready."
    )
    # The plan as agreed (its internal milestone and task are internal entries), a template of
    # it, and the PM's leave.
    from accounts.calendars import leave_add
    from projects.services.baselines import baseline_set_first
    from projects.services.templates import template_save

    project.start_date = date(2027, 1, 4)
    project.save()
    items["baseline"] = baseline_set_first(actor=pm, project=project, reason="Signed plan")
    items["template"] = template_save(
        actor=pm, project=project, name="Rollout plan", description="Our usual rollout."
    )
    items["leave"] = leave_add(
        actor=pm, start=date(2027, 2, 8), end=date(2027, 2, 12), kind="vacation", note="Skiing."
    )


def _costs_and_documents(world: World) -> None:
    pm, project, items = world.person("pm"), world.project, world.items
    rate_set(actor=pm, project=project, hourly_rate=Decimal("95.00"), role=Role.TEAM_MEMBER)
    time_entry_log(
        actor=pm,
        project=project,
        date=date(2026, 11, 2),
        hours=Decimal(2),
        task=items["task"],
        note="Pairing.",
    )
    cost_entry_add(
        actor=pm, project=project, date=date(2026, 11, 2), amount=Decimal("120.00"), note="Cloud."
    )
    cost_entry_add(
        actor=pm,
        project=project,
        date=date(2026, 11, 3),
        amount=Decimal("80.00"),
        note="Licences.",
        visibility=Visibility.CLIENT,
    )
    items["document"] = document_upload(
        actor=pm,
        project=project,
        file=_file("plan.txt"),
        title="Plan",
        visibility=Visibility.CLIENT,
        note="First cut.",
    ).document
    items["internal_document"] = document_upload(
        actor=pm,
        project=project,
        file=_file("margins.txt"),
        title="Margins",
        note="Ours.",
    ).document


def _requirements_and_changes(world: World) -> None:
    pm, project, items = world.person("pm"), world.project, world.items
    requirement = requirement_create(
        actor=pm,
        project=project,
        title="Scan barcodes",
        description="At the dock.",
        acceptance_notes="Ten a minute.",
        visibility=Visibility.CLIENT,
        milestones=[items["milestone"]],
    )
    requirement = requirement_transition(actor=pm, requirement=requirement, to="submit")
    items["requirement"] = requirement
    items["internal_requirement"] = requirement_create(
        actor=pm, project=project, title="Cache lookups", description="Faster."
    )
    # Drafted while internal, then rewritten and shared: its first version stays internal.
    shared = requirement_create(
        actor=pm, project=project, title="Draft wording", description="Draft text."
    )
    world.marked_internal.add(("stakeholders.RequirementVersion", shared.versions.get(number=1).pk))
    items["shared_requirement"] = requirement_update(
        actor=pm,
        requirement=shared,
        title="Print labels",
        description="On every pallet.",
        visibility=Visibility.CLIENT,
    )
    items["change_request"] = change_request_create(
        actor=pm,
        project=project,
        title="Add a barcode scanner",
        description="A second one.",
        reason="Volume.",
        requirements=[requirement.pk],
    )
    items["internal_change_request"] = change_request_create(
        actor=pm,
        project=project,
        title="Swap the database",
        description="Maybe.",
        visibility=Visibility.INTERNAL,
    )


def _register_and_meetings(world: World) -> None:
    pm, project, items = world.person("pm"), world.project, world.items
    items["stakeholder"] = stakeholder_create(
        actor=pm,
        project=project,
        name="Dana Director",
        organisation="Client A",
        role="Sponsor",
        engagement_strategy="Keep close.",
        visibility=Visibility.CLIENT,
    )
    items["internal_stakeholder"] = stakeholder_create(
        actor=pm,
        project=project,
        name="Ivan Insider",
        organisation="Partner",
        role="Auditor",
        contact="ivan",
        engagement_strategy="Watch.",
    )
    items["communication_item"] = communication_item_create(
        actor=pm,
        project=project,
        what="Weekly status",
        recipients=[items["stakeholder"]],
        channel="E-mail",
        frequency="Weekly",
    )
    items["internal_communication_item"] = communication_item_create(
        actor=pm,
        project=project,
        what="Team sync",
        recipients=[items["internal_stakeholder"]],
        channel="Chat",
        frequency="Daily",
        visibility=Visibility.INTERNAL,
    )
    raci_assign(actor=pm, project=project, letter="A", deliverable=items["deliverable"], user=pm)
    raci_assign(
        actor=pm,
        project=project,
        letter="C",
        deliverable=items["deliverable"],
        stakeholder=items["internal_stakeholder"],
    )
    raci_assign(
        actor=pm,
        project=project,
        letter="A",
        deliverable=items["internal_deliverable"],
        user=world.person("teammate"),
    )
    raci_assign(
        actor=pm,
        project=project,
        letter="A",
        work_area="Training",
        stakeholder=items["stakeholder"],
    )
    meetings = {
        "meeting": (Visibility.CLIENT, Visibility.CLIENT),
        "meeting_internal_minutes": (Visibility.CLIENT, Visibility.INTERNAL),
        "internal_meeting": (Visibility.INTERNAL, Visibility.INTERNAL),
    }
    takes_visibility = "visibility" in inspect.signature(meeting_create).parameters
    for index, (key, (visibility, minutes_visibility)) in enumerate(meetings.items()):
        extra = {"visibility": visibility} if takes_visibility else {}
        internal = visibility == Visibility.INTERNAL
        meeting = meeting_create(
            **extra,
            actor=pm,
            project=project,
            title=f"Meeting {index}",
            starts_at=NOW - timedelta(days=7 - index),
            location="Room 1",
            agenda="Plan.",
            minutes="Agreed.",
            minutes_visibility=minutes_visibility,
            attendees=[pm, world.person("teammate" if internal else "rep")],
            stakeholder_attendees=[items["stakeholder"], items["internal_stakeholder"]],
        )
        if not takes_visibility and hasattr(meeting, "visibility"):
            Meeting.objects.filter(pk=meeting.pk).update(visibility=visibility)
            meeting.refresh_from_db()
        meeting_decision_record(actor=pm, meeting=meeting, text="Go ahead.")
        action_item_create(
            actor=pm,
            meeting=meeting,
            text="Send the data.",
            owner=world.person("teammate" if internal else "rep"),
            due_date=date(2026, 11, 10),
        )
        items[key] = meeting


def _risks(world: World) -> None:
    pm, project, items = world.person("pm"), world.project, world.items
    items["risk"] = risk_create(
        actor=pm,
        project=project,
        title="Scanner supply",
        description="Few scanners.",
        cause="Shortage.",
        effect="Delay.",
        probability=3,
        impact=4,
        contingency_plan="Rent.",
        trigger="No delivery date.",
        visibility=Visibility.CLIENT,
        internal_note="Vendor is weak.",
        milestones=[items["milestone"]],
    )
    mitigation_action_add(actor=pm, risk=items["risk"], text="Order spares.")
    items["internal_risk"] = risk_create(
        actor=pm,
        project=project,
        title="Key person leaves",
        description="Only one expert.",
        cause="Market.",
        effect="Slower.",
        probability=4,
        impact=5,
        contingency_plan="Hire.",
        trigger="Notice.",
        internal_note="Salary talks.",
    )
    mitigation_action_add(actor=pm, risk=items["internal_risk"], text="Pair up.")
    risk_assess(actor=pm, risk=items["internal_risk"], probability=5, impact=5, note="Worse now.")
    occurred = risk_create(actor=pm, project=project, title="Server room flood")
    risk_transition(actor=pm, risk=occurred, status=Risk.Status.OCCURRED, impact="Days lost.")
    items["internal_issue"] = occurred.issue


def _lessons(world: World) -> None:
    """An internal lesson (its texts get canaries), a shared one and the client's own."""
    pm, rep, project, items = world.person("pm"), world.person("rep"), world.project, world.items
    items["internal_lesson"] = lesson_create(
        actor=pm,
        project=project,
        title="Estimate was padded",
        category="cost",
        what_went_well="Margin held.",
        what_went_wrong="Client pushed back on price.",
        recommendation="Price the risk openly.",
        tags=["retail"],
    )
    items["lesson"] = lesson_create(
        actor=pm,
        project=project,
        title="Demos every week",
        category="communication",
        what_went_well="Progress was seen.",
        visibility=Visibility.CLIENT,
    )
    items["client_lesson"] = lesson_create(
        actor=rep,
        project=project,
        title="Answer faster",
        category="process",
        what_went_wrong="Slow.",
    )


def _feedback(world: World) -> None:
    pm, am, rep, items = world.person("pm"), world.person("am"), world.person("rep"), world.items
    project = world.project
    items["ticket"] = ticket_raise(
        actor=rep,
        project=project,
        kind=TicketKind.COMPLAINT,
        title="Pick lists print twice",
        description="Every morning.",
        files=[_file("photo.txt")],
    )
    items["internal_ticket"] = ticket_raise(
        actor=pm,
        project=project,
        kind=TicketKind.COMPLAINT,
        title="Printer driver",
        description="Ours to fix.",
        visibility=Visibility.INTERNAL,
        files=[_file("driver.txt")],
    )
    interaction_record(
        actor=am,
        organization=world.client,
        kind="call",
        occurred_on=date(2026, 11, 2),
        people="Clara",
        notes="Budget is tight.",
        next_step="Call back.",
    )
    opportunity_create(
        actor=am,
        organization=world.client,
        title="Second warehouse",
        value_estimate=Decimal("40000.00"),
        next_step="Proposal.",
    )
    template = survey_template_default()
    campaign = campaign_create(
        actor=pm, project=project, template=template, name="Pulse", closes_at=NOW + timedelta(14)
    )
    campaign_send(campaign_id=campaign.pk)
    invitation = SurveyInvitation.objects.get(campaign=campaign, person=rep)
    questions = {q.kind: q for q in template.questions.all()}
    response = response_submit(
        invitation=invitation,
        values={questions[QuestionKind.NPS].pk: 3, questions[QuestionKind.CSAT].pk: 2},
    )
    items["survey_response"] = response
    invitation = invitation_create(
        actor=pm, project=project, email="newcomer@a.test", role=Role.CUSTOMER_REP
    )
    items["tokens"] = {
        "feedback": [
            invitation_token(invitation)
            for invitation in SurveyInvitation.objects.filter(campaign=campaign)
        ],
        "invitations": [account_invitation_token(invitation)],
        # Each client person's calendar address: every client role reads every one of them.
        "integrations": [calendar_feed_create(actor=world.person(role)) for role in CLIENT_ROLES],
    }


def _more_feedback(world: World) -> None:
    """The world grown: more tickets, a call and an opportunity. (Survey answers are left: each
    client person answers a campaign once, and the pages read the world's own.)"""
    rep, am = world.person("rep"), world.person("am")
    for visibility in (Visibility.CLIENT, Visibility.INTERNAL):
        ticket_raise(
            actor=rep if visibility == Visibility.CLIENT else world.person("pm"),
            project=world.project,
            kind=TicketKind.COMPLAINT,
            title="Labels fade",
            description="After a week.",
            visibility=visibility,
            files=[_file("label.txt")],
        )
    interaction_record(
        actor=am,
        organization=world.client,
        kind="meeting",
        occurred_on=date(2026, 11, 9),
        people="Rory",
    )
    opportunity_create(actor=am, organization=world.client, title="Support renewal")


def _discussions(world: World) -> None:
    pm, items = world.person("pm"), world.items
    for key in ("deliverable", "requirement", "change_request", "risk", "ticket"):
        entry_post(actor=pm, target=items[key], body="Looks good.")
        entry_post(
            actor=pm,
            target=items[key],
            body="Between us.",
            kind=Entry.Kind.INTERNAL_NOTE,
            files=[_file("between-us.txt")],
        )
    attachments_add(actor=pm, target=items["requirement"], files=[_file("spec.txt")])
    entry_post(actor=pm, target=items["internal_deliverable"], body="On track.")


# The steps that build the world, in order; GROWTH_STEPS can be taken again on a built world
# to double every kind of row in its project (tests/confidentiality/test_page_queries.py).
STEPS = [
    _plan,
    _costs_and_documents,
    _requirements_and_changes,
    _register_and_meetings,
    _risks,
    _feedback,
    _discussions,
    _lessons,
    _operations,
    _closeout,
    _integrations,
]
GROWTH_STEPS = [
    _plan,
    _costs_and_documents,
    _requirements_and_changes,
    _register_and_meetings,
    _risks,
    _more_feedback,
    _discussions,
    _lessons,
    _operations,
    _integrations,
]


def after_fill(world: World, canary: Any) -> None:
    """Steps that write e-mails, notifications and a report from the data as it now is.
    `canary(label, field)` mints a canary for internal text these steps write."""
    pm, am, items, project = world.person("pm"), world.person("am"), world.items, world.project
    from notifications.services.digests import digests_send_due
    from portal.services import decision_reminders_send_for
    from reports.delivery import rendition_ensure
    from reports.services.reports import report_send_now
    from reports.services.schedules import ExtraAddress, schedule_save

    # The schedule impact on the internal milestone, the team's cost breakdown.
    change_request_assess(
        actor=pm,
        change_request=items["change_request"],
        scope_impact="One more scanner.",
        cost_impact=Decimal("1500.00"),
        schedule={items["milestone"].pk: 5, items["internal_milestone"].pk: 3},
        internal_note=canary("stakeholders.ChangeRequest", "internal_note"),
    )
    deliverable_submit(actor=pm, deliverable=items["deliverable"], note="Ready for you.")
    requirement_transition(
        actor=pm, requirement=Requirement.objects.get(pk=items["requirement"].pk), to="clarify"
    )
    entry_post(actor=pm, target=items["deliverable"], body="@Rory please look.")
    ticket_resolve(actor=am, ticket=items["ticket"], resolution="Fixed the spooler.")
    schedule_save(
        actor=pm,
        project=project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER],
        is_active=True,
        extra_recipients=[ExtraAddress("sponsor@a.test", "Sam Sponsor", "zh-hans")],
    )
    report = report_send_now(actor=pm, project=project, now=NOW)
    items["report"] = report
    items["renditions"] = [
        rendition_ensure(report=report, language=language) for language in ("en", "zh-hans")
    ]
    for name in CLIENT_ROLES:
        decision_reminders_send_for(person=world.person(name), today=NOW.date() + timedelta(30))
    digests_send_due(now=NOW + timedelta(days=1))
