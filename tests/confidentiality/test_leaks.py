"""Internal items that used to reach client users, proven closed by content.

Each internal item carries a unique marker string. Every client role (client admin, customer
representative, client viewer) reads every surface that could show it (API list and detail,
portal pages, the change log, the decision log's CSV and PDF, search, the to-do list, e-mails
and in-app notifications) and no marker may appear; the PM reads the same API operations and
finds every one of them, so a marker that silently was never created cannot make a test pass.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from notifications.models import Notification, OutboxMessage
from projects.models import CLIENT_ROLES, Deliverable, Membership, Milestone, Role, Visibility
from projects.selectors import milestone_list_for
from projects.selectors.portfolio import ClientProgress, client_progress_for
from projects.services.acceptance import deliverable_accept
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.milestones import milestone_create
from reports.services.reports import report_send_now
from reports.services.schedules import schedule_save
from stakeholders.models import ActionItem, Meeting
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
)
from stakeholders.services.meetings import (
    action_item_create,
    action_item_set_done,
    meeting_create,
    meeting_decision_record,
)
from stakeholders.services.register import raci_assign, stakeholder_create

CLIENT_ROLE_NAMES = ["client_admin", "rep", "viewer"]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# One marker per internal item: none may reach a client, each must reach the PM.
MILESTONE = "ZQ-internal-milestone-7f3a"
MEETING_TITLE = "ZQ-internal-meeting-title-2b9c"
MEETING_AGENDA = "ZQ-internal-meeting-agenda-5d1e"
MEETING_DECISION = "ZQ-internal-meeting-decision-8a4f"
MEETING_ACTION = "ZQ-internal-meeting-action-3c6b"
INTERNAL_STAKEHOLDER = "ZQ-internal-stakeholder-9e2d"
RACI_DELIVERABLE = "ZQ-internal-deliverable-4b7a"
RACI_STAKEHOLDER = "ZQ-internal-raci-person-1f8c"
MARKERS = [
    MILESTONE,
    MEETING_TITLE,
    MEETING_AGENDA,
    MEETING_DECISION,
    MEETING_ACTION,
    INTERNAL_STAKEHOLDER,
    RACI_DELIVERABLE,
    RACI_STAKEHOLDER,
]

# Searched for by parts that are not a whole marker, since a search page repeats its query.
SEARCH_TERMS = ["ZQ-internal", "Steering", *(marker.rsplit("-", 1)[1] for marker in MARKERS)]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _accepted_by_client(cast: Any, milestone: Milestone, name: str) -> Deliverable:
    deliverable = deliverable_create(actor=cast.pm, milestone=milestone, name=name, criteria=[])
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    deliverable_submit(actor=cast.pm, deliverable=deliverable)
    return deliverable_accept(actor=cast.rep, deliverable=deliverable)


@pytest.fixture
def leaky(cast) -> SimpleNamespace:
    """Every internal item of (a) to (c), each next to a client-visible one of its kind."""
    pm, project = cast.pm, cast.project
    internal_ms = milestone_create(
        actor=pm,
        project=project,
        name=MILESTONE,
        due_date=date(2027, 2, 1),
        visibility=Visibility.INTERNAL,
    )
    client_ms = milestone_create(
        actor=pm, project=project, name="Go-live", due_date=date(2027, 3, 1)
    )

    # (a) Change requests moving the internal milestone and a client-visible one.
    approved = change_request_create(actor=pm, project=project, title="More scanners")
    change_request_assess(
        actor=pm,
        change_request=approved,
        scope_impact="Two more scanners.",
        cost_impact=1200,
        schedule={internal_ms.pk: 5, client_ms.pk: 3},
    )
    change_request_approve(actor=pm, change_request=approved)
    change_request_approve(actor=cast.client_admin, change_request=approved)
    pending = change_request_create(actor=cast.rep, project=project, title="Extra report")
    change_request_assess(
        actor=pm,
        change_request=pending,
        scope_impact="One report.",
        cost_impact=300,
        schedule={internal_ms.pk: 7},
    )

    # (b) An internal meeting, and a client-visible one with an internal stakeholder attending.
    internal_person = stakeholder_create(actor=pm, project=project, name=INTERNAL_STAKEHOLDER)
    sponsor = stakeholder_create(
        actor=pm, project=project, name="Sam Sponsor", visibility=Visibility.CLIENT
    )
    team_meeting = meeting_create(
        actor=pm,
        project=project,
        title=MEETING_TITLE,
        starts_at=datetime(2026, 11, 18, 15, tzinfo=UTC),
        agenda=MEETING_AGENDA,
        minutes="Retro notes.",
        attendees=[pm, cast.teammate],
        stakeholder_attendees=[internal_person],
    )
    meeting_decision_record(actor=pm, meeting=team_meeting, text=MEETING_DECISION)
    action_item_create(actor=pm, meeting=team_meeting, text=MEETING_ACTION, owner=cast.teammate)
    steering = meeting_create(
        actor=pm,
        project=project,
        title="Steering committee",
        visibility=Visibility.CLIENT,
        starts_at=datetime(2026, 11, 19, 10, tzinfo=UTC),
        agenda="1. Pilot results",
        minutes="Pilot accepted.",
        minutes_visibility=Visibility.CLIENT,
        attendees=[pm, cast.rep],
        stakeholder_attendees=[internal_person, sponsor],
    )
    meeting_decision_record(actor=pm, meeting=steering, text="Roll out in March")
    action_item_create(actor=pm, meeting=steering, text="Send the user list", owner=cast.rep)

    # (c) RACI rows of an internal deliverable and of an internal stakeholder.
    internal_deliverable = deliverable_create(
        actor=pm,
        milestone=client_ms,
        name=RACI_DELIVERABLE,
        criteria=[],
        visibility=Visibility.INTERNAL,
    )
    raci_person = stakeholder_create(actor=pm, project=project, name=RACI_STAKEHOLDER)
    raci_assign(actor=pm, project=project, deliverable=internal_deliverable, user=pm, letter="A")
    raci_assign(actor=pm, project=project, work_area="Testing", user=pm, letter="A")
    raci_assign(actor=pm, project=project, work_area="Testing", stakeholder=raci_person, letter="C")
    raci_assign(actor=pm, project=project, work_area="Testing", stakeholder=sponsor, letter="I")
    return SimpleNamespace(
        internal_ms=internal_ms,
        client_ms=client_ms,
        approved=approved,
        pending=pending,
        team_meeting=team_meeting,
        steering=steering,
        sponsor=sponsor,
    )


def _api(user: Any) -> Client:
    token = Token.objects.get_or_create(user=user)[0].key
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _api_paths(cast: Any, fx: SimpleNamespace) -> list[str]:
    base = f"/api/v1/projects/{cast.project.pk}"
    return [
        f"{base}/change-requests/",
        f"{base}/change-requests/{fx.approved.pk}/",
        f"{base}/change-requests/{fx.pending.pk}/",
        f"{base}/meetings/",
        f"{base}/meetings/{fx.steering.pk}/",
        f"{base}/decisions/",
        f"{base}/raci/",
        f"{base}/stakeholders/",
        f"{base}/milestones/",
        f"{base}/deliverables/",
        *(f"/api/v1/search/?q={term}&limit=50" for term in SEARCH_TERMS),
    ]


def _portal_pages(cast: Any, fx: SimpleNamespace) -> list[str]:
    pid = cast.project.pk
    return [
        reverse("portal:home"),
        reverse("portal:project", args=[pid]),
        reverse("portal:project_timeline", args=[pid]),
        reverse("portal:change_requests", args=[pid]),
        reverse("portal:change_request", args=[pid, fx.approved.pk]),
        reverse("portal:change_request", args=[pid, fx.pending.pk]),
        reverse("stakeholders:portal_meetings", args=[pid]),
        reverse("stakeholders:portal_meeting", args=[pid, fx.steering.pk]),
        reverse("stakeholders:portal_engagement", args=[pid]),
        reverse("stakeholders:portal_decisions", args=[pid]),
        reverse("stakeholders:portal_decisions_csv", args=[pid]),
        reverse("stakeholders:portal_todo"),
        *(f"{reverse('portal:search')}?q={term}" for term in SEARCH_TERMS),
    ]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _found(text: str) -> list[str]:
    return [marker for marker in MARKERS if marker in text]


@pytest.mark.parametrize("role_name", CLIENT_ROLE_NAMES)
def test_no_internal_item_reaches_a_client_on_any_surface(cast, leaky, role_name):
    user = cast.by_name(role_name)
    api, pages = _api(user), Client()
    pages.force_login(user)
    leaks: dict[str, list[str]] = {}
    read = 0
    for path in _api_paths(cast, leaky):
        response = api.get(path)
        assert response.status_code == 200, (path, response.status_code)
        leaks[path] = _found(response.content.decode())
        read += 1
    for path in _portal_pages(cast, leaky):
        response = pages.get(path)
        assert response.status_code == 200, (path, response.status_code)
        leaks[path] = _found(response.content.decode())
        read += 1
    pdf = pages.get(reverse("stakeholders:portal_decisions_pdf", args=[cast.project.pk]))
    assert pdf.status_code == 200
    pdf_text = _pdf_text(pdf.content)
    assert "Roll out in March" in pdf_text  # the client's part is there, read as text
    leaks["decision log PDF"] = _found(pdf_text)
    for message in OutboxMessage.objects.filter(to_user=user):
        leaks[f"e-mail {message.subject}"] = _found(
            message.subject + message.body_text + message.body_html
        )
    for notification in Notification.objects.filter(user=user):
        leaks[f"notification {notification.pk}"] = _found(notification.title + notification.body)

    assert {where: found for where, found in leaks.items() if found} == {}
    assert read == len(_api_paths(cast, leaky)) + len(_portal_pages(cast, leaky))


@pytest.mark.parametrize("role_name", CLIENT_ROLE_NAMES)
def test_a_client_still_sees_the_client_visible_part(cast, leaky, role_name):
    api = _api(cast.by_name(role_name))
    base = f"/api/v1/projects/{cast.project.pk}"

    detail = api.get(f"{base}/change-requests/{leaky.approved.pk}/").json()
    assert [(i["milestone_name"], i["days"]) for i in detail["schedule_impacts"]] == [
        ("Go-live", 3)
    ]
    pending = api.get(f"{base}/change-requests/{leaky.pending.pk}/").json()
    assert pending["schedule_impacts"] == []
    meetings = api.get(f"{base}/meetings/").json()
    assert [m["title"] for m in meetings["results"]] == ["Steering committee"]
    steering = meetings["results"][0]
    assert set(steering["attendees"]) == {cast.pm.pk, cast.rep.pk}
    assert steering["stakeholder_attendees"] == [leaky.sponsor.pk]
    raci = api.get(f"{base}/raci/").json()
    assert raci["count"] == 2
    assert sorted((row["row"], row["person"], row["letter"]) for row in raci["results"]) == [
        ("Testing", "Paula PM", "A"),
        ("Testing", "Sam Sponsor", "I"),
    ]
    assert api.get(f"{base}/meetings/{leaky.team_meeting.pk}/").status_code == 404

    client = Client()
    client.force_login(cast.by_name(role_name))
    log = client.get(reverse("portal:change_requests", args=[cast.project.pk])).content.decode()
    assert "Go-live: +3" in log
    meeting = client.get(
        reverse("stakeholders:portal_meeting", args=[cast.project.pk, leaky.steering.pk])
    ).content.decode()
    assert "Sam Sponsor" in meeting
    assert "Pilot accepted." in meeting
    assert (
        client.get(
            reverse("stakeholders:portal_meeting", args=[cast.project.pk, leaky.team_meeting.pk])
        ).status_code
        == 404
    )


def test_the_pm_reads_every_marker_on_the_same_api_operations(cast, leaky):
    api = _api(cast.pm)
    text = ""
    for path in _api_paths(cast, leaky):
        response = api.get(path)
        assert response.status_code == 200, path
        text += response.content.decode()
    assert _found(text) == MARKERS
    searched = "".join(
        api.get(f"/api/v1/search/?q={term}&limit=50").content.decode() for term in SEARCH_TERMS
    )
    assert _found(searched) == [MILESTONE, MEETING_TITLE, MEETING_AGENDA, RACI_DELIVERABLE]
    base = f"/api/v1/projects/{cast.project.pk}"
    detail = api.get(f"{base}/change-requests/{leaky.approved.pk}/").json()
    assert [(i["milestone_name"], i["days"]) for i in detail["schedule_impacts"]] == [
        (MILESTONE, 5),
        ("Go-live", 3),
    ]
    assert api.get(f"{base}/raci/").json()["count"] == 4


def test_the_pm_change_log_shows_the_internal_milestone(cast, leaky):
    client = Client()
    client.force_login(cast.pm)
    page = client.get(
        reverse("stakeholders:change_requests", args=[cast.project.pk])
    ).content.decode()
    assert f"{MILESTONE}: +5" in page
    assert "Go-live: +3" in page


# --- (b) Meetings: refusals with clear errors ---------------------------------------------------


def test_a_meeting_is_internal_unless_said_otherwise_in_api_and_form(cast):
    api = _api(cast.pm)
    created = api.post(
        f"/api/v1/projects/{cast.project.pk}/meetings/",
        {"title": "Sprint planning", "starts_at": "2026-11-23T09:00:00Z"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["visibility"] == "internal"
    client = Client()
    client.force_login(cast.pm)
    form = client.get(reverse("stakeholders:meetings", args=[cast.project.pk])).content.decode()
    assert 'name="visibility"' in form
    assert '<option value="internal" selected>' in form
    listed = _api(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/meetings/").json()
    assert listed["count"] == 0


def test_minutes_of_an_internal_meeting_cannot_be_shared(cast, leaky):
    api = _api(cast.pm)
    refused = api.post(
        f"/api/v1/projects/{cast.project.pk}/meetings/",
        {
            "title": "Team sync",
            "starts_at": "2026-11-23T09:00:00Z",
            "minutes": "Notes",
            "minutes_visibility": "client",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert (
        "make it visible to the client before sharing its minutes"
        in (refused.json()["minutes_visibility"][0])
    )
    assert not Meeting.objects.filter(title="Team sync").exists()

    client = Client()
    client.force_login(cast.pm)
    url = reverse(
        "stakeholders:meeting_minutes_save", args=[cast.project.pk, leaky.team_meeting.pk]
    )
    page = client.post(url, {"minutes": "Shared?", "minutes_visibility": "client"})
    assert page.status_code == 400
    assert "make it visible to the client before sharing its minutes" in page.content.decode()
    leaky.team_meeting.refresh_from_db()
    assert (leaky.team_meeting.minutes, leaky.team_meeting.minutes_visibility) == (
        "Retro notes.",
        "internal",
    )


@pytest.mark.parametrize("role_name", CLIENT_ROLE_NAMES)
def test_a_client_person_gets_no_action_from_an_internal_meeting(cast, leaky, role_name):
    owner = cast.by_name(role_name)
    api = _api(cast.pm)
    refused = api.post(
        f"/api/v1/projects/{cast.project.pk}/meetings/{leaky.team_meeting.pk}/action-items/",
        {"text": "Check the retro", "owner": owner.pk},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "before giving a client person an action" in refused.json()["owner"][0]

    client = Client()
    client.force_login(cast.pm)
    url = reverse("stakeholders:action_item_add", args=[cast.project.pk, leaky.team_meeting.pk])
    page = client.post(url, {"text": "Check the retro", "owner": owner.pk})
    assert page.status_code == 400
    assert "before giving a client person an action" in page.content.decode()
    assert not ActionItem.objects.filter(owner=owner, meeting=leaky.team_meeting).exists()
    assert not Notification.objects.filter(user=owner, title__contains=MEETING_TITLE).exists()


def test_a_meeting_with_open_client_actions_stays_visible_to_the_client(cast, leaky):
    client = Client()
    client.force_login(cast.pm)
    url = reverse("stakeholders:meeting_edit", args=[cast.project.pk, leaky.steering.pk])
    edit = {
        "title": "Steering committee",
        "visibility": "internal",
        "starts_at": "2026-11-19T10:00",
        "attendees": [cast.pm.pk, cast.rep.pk],
    }
    refused = client.post(url, edit)
    assert refused.status_code == 400
    assert "The client has open action items from this meeting" in refused.content.decode()
    leaky.steering.refresh_from_db()
    assert leaky.steering.visibility == "client"

    item = ActionItem.objects.get(meeting=leaky.steering, owner=cast.rep)
    action_item_set_done(actor=cast.rep, item=item, is_done=True)
    assert client.post(url, edit).status_code == 302
    leaky.steering.refresh_from_db()
    # Made internal, its minutes are no longer shared either.
    assert (leaky.steering.visibility, leaky.steering.minutes_visibility) == (
        "internal",
        "internal",
    )
    listed = _api(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/meetings/").json()
    assert listed["count"] == 0


def test_a_client_never_finds_an_internal_meeting_through_its_minutes(cast):
    meeting_create(
        actor=cast.pm,
        project=cast.project,
        title="Budget talk",
        starts_at=datetime(2026, 11, 18, 15, tzinfo=UTC),
        minutes="ZQ-searchable-minutes-6a2e",
    )
    Meeting.objects.filter(title="Budget talk").update(minutes_visibility="client")  # legacy row
    for role_name in CLIENT_ROLE_NAMES:
        found = _api(cast.by_name(role_name)).get("/api/v1/search/?q=ZQ-searchable-minutes-6a2e")
        assert "Budget talk" not in found.content.decode()
    found = _api(cast.pm).get("/api/v1/search/?q=ZQ-searchable-minutes-6a2e")
    assert "Budget talk" in found.content.decode()


# --- (d) Internal deliverables complete through an internal acceptance --------------------------


@pytest.fixture
def three_milestones(cast) -> SimpleNamespace:
    """Three client-visible milestones whose client-visible deliverables the client accepted;
    the last also holds an internal deliverable (the team's runbook), reviewed and passed."""
    pm = cast.pm
    milestones = [
        milestone_create(
            actor=pm, project=cast.project, name=f"Wave {n}", due_date=date(2027, n, 1)
        )
        for n in (1, 2, 3)
    ]
    for n, milestone in enumerate(milestones, start=1):
        _accepted_by_client(cast, milestone, f"Scanners wave {n}")
    runbook = deliverable_create(
        actor=pm,
        milestone=milestones[2],
        name="ZQ-internal-runbook-0c5d",
        criteria=["Covers restarts"],
        visibility=Visibility.INTERNAL,
    )
    quality_review_record(actor=pm, deliverable=runbook, passed=True)
    return SimpleNamespace(milestones=milestones, runbook=runbook)


def test_an_internal_deliverable_is_never_put_to_the_client(cast, three_milestones):
    runbook = three_milestones.runbook
    base = f"/api/v1/projects/{cast.project.pk}/deliverables/{runbook.pk}"
    assert _api(cast.pm).post(f"{base}/submit/").status_code == 409
    assert _api(cast.rep).post(f"{base}/accept/").status_code == 404  # not theirs to see
    runbook.refresh_from_db()
    assert runbook.status == Deliverable.Status.IN_PROGRESS
    assert client_progress_for(project=cast.project) == ClientProgress(100, 2, 3)


def test_the_pm_accepts_an_internal_deliverable_and_its_milestone_completes(
    cast, three_milestones, django_capture_on_commit_callbacks
):
    runbook = three_milestones.runbook
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{runbook.pk}/accept-internally/"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _api(cast.pm).post(url)

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["internally_accepted_at"].startswith("2026-11-20T09:")
    runbook.refresh_from_db()
    assert (runbook.status, runbook.internally_accepted_by) == ("accepted", cast.pm)
    assert runbook.internally_accepted_at is not None
    assert runbook.internally_accepted_at.date() == NOW.date()
    wave_3 = three_milestones.milestones[2]
    wave_3.refresh_from_db()
    assert wave_3.status == Milestone.Status.COMPLETED
    # No survey on acceptance, no word to the client: nothing was queued after the commit
    # (but the refresh of the portal's waiting count, portal.badge).
    assert [callback for callback in callbacks if callback.__module__ != "portal.badge"] == []
    assert callbacks
    clients = Membership.objects.filter(project=cast.project, role__in=CLIENT_ROLES)
    assert not OutboxMessage.objects.filter(to_user__memberships__in=clients).filter(
        subject__contains="ZQ-internal-runbook-0c5d"
    )
    assert client_progress_for(project=cast.project) == ClientProgress(100, 3, 3)


@pytest.mark.parametrize(
    ("role_name", "expected"),
    [("teammate", 403), ("am", 403), ("client_admin", 403), ("rep", 403), ("viewer", 403)],
)
def test_only_the_pm_accepts_internally(cast, three_milestones, role_name, expected):
    runbook = three_milestones.runbook
    url = f"/api/v1/projects/{cast.project.pk}/deliverables/{runbook.pk}/accept-internally/"
    assert _api(cast.by_name(role_name)).post(url).status_code == expected
    runbook.refresh_from_db()
    assert (runbook.status, runbook.internally_accepted_by) == ("in_progress", None)


def test_internal_acceptance_needs_an_internal_deliverable_with_a_passed_review(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Wave 1", due_date=date(2027, 1, 1)
    )
    shared = deliverable_create(actor=cast.pm, milestone=milestone, name="Shared", criteria=[])
    quality_review_record(actor=cast.pm, deliverable=shared, passed=True)
    unreviewed = deliverable_create(
        actor=cast.pm,
        milestone=milestone,
        name="Unreviewed",
        criteria=[],
        visibility=Visibility.INTERNAL,
    )
    failed = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Failed", criteria=[], visibility="internal"
    )
    quality_review_record(actor=cast.pm, deliverable=failed, passed=False, notes="Gaps")
    api = _api(cast.pm)
    base = f"/api/v1/projects/{cast.project.pk}/deliverables"

    answers = {
        d.name: api.post(f"{base}/{d.pk}/accept-internally/") for d in (shared, unreviewed, failed)
    }

    assert {name: r.status_code for name, r in answers.items()} == {
        "Shared": 409,
        "Unreviewed": 409,
        "Failed": 409,
    }
    assert "accepted by the client" in answers["Shared"].json()["detail"]
    assert "passed quality review" in answers["Failed"].json()["detail"]
    assert set(Deliverable.objects.values_list("status", flat=True)) == {"in_progress"}


