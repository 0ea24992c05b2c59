"""A client user never sees another client's responses, a colleague's answers, a follow-up or
its internal note: not in the API, the portal, nor the dashboard's figures."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from feedback.models import DetractorFollowUp, SurveyInvitation
from feedback.services.follow_ups import follow_up_close
from notifications.models import OutboxMessage
from tests.feedback.surveys.helpers import answer, make_template, send_campaign
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

NOTE = "Internal: discount offered to keep the account"


@pytest.fixture
def answered(am, pm, rep, client_admin, other_client_rep, project, other_project, outsider):
    template = make_template(am)
    mine = send_campaign(am, project, template)
    answer(SurveyInvitation.objects.get(campaign=mine, person=rep), nps=2, text="A's secret")
    # Client B's project, surveyed by its own AM.
    from tests.factories import add_member

    add_member(other_project, outsider, "am")
    theirs = send_campaign(outsider, other_project, template, name="B pulse")
    answer(
        SurveyInvitation.objects.get(campaign=theirs, person=other_client_rep),
        nps=1,
        text="B's secret",
    )
    follow_up_close(actor=am, follow_up=DetractorFollowUp.objects.get(project=project), note=NOTE)
    return mine


def _get(user, url):
    return logged_in(user).get(url)


def test_clients_see_only_their_own_response_in_the_api(answered, rep, client_admin, viewer):
    body = json.dumps(_get(rep, "/api/v1/survey-responses/").json())
    assert "A's secret" in body
    assert "B's secret" not in body
    for colleague in (client_admin, viewer):
        data = _get(colleague, "/api/v1/survey-responses/").json()
        assert data["results"] == []


def test_another_clients_rep_sees_nothing_of_client_a(answered, other_client_rep):
    body = json.dumps(_get(other_client_rep, "/api/v1/survey-responses/").json())
    assert "A's secret" not in body
    assert "B's secret" in body
    assert _get(other_client_rep, "/api/v1/survey-follow-ups/").json()["results"] == []
    assert _get(other_client_rep, "/api/v1/satisfaction/").status_code == 403


def test_no_client_sees_a_follow_up_or_its_note(answered, rep, client_admin):
    follow_up = DetractorFollowUp.objects.get(project=answered.project)
    for person in (rep, client_admin):
        assert _get(person, "/api/v1/survey-follow-ups/").json()["results"] == []
        assert _get(person, f"/api/v1/survey-follow-ups/{follow_up.pk}/").status_code == 404
        portal = _get(person, reverse("feedback:portal_surveys")).content.decode()
        home = _get(person, reverse("portal:home")).content.decode()
        for page in (portal, home):
            assert NOTE not in page
            assert "B pulse" not in page
    # Nor in any e-mail to a client.
    for message in OutboxMessage.objects.exclude(to_email__endswith="@provider.test"):
        assert NOTE not in message.body_text


def test_the_am_of_client_a_sees_neither_client_bs_responses_nor_figures(answered, am):
    body = json.dumps(_get(am, "/api/v1/survey-responses/").json())
    assert "A's secret" in body
    assert "B's secret" not in body
    figures = _get(am, "/api/v1/satisfaction/").json()
    assert [row["campaign__project__client__name"] for row in figures["by_client"]] == ["Client A"]
    page = _get(am, reverse("feedback:dashboard")).content.decode()
    assert "Client B" not in page
    csv_export = _get(am, reverse("feedback:dashboard_csv")).content.decode()
    assert "B One" not in csv_export


def test_filtering_the_dashboard_by_another_client_shows_nothing(answered, am, other_project):
    figures = _get(am, f"/api/v1/satisfaction/?client={other_project.client_id}").json()
    assert figures["totals"]["responses"] == 0
    assert figures["by_project"] == []


def test_a_team_member_does_not_reach_satisfaction(answered, teammate):
    assert _get(teammate, "/api/v1/survey-responses/").json()["results"] == []
    assert _get(teammate, reverse("feedback:dashboard")).status_code == 403


def test_the_portal_lists_my_open_survey_under_what_needs_my_decision(am, client_admin, project):
    send_campaign(am, project, make_template(am), name="Autumn pulse")
    home = _get(client_admin, reverse("portal:home")).content.decode()
    assert "Answer the survey: Autumn pulse" in home
    mine = _get(client_admin, reverse("feedback:portal_surveys")).content.decode()
    assert "Autumn pulse" in mine
    assert "/surveys/" in mine
