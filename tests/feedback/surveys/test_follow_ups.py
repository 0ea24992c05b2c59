"""Closing a detractor follow-up: the project's AM or PM, with a note; the note stays internal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from feedback.models import DetractorFollowUp, SurveyInvitation
from feedback.selectors.satisfaction import DashboardFilters, default_filters, satisfaction_totals
from feedback.services.follow_ups import follow_up_close
from tests.feedback.surveys.helpers import answer, make_template, send_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(am, pm, rep, project):
    campaign = send_campaign(am, project, make_template(am))
    answer(SurveyInvitation.objects.get(campaign=campaign, person=rep), nps=2, text="Too slow")
    return DetractorFollowUp.objects.get()


def test_the_am_closes_with_a_note_and_it_stops_counting(follow_up, am):
    filters: DashboardFilters = default_filters()
    assert satisfaction_totals(user=am, filters=filters)["open_follow_ups"] == 1
    follow_up_close(actor=am, follow_up=follow_up, note="Called Rory; agreed weekly demos.")
    follow_up.refresh_from_db()
    assert follow_up.status == DetractorFollowUp.Status.CLOSED
    assert follow_up.closed_by == am
    assert satisfaction_totals(user=am, filters=filters)["open_follow_ups"] == 0
    with pytest.raises(InvalidTransition):
        follow_up_close(actor=am, follow_up=follow_up, note="again")


def test_a_note_is_required(follow_up, am):
    with pytest.raises(InvalidInput) as error:
        follow_up_close(actor=am, follow_up=follow_up, note="   ")
    assert error.value.field == "note"
    assert DetractorFollowUp.objects.get().status == DetractorFollowUp.Status.OPEN


@pytest.mark.parametrize("who", ["teammate", "rep", "client_admin", "staff_admin", "outsider"])
def test_only_the_projects_pm_and_am_close(follow_up, who, request):
    with pytest.raises(NotAllowed):
        follow_up_close(actor=request.getfixturevalue(who), follow_up=follow_up, note="Done")
    assert DetractorFollowUp.objects.get().status == DetractorFollowUp.Status.OPEN


def test_closing_on_the_page(follow_up, am):
    client = Client()
    client.force_login(am)
    url = reverse("feedback:follow_up", kwargs={"follow_up_id": follow_up.pk})
    page = client.get(url).content.decode()
    assert "Too slow" in page
    refused = client.post(url, {"note": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    done = client.post(url, {"note": "Apologised; new plan agreed."})
    assert done.status_code == 302
    assert "Apologised; new plan agreed." in client.get(url).content.decode()


def test_each_person_reads_their_own_follow_ups(follow_up, am, other_project, provider):
    """The follow-ups' query is compiled once for every AM and read with each one's id."""
    from feedback.selectors.satisfaction import open_follow_ups
    from tests.factories import UserFactory, add_member

    other_am = UserFactory(email="am2@provider.test", organization=provider)
    add_member(other_project, other_am, "am")
    filters = default_filters()
    for _ in range(2):
        assert open_follow_ups(user=am, filters=filters) == ([follow_up], 1)
        assert open_follow_ups(user=other_am, filters=filters) == ([], 0)
    rows, _count = open_follow_ups(user=am, filters=filters)
    assert rows[0].project.client.name == follow_up.project.client.name
    assert rows[0].response.respondent_id == follow_up.response.respondent_id
    other_am.is_active = False
    assert open_follow_ups(user=other_am, filters=filters) == ([], 0)
