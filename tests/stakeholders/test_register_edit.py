"""Keeping the register, the communication plan, the RACI and meetings up to date: the PM edits
and removes entries, clears RACI cells, rows by deliverable and cells for members of either
side; meetings are rescheduled with their attendees. Bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from projects.models import Visibility
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from stakeholders.models import CommunicationItem, Meeting, RaciAssignment, Stakeholder
from stakeholders.services.meetings import meeting_create
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(cast) -> Stakeholder:
    return stakeholder_create(
        actor=cast.pm, project=cast.project, name="Dana Director", influence=4, interest=3
    )


def _edit_url(cast, stakeholder) -> str:
    return reverse("stakeholders:stakeholder", args=[cast.project.pk, stakeholder.pk])


def _delete_url(cast, stakeholder) -> str:
    return reverse("stakeholders:stakeholder_delete", args=[cast.project.pk, stakeholder.pk])


def _stakeholder_post(**overrides) -> dict:
    data = {
        "name": "Dana Director",
        "organisation": "Client A",
        "role": "Sponsor",
        "contact": "dana@a.test",
        "influence": "5",
        "interest": "4",
        "attitude": "supportive",
        "engagement_strategy": "Monthly lunch",
        "visibility": Visibility.CLIENT,
    }
    data.update(overrides)
    return data


def test_the_pm_edits_a_stakeholder(cast, dana):
    page = logged_in(cast.pm).get(_edit_url(cast, dana))
    assert page.status_code == 200
    assert 'value="Dana Director"' in page.content.decode()
    response = logged_in(cast.pm).post(_edit_url(cast, dana), _stakeholder_post())
    assert response.status_code == 302
    dana.refresh_from_db()
    assert (dana.influence, dana.interest, dana.attitude) == (5, 4, "supportive")
    assert dana.engagement_strategy == "Monthly lunch"


@pytest.mark.parametrize(
    ("field", "value"), [("influence", "7"), ("interest", "0"), ("name", ""), ("attitude", "x")]
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(cast, dana, field, value):
    response = logged_in(cast.pm).post(_edit_url(cast, dana), _stakeholder_post(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    dana.refresh_from_db()
    assert (dana.influence, dana.interest, dana.attitude) == (4, 3, "neutral")


@pytest.mark.parametrize("name", ["teammate", "am"])
def test_the_rest_of_the_team_cannot_edit(cast, dana, name):
    response = logged_in(getattr(cast, name)).post(
        _edit_url(cast, dana), _stakeholder_post(influence="1")
    )
    assert response.status_code == 403
    dana.refresh_from_db()
    assert dana.influence == 4


def test_a_stakeholder_of_another_project_is_not_found(cast, dana):
    url = reverse("stakeholders:stakeholder", args=[cast.project.pk, 999_999])
    assert logged_in(cast.pm).get(url).status_code == 404


def test_removing_the_accountable_person_of_a_shared_row_is_refused(cast, dana):
    raci_assign(actor=cast.pm, project=cast.project, letter="A", work_area="Data", stakeholder=dana)
    raci_assign(
        actor=cast.pm, project=cast.project, letter="C", work_area="Data", user=cast.client_admin
    )
    client = logged_in(cast.pm)
    response = client.post(_delete_url(cast, dana), follow=True)
    assert "give the A to someone else first" in response.content.decode()
    assert Stakeholder.objects.filter(pk=dana.pk).exists()

    # Give the A to the client admin: now Dana goes, with her letters.
    raci_assign(
        actor=cast.pm, project=cast.project, letter="A", work_area="Data", user=cast.client_admin
    )
    response = client.post(_delete_url(cast, dana))
    assert response.status_code == 302
    assert not Stakeholder.objects.filter(pk=dana.pk).exists()
    assert list(
        RaciAssignment.objects.filter(project=cast.project).values_list("user", "letter")
    ) == [(cast.client_admin.pk, "A")]


def test_the_pm_edits_and_removes_a_communication_line(cast, dana):
    item = communication_item_create(
        actor=cast.pm, project=cast.project, what="Status report", recipients=[dana]
    )
    url = reverse("stakeholders:communication_item", args=[cast.project.pk, item.pk])
    client = logged_in(cast.pm)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "what": "Status report (PDF)",
            "recipients": [dana.pk],
            "sender": cast.pm.pk,
            "channel": "E-mail",
            "frequency": "Weekly",
            "visibility": Visibility.CLIENT,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.what, item.sender, item.frequency) == ("Status report (PDF)", cast.pm, "Weekly")

    refused = client.post(url, {"what": "", "visibility": Visibility.CLIENT})
    assert refused.status_code == 400
    item.refresh_from_db()
    assert item.what == "Status report (PDF)"

    delete = reverse("stakeholders:communication_item_delete", args=[cast.project.pk, item.pk])
    assert logged_in(cast.teammate).post(delete).status_code == 403
    assert client.post(delete).status_code == 302
    assert not CommunicationItem.objects.filter(pk=item.pk).exists()


def test_the_pm_adds_to_the_register_and_the_plan_through_the_register_page(cast, dana):
    register = reverse("stakeholders:register", args=[cast.project.pk])
    client = logged_in(cast.pm)
    page = client.get(register).content.decode()
    for name in ("stakeholder_add", "communication_item_add", "raci_set"):
        assert f'action="{reverse(f"stakeholders:{name}", args=[cast.project.pk])}"' in page

    add = reverse("stakeholders:communication_item_add", args=[cast.project.pk])
    response = client.post(
        add, {"what": "Monthly review", "recipients": [dana.pk], "visibility": Visibility.CLIENT}
    )
    assert response.status_code == 302
    assert response.url == register
    assert CommunicationItem.objects.filter(what="Monthly review").exists()

    refused = client.post(add, {"what": "", "visibility": Visibility.CLIENT})
    assert refused.status_code == 400
    assert refused.context["communication_form"].errors["what"]
    assert "stakeholders/register.html" in [t.name for t in refused.templates]
    assert logged_in(cast.teammate).post(add, {"what": "Sneak"}).status_code == 403
    assert not CommunicationItem.objects.filter(what="Sneak").exists()


def test_raci_rows_by_deliverable_members_of_either_side_and_clearing_a_cell(cast, dana):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 3, 1)
    )
    runbook = deliverable_create(actor=cast.pm, milestone=milestone, name="Runbook", criteria=[])
    register = reverse("stakeholders:register", args=[cast.project.pk])
    url = reverse("stakeholders:raci_set", args=[cast.project.pk])
    client = logged_in(cast.pm)

    def cell(**data):
        return client.post(url, data)

    assert cell(deliverable=runbook.pk, user=cast.teammate.pk, letter="A").status_code == 302
    assert cell(deliverable=runbook.pk, user=cast.rep.pk, letter="C").status_code == 302
    assert cell(deliverable=runbook.pk, stakeholder=dana.pk, letter="I").status_code == 302
    rows = RaciAssignment.objects.filter(project=cast.project, deliverable=runbook)
    assert sorted(rows.values_list("letter", flat=True)) == ["A", "C", "I"]

    assert cell(deliverable=runbook.pk, stakeholder=dana.pk, letter="clear").status_code == 302
    assert sorted(rows.values_list("letter", flat=True)) == ["A", "C"]
    empty = cell(deliverable=runbook.pk, stakeholder=dana.pk, letter="clear")
    assert empty.status_code == 400
    assert "already empty" in empty.content.decode()
    # The A of a row with other letters stays until someone else holds it.
    kept = cell(deliverable=runbook.pk, user=cast.teammate.pk, letter="clear")
    assert kept.status_code == 400
    assert sorted(rows.values_list("letter", flat=True)) == ["A", "C"]
    # Neither a work area nor a deliverable: a message, nothing stored.
    assert cell(user=cast.rep.pk, letter="R").status_code == 400
    assert rows.count() == 2
    page = client.get(register).content.decode()
    assert "Runbook" in page


def test_meetings_take_attendees_of_both_kinds_and_are_rescheduled(cast, dana):
    client = logged_in(cast.pm)
    response = client.post(
        reverse("stakeholders:meetings", args=[cast.project.pk]),
        {
            "title": "Steering",
            "visibility": "client",
            "starts_at": "2027-01-12T10:00",
            "location": "Room 2",
            "agenda": "1. Budget",
            "attendees": [cast.pm.pk, cast.rep.pk],
            "stakeholder_attendees": [dana.pk],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Steering")
    assert set(meeting.attendees.all()) == {cast.pm, cast.rep}
    assert list(meeting.stakeholder_attendees.all()) == [dana]

    url = reverse("stakeholders:meeting_edit", args=[cast.project.pk, meeting.pk])
    edit = {
        "title": "Steering committee",
        "visibility": "client",
        "starts_at": "2027-01-19T10:00",
        "location": "Room 3",
        "agenda": "1. Budget\n2. Scope",
        "attendees": [cast.client_admin.pk],
    }
    assert client.post(url, edit).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Steering committee"
    assert meeting.starts_at.date() == date(2027, 1, 19)
    assert list(meeting.attendees.all()) == [cast.client_admin]
    assert not meeting.stakeholder_attendees.exists()

    # Someone outside the project cannot be an attendee; nothing changes.
    refused = client.post(url, {**edit, "title": "Other", "attendees": [cast.other_client_rep.pk]})
    assert refused.status_code == 400
    meeting.refresh_from_db()
    assert meeting.title == "Steering committee"


def test_a_client_cannot_edit_a_meeting(cast):
    meeting = meeting_create(
        actor=cast.pm,
        project=cast.project,
        title="Kick-off",
        starts_at=datetime(2027, 1, 5, 9, tzinfo=UTC),
        minutes_visibility=Visibility.CLIENT,
        visibility=Visibility.CLIENT,
    )
    url = reverse("stakeholders:meeting_edit", args=[cast.project.pk, meeting.pk])
    response = logged_in(cast.rep).post(url, {"title": "Hacked", "starts_at": "2027-01-05T09:00"})
    assert response.status_code in (302, 403)
    meeting.refresh_from_db()
    assert meeting.title == "Kick-off"