def test_the_pm_accepts_internally_on_the_deliverable_page(cast, three_milestones):
    runbook = three_milestones.runbook
    client = Client()
    client.force_login(cast.pm)
    url = reverse("projects:deliverable", args=[cast.project.pk, runbook.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="accept-internally-form"' in page
    assert 'data-testid="submit-form"' not in page

    response = client.post(url + "accept-internally/", {})

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="internally-accepted"' in page
    assert "Paula PM" in page
    runbook.refresh_from_db()
    assert runbook.status == Deliverable.Status.ACCEPTED


def test_a_teammate_cannot_accept_internally_on_the_page(cast, three_milestones):
    runbook = three_milestones.runbook
    client = Client()
    client.force_login(cast.teammate)
    url = reverse("projects:deliverable", args=[cast.project.pk, runbook.pk])
    assert 'data-testid="accept-internally-form"' not in client.get(url).content.decode()
    assert client.post(url + "accept-internally/", {}).status_code == 403
    runbook.refresh_from_db()
    assert runbook.status == Deliverable.Status.IN_PROGRESS


def test_milestone_figures_count_what_the_reader_may_see(cast, three_milestones):
    wave_3 = three_milestones.milestones[2]
    by_rep = milestone_list_for(user=cast.rep, project=cast.project).get(pk=wave_3.pk)
    by_pm = milestone_list_for(user=cast.pm, project=cast.project).get(pk=wave_3.pk)

    assert (by_rep.deliverable_count, by_rep.accepted_deliverable_count) == (1, 1)
    assert (by_pm.deliverable_count, by_pm.accepted_deliverable_count) == (2, 1)
    assert [d.name for d in by_rep.deliverables.all()] == ["Scanners wave 3"]


def test_the_clients_report_counts_the_milestone_completed_after_internal_acceptance(
    cast, three_milestones
):
    from projects.services.deliverables import deliverable_accept_internally

    deliverable_accept_internally(actor=cast.pm, deliverable=three_milestones.runbook)
    schedule_save(
        actor=cast.pm,
        project=cast.project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP],
        is_active=True,
        extra_recipients=[],
    )
    report = report_send_now(actor=cast.pm, project=cast.project)
    client = Client()
    client.force_login(cast.rep)

    page = client.get(
        reverse("reports:portal_report", args=[cast.project.pk, report.pk])
    ).content.decode()

    assert report.snapshot["progress"]["accepted_percent"] == 100
    assert (
        report.snapshot["progress"]["milestones_completed"],
        report.snapshot["progress"]["milestones_total"],
    ) == (3, 3)
    assert "3 / 3" in page
    assert "ZQ-internal-runbook-0c5d" not in page
    assert "ZQ-internal-runbook-0c5d" not in str(report.snapshot)
