"""API operations that reach the same services, with the same permissions, as the staff pages
and the portal: each one's success (checked by what is stored and answered), its refusal for a
wrong role and on bad input with nothing changed, and its refusal on a closed project."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from discussions.models import Attachment
from discussions.services import attachments_add
from feedback.models import SurveyQuestion, SurveyTemplate
from feedback.services.automations import automation_create
from feedback.services.campaigns import campaign_create
from feedback.services.survey_templates import (
    survey_question_add,
    survey_template_create,
    survey_template_default,
)
from notifications.models import Notification, OutboxMessage
from portal.models import ClientResponseTime
from projects.models import Project, Role, Visibility
from projects.services.projects import project_health_override
from reports.models import ExtraRecipient, Report, ReportDelivery, ReportSchedule
from reports.services.schedules import ExtraAddress, schedule_save
from risks.services.register import risk_create
from stakeholders.models import CommunicationItem, RaciAssignment, Stakeholder
from stakeholders.services.meetings import meeting_create
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)
from stakeholders.services.requirement_workflow import transitions_available
from stakeholders.services.requirements import requirement_create
from tests.projects.test_closed_read_only import close

pytestmark = pytest.mark.django_db

CLOSED = {
    "code": "project_closed",
    "detail": "This project is closed and read-only. A staff admin can reopen it.",
}


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patch(user, url, data, **extra):
    return api(user).patch(url, data, content_type="application/json", **extra)


def put(user, url, data, **extra):
    return api(user).put(url, data, content_type="application/json", **extra)


def post(user, url, data=None):
    return api(user).post(url, data or {}, content_type="application/json")


def delete(user, url):
    return api(user).delete(url)


# --- Meetings ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(cast):
    return meeting_create(
        actor=cast.pm,
        project=cast.project,
        title="Kick-off",
        starts_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
        minutes="Internal notes.",
        minutes_visibility=Visibility.INTERNAL,
        visibility=Visibility.CLIENT,
    )


def meeting_url(cast, meeting, tail=""):
    return f"/api/v1/projects/{cast.project.pk}/meetings/{meeting.pk}/{tail}"


def test_team_member_reschedules_a_meeting(cast, meeting):
    response = patch(
        cast.teammate,
        meeting_url(cast, meeting),
        {"starts_at": "2026-11-03T09:30:00Z", "location": "Room 2", "attendees": [cast.pm.pk]},
    )
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    assert meeting.location == "Room 2"
    assert meeting.title == "Kick-off"
    assert list(meeting.attendees.all()) == [cast.pm]
    body = response.json()
    assert body["location"] == "Room 2"
    assert body["attendees"] == [cast.pm.pk]
    assert response["ETag"] == f'"{meeting.revision}"'


def test_meeting_update_with_a_stale_revision_is_a_conflict(cast, meeting):
    response = patch(cast.pm, meeting_url(cast, meeting), {"title": "Late"}, HTTP_IF_MATCH='"99"')
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.title == "Kick-off"


@pytest.mark.parametrize(("role", "status"), [("rep", 403), ("am", 403), ("outsider", 404)])
def test_meeting_update_is_refused_to_others(cast, meeting, role, status):
    response = patch(getattr(cast, role), meeting_url(cast, meeting), {"title": "Hijacked"})
    assert response.status_code == status
    meeting.refresh_from_db()
    assert meeting.title == "Kick-off"


def test_meeting_update_with_bad_input_changes_nothing(cast, meeting):
    response = patch(cast.pm, meeting_url(cast, meeting), {"title": " ", "location": "Room 9"})
    assert response.status_code == 400
    assert response.json()["title"]
    response = patch(cast.pm, meeting_url(cast, meeting), {"attendees": [cast.outsider.pk]})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location) == ("Kick-off", "")
    assert not meeting.attendees.exists()


def test_pm_writes_the_minutes_and_the_client_reads_them(cast, meeting):
    response = put(
        cast.pm,
        meeting_url(cast, meeting, "minutes/"),
        {"minutes": "Agreed the plan.", "minutes_visibility": "client"},
    )
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_visibility) == ("Agreed the plan.", "client")
    assert response.json()["minutes"] == "Agreed the plan."
    read = api(cast.rep).get(meeting_url(cast, meeting)).json()
    assert read["minutes"] == "Agreed the plan."


def test_minutes_refused_to_the_client_and_on_bad_input(cast, meeting):
    url = meeting_url(cast, meeting, "minutes/")
    data = {"minutes": "Ours now", "minutes_visibility": "client"}
    assert put(cast.rep, url, data).status_code == 403
    bad = put(cast.pm, url, {"minutes": "x", "minutes_visibility": "everyone"})
    assert bad.status_code == 400
    assert "minutes_visibility" in bad.json()
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_visibility) == ("Internal notes.", "internal")
    # The client never reads internal minutes, through this answer or any other.
    assert api(cast.rep).get(meeting_url(cast, meeting)).json()["minutes"] == ""


def test_meeting_writes_refused_on_a_closed_project(cast, meeting):
    close(cast.project)
    response = patch(cast.pm, meeting_url(cast, meeting), {"title": "Late"})
    assert (response.status_code, response.json()) == (409, CLOSED)
    response = put(
        cast.pm,
        meeting_url(cast, meeting, "minutes/"),
        {"minutes": "Late", "minutes_visibility": "internal"},
    )
    assert (response.status_code, response.json()) == (409, CLOSED)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.minutes) == ("Kick-off", "Internal notes.")


# --- The register, the communication plan and the RACI ---------------------------------------


@pytest.fixture
def stakeholder(cast):
    return stakeholder_create(
        actor=cast.pm, project=cast.project, name="Dana Director", visibility=Visibility.CLIENT
    )


def register_url(cast, collection, pk):
    return f"/api/v1/projects/{cast.project.pk}/{collection}/{pk}/"


def test_pm_changes_a_stakeholder(cast, stakeholder):
    url = register_url(cast, "stakeholders", stakeholder.pk)
    response = patch(cast.pm, url, {"influence": 5, "attitude": "supportive"})
    assert response.status_code == 200, response.content
    stakeholder.refresh_from_db()
    assert (stakeholder.influence, stakeholder.attitude, stakeholder.name) == (
        5,
        "supportive",
        "Dana Director",
    )
    assert response.json()["influence"] == 5
    assert response["ETag"] == f'"{stakeholder.revision}"'


@pytest.mark.parametrize(("role", "status"), [("rep", 403), ("teammate", 403), ("outsider", 404)])
def test_stakeholder_writes_refused_to_others(cast, stakeholder, role, status):
    url = register_url(cast, "stakeholders", stakeholder.pk)
    assert patch(getattr(cast, role), url, {"name": "Someone"}).status_code == status
    assert delete(getattr(cast, role), url).status_code == status
    stakeholder.refresh_from_db()
    assert stakeholder.name == "Dana Director"


def test_stakeholder_bad_input_changes_nothing(cast, stakeholder):
    url = register_url(cast, "stakeholders", stakeholder.pk)
    response = patch(cast.pm, url, {"influence": 9, "name": "Other"})
    assert response.status_code == 400
    assert "influence" in response.json()
    stakeholder.refresh_from_db()
    assert (stakeholder.influence, stakeholder.name) == (3, "Dana Director")


def test_pm_removes_a_stakeholder_unless_accountable(cast, stakeholder):
    url = register_url(cast, "stakeholders", stakeholder.pk)
    raci_assign(
        actor=cast.pm,
        project=cast.project,
        letter="A",
        work_area="Go-live",
        stakeholder=stakeholder,
    )
    raci_assign(actor=cast.pm, project=cast.project, letter="R", work_area="Go-live", user=cast.pm)
    refused = delete(cast.pm, url)
    assert refused.status_code == 400
    assert "stakeholder" in refused.json()
    assert Stakeholder.objects.filter(pk=stakeholder.pk).exists()
    RaciAssignment.objects.filter(user=cast.pm).delete()
    response = delete(cast.pm, url)
    assert response.status_code == 204
    assert not Stakeholder.objects.filter(pk=stakeholder.pk).exists()
    assert not RaciAssignment.objects.filter(project=cast.project).exists()


def test_register_writes_refused_on_a_closed_project(cast, stakeholder):
    item = communication_item_create(
        actor=cast.pm, project=cast.project, what="Weekly status", recipients=[stakeholder]
    )
    close(cast.project)
    for response in [
        patch(cast.pm, register_url(cast, "stakeholders", stakeholder.pk), {"name": "Late"}),
        delete(cast.pm, register_url(cast, "stakeholders", stakeholder.pk)),
        patch(cast.pm, register_url(cast, "communication-items", item.pk), {"what": "Late"}),
        delete(cast.pm, register_url(cast, "communication-items", item.pk)),
    ]:
        assert (response.status_code, response.json()) == (409, CLOSED)
    stakeholder.refresh_from_db()
    item.refresh_from_db()
    assert (stakeholder.name, item.what) == ("Dana Director", "Weekly status")


def test_pm_changes_and_removes_a_communication_item(cast, stakeholder):
    item = communication_item_create(
        actor=cast.pm, project=cast.project, what="Weekly status", recipients=[stakeholder]
    )
    url = register_url(cast, "communication-items", item.pk)
    response = patch(cast.pm, url, {"frequency": "Every two weeks", "sender": cast.pm.pk})
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert (item.what, item.frequency, item.sender) == ("Weekly status", "Every two weeks", cast.pm)
    assert list(item.recipients.all()) == [stakeholder]
    assert response.json()["frequency"] == "Every two weeks"
    assert response.json()["recipients"] == [stakeholder.pk]

    assert patch(cast.rep, url, {"what": "Ours"}).status_code == 403
    assert delete(cast.teammate, url).status_code == 403
    bad = patch(cast.pm, url, {"sender": cast.outsider.pk, "what": "Changed"})
    assert bad.status_code == 400
    assert "sender" in bad.json()
    bad = patch(cast.pm, url, {"recipients": [999999]})
    assert bad.status_code == 400
    item.refresh_from_db()
    assert (item.what, item.sender) == ("Weekly status", cast.pm)

    assert delete(cast.pm, url).status_code == 204
    assert not CommunicationItem.objects.filter(pk=item.pk).exists()


def test_pm_clears_a_raci_cell_but_not_a_needed_a(cast):
    accountable = raci_assign(
        actor=cast.pm, project=cast.project, letter="A", work_area="Testing", user=cast.pm
    )
    responsible = raci_assign(
        actor=cast.pm, project=cast.project, letter="R", work_area="Testing", user=cast.teammate
    )
    refused = delete(cast.pm, register_url(cast, "raci", accountable.pk))
    assert refused.status_code == 400
    assert "letter" in refused.json()
    assert delete(cast.rep, register_url(cast, "raci", responsible.pk)).status_code == 403
    assert delete(cast.outsider, register_url(cast, "raci", responsible.pk)).status_code == 404
    assert RaciAssignment.objects.filter(project=cast.project).count() == 2
    assert delete(cast.pm, register_url(cast, "raci", responsible.pk)).status_code == 204
    assert list(RaciAssignment.objects.filter(project=cast.project)) == [accountable]
    close(cast.project)
    response = delete(cast.pm, register_url(cast, "raci", accountable.pk))
    assert (response.status_code, response.json()) == (409, CLOSED)
    assert RaciAssignment.objects.filter(pk=accountable.pk).exists()


# --- Requirements: the steps one may take -----------------------------------------------------


def test_requirement_transitions_are_the_callers_own(cast):
    requirement = requirement_create(
        actor=cast.pm, project=cast.project, title="Scan barcodes", visibility=Visibility.CLIENT
    )
    url = f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/transitions/"
    for role in ["pm", "rep", "viewer"]:
        user = getattr(cast, role)
        response = api(user).get(url)
        assert response.status_code == 200
        expected = [
            {"name": t.name, "target": t.target, "needs_reason": t.needs_reason}
            for t in transitions_available(user=user, requirement=requirement)
        ]
        assert response.json() == expected
    assert api(cast.pm).get(url).json() != []
    assert api(cast.outsider).get(url).status_code == 404
    assert api(cast.other_client_rep).get(url).status_code == 404


# --- The person's language and notifications ---------------------------------------------------


def test_language_alone_is_the_language_switch(cast):
    response = patch(cast.rep, "/api/v1/me/", {"language": "zh-hans"})
    assert response.status_code == 200
    assert response.json()["language"] == "zh-hans"
    cast.rep.refresh_from_db()
    assert cast.rep.language == "zh-hans"
    bad = patch(cast.rep, "/api/v1/me/", {"language": "klingon"})
    assert bad.status_code == 400
    assert "language" in bad.json()
    cast.rep.refresh_from_db()
    assert cast.rep.language == "zh-hans"


def _notification(user, title):
    return Notification.objects.create(user=user, title=title)


def test_mark_one_or_all_notifications_read(cast):
    first, second = _notification(cast.rep, "One"), _notification(cast.rep, "Two")
    someone_elses = _notification(cast.pm, "Theirs")
    url = "/api/v1/me/notifications/mark-read/"
    response = post(cast.rep, url, {"notification": first.pk})
    assert (response.status_code, response.json()) == (200, {"marked": 1})
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    refused = post(cast.rep, url, {"notification": someone_elses.pk})
    assert refused.status_code == 404
    assert post(cast.rep, url, {"notification": "x"}).status_code == 400
    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None
    assert post(cast.rep, url).json() == {"marked": 1}
    second.refresh_from_db()
    assert second.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).get() == someone_elses


# --- The outbox ------------------------------------------------------------------------------


def _failed_email(project_id):
    return OutboxMessage.objects.create(
        kind="report",
        to_email="rep@a.test",
        language="en",
        message_id=f"<{uuid.uuid4()}@rapport.test>",
        project_id=project_id,
        subject="Weekly report",
        body_text="Report",
        status=OutboxMessage.Status.FAILED,
        attempts=5,
        last_attempt_at=timezone.now(),
    )


def test_pm_resends_an_email_of_their_project(cast):
    message = _failed_email(cast.project.pk)
    url = f"/api/v1/outbox/{message.pk}/resend/"
    for role in ["teammate", "rep", "outsider", "am"]:
        assert post(getattr(cast, role), url).status_code == 404
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 5)
    response = post(cast.pm, url)
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    other = _failed_email(cast.other_project.pk)
    assert post(cast.pm, f"/api/v1/outbox/{other.pk}/resend/").status_code == 404
    assert post(cast.pm, "/api/v1/outbox/999999/resend/").status_code == 404


def test_staff_admin_resends_every_failed_email(cast):
    messages = [_failed_email(cast.project.pk), _failed_email(cast.other_project.pk)]
    url = "/api/v1/outbox/resend-failed/"
    assert post(cast.pm, url).status_code == 403
    assert post(cast.rep, url).status_code == 403
    assert not OutboxMessage.objects.exclude(status="failed").exists()
    response = post(cast.staff_admin, url)
    assert (response.status_code, response.json()) == (200, {"queued": 2})
    for message in messages:
        message.refresh_from_db()
        assert message.status == "pending"


# --- The client's response time ----------------------------------------------------------------


def test_pm_sets_the_clients_response_time(cast):
    url = f"/api/v1/projects/{cast.project.pk}/client-response-time/"
    before = api(cast.rep).get(url).json()["client_response_days"]
    assert put(cast.rep, url, {"client_response_days": 9}).status_code == 403
    assert put(cast.teammate, url, {"client_response_days": 9}).status_code == 403
    assert put(cast.outsider, url, {"client_response_days": 9}).status_code == 404
    bad = put(cast.pm, url, {"client_response_days": 0})
    assert bad.status_code == 400
    assert "client_response_days" in bad.json()
    assert not ClientResponseTime.objects.filter(project=cast.project).exists()
    response = put(cast.pm, url, {"client_response_days": 9})
    assert (response.status_code, response.json()) == (200, {"client_response_days": 9})
    assert ClientResponseTime.objects.get(project=cast.project).client_response_days == 9
    assert api(cast.rep).get(url).json() == {"client_response_days": 9} != before
    close(cast.project)
    response = put(cast.pm, url, {"client_response_days": 4})
    assert (response.status_code, response.json()) == (409, CLOSED)
    assert ClientResponseTime.objects.get(project=cast.project).client_response_days == 9


# --- Attachments ---------------------------------------------------------------------------------


def test_uploader_or_pm_removes_an_attachment(cast):
    requirement = requirement_create(
        actor=cast.pm, project=cast.project, title="Scan barcodes", visibility=Visibility.CLIENT
    )
    [by_rep] = attachments_add(
        actor=cast.rep, target=requirement, files=[SimpleUploadedFile("a.txt", b"a")]
    )
    [by_pm] = attachments_add(
        actor=cast.pm, target=requirement, files=[SimpleUploadedFile("b.txt", b"b")]
    )
    assert delete(cast.rep, f"/api/v1/attachments/{by_pm.pk}/").status_code == 403
    assert delete(cast.teammate, f"/api/v1/attachments/{by_rep.pk}/").status_code == 403
    assert delete(cast.other_client_rep, f"/api/v1/attachments/{by_rep.pk}/").status_code == 404
    assert Attachment.objects.filter(pk__in=[by_rep.pk, by_pm.pk]).count() == 2
    assert delete(cast.rep, f"/api/v1/attachments/{by_rep.pk}/").status_code == 204
    assert not Attachment.objects.filter(pk=by_rep.pk).exists()
    close(cast.project)
    with transaction.atomic():  # the guard refuses inside Django's delete, without a savepoint
        response = delete(cast.pm, f"/api/v1/attachments/{by_pm.pk}/")
    assert (response.status_code, response.json()) == (409, CLOSED)
    assert Attachment.objects.filter(pk=by_pm.pk).exists()


# --- Survey automations ----------------------------------------------------------------------


def test_pm_or_am_stops_a_survey_automation(cast):
    automation = automation_create(
        actor=cast.pm,
        project=cast.project,
        template=survey_template_default(),
        trigger="project_closed",
    )
    url = f"/api/v1/projects/{cast.project.pk}/survey-automations/{automation.pk}/stop/"
    for role, status in [("teammate", 403), ("rep", 403), ("outsider", 404)]:
        assert post(getattr(cast, role), url).status_code == status
    automation.refresh_from_db()
    assert automation.is_active
    response = post(cast.am, url)
    assert response.status_code == 200
    assert response.json()["id"] == automation.pk
    automation.refresh_from_db()
    assert not automation.is_active
    assert post(cast.pm, url).status_code == 404  # stopped: no more among the active ones


# --- Survey templates ----------------------------------------------------------------------------


@pytest.fixture
def survey_template(cast):
    template = survey_template_create(
        actor=cast.pm, name="Go-live pulse", description="After the go-live."
    )
    survey_question_add(actor=cast.pm, template=template, kind="nps", text="Recommend us?")
    survey_question_add(
        actor=cast.pm,
        template=template,
        kind="single_choice",
        text="Which site?",
        choices=["North | 北", "South | 南"],
        is_required=False,
    )
    return template


def template_url(template, tail=""):
    return f"/api/v1/survey-templates/{template.pk}/{tail}"


def _send_once(cast, template):
    """A campaign of the template: from then on its questions are frozen."""
    campaign_create(
        actor=cast.pm,
        project=cast.project,
        template=template,
        name="Pulse",
        closes_at=timezone.now() + timedelta(days=14),
    )


def test_pm_or_am_archives_a_survey_template(cast, survey_template):
    url = template_url(survey_template, "archive/")
    for role in ["teammate", "outsider", "client_admin", "rep"]:
        assert post(getattr(cast, role), url).status_code == 403
    survey_template.refresh_from_db()
    assert not survey_template.is_archived
    response = post(cast.am, url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["is_archived"]) == (survey_template.pk, True)
    assert [question["text"] for question in body["questions"]] == ["Recommend us?", "Which site?"]
    survey_template.refresh_from_db()
    assert survey_template.is_archived
    listed = api(cast.pm).get("/api/v1/survey-templates/").json()
    assert survey_template.pk not in [row["id"] for row in listed["results"]]


def test_the_default_survey_template_is_not_archived(cast):
    default = survey_template_default()
    response = post(cast.pm, template_url(default, "archive/"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    default.refresh_from_db()
    assert (default.is_default, default.is_archived) == (True, False)


def test_staff_admin_copies_a_survey_template(cast, survey_template):
    _send_once(cast, survey_template)
    response = post(cast.staff_admin, template_url(survey_template, "copy/"), {"name": " Pulse 2 "})
    assert response.status_code == 201, response.content
    copy = SurveyTemplate.objects.get(pk=response.json()["id"])
    assert (copy.name, copy.description, copy.is_default, copy.is_archived) == (
        "Pulse 2",
        "After the go-live.",
        False,
        False,
    )
    assert list(
        copy.questions.values_list("position", "kind", "text", "choices", "is_required")
    ) == [
        (1, "nps", "Recommend us?", [], True),
        (
            2,
            "single_choice",
            "Which site?",
            [{"en": "North", "zh-hans": "北"}, {"en": "South", "zh-hans": "南"}],
            False,
        ),
    ]
    body = response.json()
    assert body["name"] == "Pulse 2"
    assert [question["text"] for question in body["questions"]] == ["Recommend us?", "Which site?"]
    assert survey_template.questions.count() == 2  # the original keeps its questions


def test_survey_template_copy_refused_to_others_and_on_bad_input(cast, survey_template):
    url = template_url(survey_template, "copy/")
    names = sorted(SurveyTemplate.objects.values_list("name", flat=True))
    questions = SurveyQuestion.objects.count()
    for role in ["teammate", "outsider", "client_admin", "rep"]:
        assert post(getattr(cast, role), url, {"name": "Ours"}).status_code == 403
    for data, field in [({}, "name"), ({"name": "  "}, "name"), ({"name": "x" * 201}, "name")]:
        response = post(cast.pm, url, data)
        assert response.status_code == 400
        assert field in response.json()
    assert post(cast.pm, "/api/v1/survey-templates/999999/copy/", {"name": "A"}).status_code == 404
    assert sorted(SurveyTemplate.objects.values_list("name", flat=True)) == names
    assert "Go-live pulse" in names
    assert SurveyQuestion.objects.count() == questions


def test_pm_removes_a_question_of_an_unsent_survey_template(cast, survey_template):
    first, second = survey_template.questions.order_by("position")
    url = template_url(survey_template, f"questions/{first.pk}/")
    for role in ["teammate", "outsider", "client_admin", "rep"]:
        assert delete(getattr(cast, role), url).status_code == 403
    other = survey_template_create(actor=cast.pm, name="Other")
    assert delete(cast.pm, template_url(other, f"questions/{first.pk}/")).status_code == 404
    assert survey_template.questions.count() == 2
    response = delete(cast.pm, url)
    assert response.status_code == 204
    assert list(survey_template.questions.all()) == [second]
    assert delete(cast.pm, url).status_code == 404


def test_a_question_of_a_sent_survey_template_stays(cast, survey_template):
    _send_once(cast, survey_template)
    question = survey_template.questions.first()
    response = delete(cast.am, template_url(survey_template, f"questions/{question.pk}/"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert survey_template.questions.count() == 2


# --- Status reports: recipients, the summary, the preview -----------------------------------------


@pytest.fixture
def report_schedule(cast):
    return schedule_save(
        actor=cast.pm,
        project=cast.project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP],
        is_active=True,
        extra_recipients=[ExtraAddress("sponsor@a.test", "Sam Sponsor", "en")],
    )


def schedule_url(cast, tail=""):
    return f"/api/v1/projects/{cast.project.pk}/report-schedule/{tail}"


def _recipients(schedule):
    schedule.refresh_from_db()
    extras = list(schedule.extra_recipients.values_list("email", "name", "language"))
    return (schedule.is_active, schedule.recipient_roles, extras, schedule.revision)


RECIPIENTS = {
    "is_active": False,
    "recipient_roles": ["client_viewer", "client_admin"],
    "extra_recipients": [{"email": "cfo@a.test", "name": "Chen", "language": "zh-hans"}],
}


def test_client_admin_sets_who_receives_the_reports(cast, report_schedule):
    revision = report_schedule.revision
    response = put(
        cast.client_admin,
        schedule_url(cast, "recipients/"),
        RECIPIENTS,
        HTTP_IF_MATCH=f'"{revision}"',
    )
    assert response.status_code == 200, response.content
    assert _recipients(report_schedule) == (
        False,
        ["client_admin", "client_viewer"],
        [("cfo@a.test", "Chen", "zh-hans")],
        revision + 1,
    )
    assert report_schedule.next_run_at is None  # paused
    assert (report_schedule.cadence, report_schedule.hour) == ("weekly", 9)
    body = response.json()
    assert (body["is_active"], body["recipient_roles"]) == (
        False,
        ["client_admin", "client_viewer"],
    )
    assert body["extra_recipients"] == [
        {"email": "cfo@a.test", "name": "Chen", "language": "zh-hans"}
    ]
    assert response["ETag"] == f'"{revision + 1}"'


def test_an_address_without_a_language_is_english(cast, report_schedule):
    data = {"extra_recipients": [{"email": "ops@a.test"}]}
    response = patch(cast.client_admin, schedule_url(cast, "recipients/"), data)
    assert response.status_code == 200, response.content
    assert _recipients(report_schedule)[:3] == (
        True,
        ["client_admin", "customer_rep"],
        [("ops@a.test", "", "en")],
    )


def test_pm_pauses_the_reports_and_only_that_changes(cast, report_schedule):
    before = _recipients(report_schedule)
    response = patch(cast.pm, schedule_url(cast, "recipients/"), {"is_active": False})
    assert response.status_code == 200, response.content
    assert _recipients(report_schedule) == (False, *before[1:3], before[3] + 1)
    assert response.json()["is_active"] is False


@pytest.mark.parametrize(
    ("role", "status"),
    [("rep", 403), ("viewer", 403), ("am", 403), ("teammate", 403), ("other_client_rep", 404)],
)
def test_recipients_refused_to_others(cast, report_schedule, role, status):
    before = _recipients(report_schedule)
    url = schedule_url(cast, "recipients/")
    assert put(getattr(cast, role), url, RECIPIENTS).status_code == status
    assert patch(getattr(cast, role), url, {"is_active": False}).status_code == status
    assert _recipients(report_schedule) == before


@pytest.mark.parametrize(
    ("method", "data", "field"),
    [
        (put, {"is_active": True, "recipient_roles": ["client_admin"]}, "extra_recipients"),
        (patch, {"recipient_roles": ["project_manager"]}, "recipient_roles"),
        (patch, {"extra_recipients": [{"email": "not-an-address"}]}, "extra_recipients"),
        (
            patch,
            {"extra_recipients": [{"email": "a@a.test"}, {"email": "A@a.test"}]},
            "extra_recipients",
        ),
        (patch, {"is_active": "sometimes"}, "is_active"),
    ],
)
def test_recipients_bad_input_changes_nothing(cast, report_schedule, method, data, field):
    before = _recipients(report_schedule)
    response = method(cast.client_admin, schedule_url(cast, "recipients/"), data)
    assert response.status_code == 400
    assert field in response.json()
    assert _recipients(report_schedule) == before


def test_recipients_with_a_stale_revision_or_no_schedule_are_conflicts(cast, report_schedule):
    before = _recipients(report_schedule)
    url = schedule_url(cast, "recipients/")
    stale = patch(cast.client_admin, url, {"is_active": False}, HTTP_IF_MATCH='"99"')
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")
    assert _recipients(report_schedule) == before
    report_schedule.delete()
    response = put(cast.client_admin, url, RECIPIENTS)
    assert (response.status_code, response.json()["code"]) == (409, "no_schedule")
    assert not ReportSchedule.objects.exists()
    assert not ExtraRecipient.objects.exists()


def test_pm_writes_the_summary_for_the_next_report(cast, report_schedule):
    url = schedule_url(cast, "summary/")
    revision = report_schedule.revision
    response = put(
        cast.pm, url, {"summary": "The pilot went **live**."}, HTTP_IF_MATCH=f'"{revision}"'
    )
    assert response.status_code == 200, response.content
    report_schedule.refresh_from_db()
    assert report_schedule.summary == "The pilot went **live**."
    assert report_schedule.summary_updated_by == cast.pm
    assert report_schedule.revision == revision + 1
    body = response.json()
    assert (body["summary"], body["summary_updated_by"], body["revision"]) == (
        "The pilot went **live**.",
        "Paula PM",
        revision + 1,
    )
    assert response["ETag"] == f'"{revision + 1}"'
    read = api(cast.pm).get(url)
    assert (read.status_code, read.json()) == (200, body)


@pytest.mark.parametrize(
    ("role", "status"),
    [("am", 403), ("teammate", 403), ("client_admin", 403), ("rep", 403), ("outsider", 404)],
)
def test_summary_is_the_pms_only(cast, report_schedule, role, status):
    url = schedule_url(cast, "summary/")
    assert api(getattr(cast, role)).get(url).status_code == status
    assert put(getattr(cast, role), url, {"summary": "Ours"}).status_code == status
    report_schedule.refresh_from_db()
    assert (report_schedule.summary, report_schedule.summary_updated_by) == ("", None)


def test_summary_bad_input_or_stale_revision_changes_nothing(cast, report_schedule):
    url = schedule_url(cast, "summary/")
    for data in [{}, {"summary": "x" * 20001}, {"summary": None}]:
        response = put(cast.pm, url, data)
        assert response.status_code == 400
        assert "summary" in response.json()
    stale = put(cast.pm, url, {"summary": "Late"}, HTTP_IF_MATCH='"99"')
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")
    report_schedule.refresh_from_db()
    assert (report_schedule.summary, report_schedule.summary_updated_at) == ("", None)


def test_report_schedule_writes_refused_on_a_closed_project(cast, report_schedule):
    before = _recipients(report_schedule)
    close(cast.project)
    for user, method, tail, data in [
        (cast.client_admin, put, "recipients/", RECIPIENTS),
        (cast.pm, patch, "recipients/", {"is_active": False}),
        (cast.pm, put, "summary/", {"summary": "Late"}),
    ]:
        response = method(user, schedule_url(cast, tail), data)
        assert (response.status_code, response.json()) == (409, CLOSED)
    assert _recipients(report_schedule) == before
    assert report_schedule.summary == ""


def test_pm_previews_the_next_report_as_the_client_will_get_it(cast, report_schedule):
    risk_create(
        actor=cast.pm, project=cast.project, title="Vendor insolvency", probability=5, impact=5
    )
    risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Scanner supply",
        probability=3,
        impact=3,
        visibility=Visibility.CLIENT,
    )
    requirement_create(actor=cast.pm, project=cast.project, title="Internal spike")
    project_health_override(
        actor=cast.pm, project=cast.project, status="amber", reason="Internal: vendor trouble"
    )
    put(cast.pm, schedule_url(cast, "summary/"), {"summary": "On track."})
    report_schedule.refresh_from_db()
    revision = report_schedule.revision
    emails = OutboxMessage.objects.count()
    url = f"/api/v1/projects/{cast.project.pk}/reports/preview/"
    response = api(cast.pm).get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    snapshot = body["snapshot"]
    assert (body["period_start"], body["period_end"]) == (
        snapshot["period"]["start"],
        snapshot["period"]["end"],
    )
    assert snapshot["project"]["name"] == cast.project.name
    assert snapshot["summary"] == "On track."
    assert [risk["title"] for risk in snapshot["risks"]] == ["Scanner supply"]
    assert snapshot["health"]["status"] == "amber"
    assert snapshot["health"]["reasons"] == {"en": [], "zh-hans": []}
    text = response.content.decode()
    for internal in ["Vendor insolvency", "Internal spike", "vendor trouble"]:
        assert internal not in text
    # A read: no report, no delivery, no e-mail; the summary and the PM's health override stay.
    assert not Report.objects.exists()
    assert not ReportDelivery.objects.exists()
    assert OutboxMessage.objects.count() == emails
    report_schedule.refresh_from_db()
    assert (report_schedule.summary, report_schedule.revision) == ("On track.", revision)
    project = Project.objects.get(pk=cast.project.pk)
    assert (project.health_override, project.health_override_reason) == (
        "amber",
        "Internal: vendor trouble",
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("am", 403),
        ("teammate", 403),
        ("client_admin", 403),
        ("rep", 403),
        ("other_client_rep", 404),
        ("outsider", 404),
    ],
)
def test_preview_is_the_pms_only(cast, report_schedule, role, status):
    url = f"/api/v1/projects/{cast.project.pk}/reports/preview/"
    assert api(getattr(cast, role)).get(url).status_code == status


def test_preview_without_a_schedule_is_a_conflict(cast):
    response = api(cast.pm).get(f"/api/v1/projects/{cast.project.pk}/reports/preview/")
    assert (response.status_code, response.json()["code"]) == (409, "no_schedule")
