"""The tokenised link: answers without a login, in the recipient's language; one response per
invitation, changed until the campaign closes; expired, tampered and closed links get a clear
page; bad answers get a message and change nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import (
    DetractorFollowUp,
    QuestionKind,
    SurveyInvitation,
    SurveyOptOut,
    SurveyResponse,
)
from feedback.services.campaigns import campaign_close
from feedback.tokens import invitation_token
from notifications.models import Notification, OutboxMessage
from tests.feedback.surveys.helpers import make_template, send_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(am, pm, rep, project):
    campaign = send_campaign(am, project, make_template(am))
    return SurveyInvitation.objects.get(campaign=campaign, person=rep)


def _url(invitation: SurveyInvitation) -> str:
    return reverse("feedback:survey_answer", kwargs={"token": invitation_token(invitation)})


def _questions(invitation: SurveyInvitation) -> dict[str, int]:
    return {q.kind: q.pk for q in invitation.campaign.template.questions.all()}


def test_the_emailed_link_opens_the_survey_without_login_and_records_the_open(invitation):
    mail = OutboxMessage.objects.get(kind="survey", to_email="rep@a.test")
    path = re.search(r"/surveys/[^\s/]+/", mail.body_text).group(0)
    response = Client().get(path)
    assert response.status_code == 200
    assert "How likely are you to recommend us?" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.open_count == 1
    assert invitation.first_opened_at is not None


def test_answering_then_changing_keeps_one_response(invitation):
    client = Client()
    q = _questions(invitation)
    first = client.post(_url(invitation), {f"q{q['nps']}": "9", f"q{q['csat']}": "4"})
    assert first.status_code == 200
    assert "Thank you for your answers" in first.content.decode()
    second = client.post(
        _url(invitation),
        {f"q{q['nps']}": "10", f"q{q['csat']}": "5", f"q{q['free_text']}": "Great team"},
    )
    assert second.status_code == 200
    response = SurveyResponse.objects.get(invitation=invitation)
    assert (response.nps, response.csat) == (10, 5)
    assert response.answers.get(question_id=q["free_text"]).text == "Great team"
    assert SurveyResponse.objects.count() == 1
    page = client.get(_url(invitation)).content.decode()
    assert "You may change your answers below." in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"nps": "11"}, "nps", "Give a score from 0 to 10."),
        ({"nps": "ten"}, "nps", "Choose one of the answers offered."),
        ({}, "nps", "This question needs an answer."),
        ({"nps": "8", "csat": "0"}, "csat", "Give a score from 1 to 5."),
        ({"nps": "8", "single_choice": "7"}, "single_choice", "Choose one of the answers offered."),
        (
            {"nps": "8", "free_text": "x" * 5001},
            "free_text",
            "Your answer is 5001 characters long; at most 5000 are allowed.",
        ),
    ],
)
def test_bad_answers_get_a_message_and_change_nothing(invitation, values, field, message):
    q = _questions(invitation)
    data = {f"q{q[kind]}": value for kind, value in values.items()}
    response = Client().post(_url(invitation), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert SurveyResponse.objects.count() == 0
    # What the person typed is kept in the form.
    if field == "free_text":
        assert "x" * 5001 in body


def test_a_tampered_link_gets_a_clear_page(invitation):
    token = invitation_token(invitation)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().get(reverse("feedback:survey_answer", kwargs={"token": tampered}))
    assert response.status_code == 400
    assert "This survey link is not valid" in response.content.decode()
    forged = Client().get(reverse("feedback:survey_answer", kwargs={"token": "not-a-token"}))
    assert forged.status_code == 400


def test_a_link_of_a_reissued_invitation_is_refused(invitation):
    url = _url(invitation)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(nonce="changed")
    assert Client().get(url).status_code == 400


def test_an_expired_link_gets_a_clear_page_and_saves_nothing(invitation, settings):
    url = _url(invitation)
    settings.RAPPORT_SURVEY_LINK_MAX_AGE_DAYS = -1
    q = _questions(invitation)
    response = Client().post(url, {f"q{q['nps']}": "9"})
    assert response.status_code == 410
    assert "This survey link has expired" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_a_closed_campaign_refuses_new_and_changed_answers(am, rep, client_admin, project):
    campaign = send_campaign(am, project, make_template(am))
    invitation = SurveyInvitation.objects.get(campaign=campaign, person=rep)
    url = _url(invitation)
    q = _questions(invitation)
    assert Client().post(url, {f"q{q['nps']}": "9"}).status_code == 200
    campaign_close(actor=am, campaign=invitation.campaign)
    reused = Client().post(url, {f"q{q['nps']}": "2"})
    assert reused.status_code == 410
    assert "can no longer be changed" in reused.content.decode()
    assert SurveyResponse.objects.get().nps == 9
    # Someone who never answered sees that the survey is closed.
    other = SurveyInvitation.objects.exclude(pk=invitation.pk).first()
    page = Client().get(_url(other))
    assert page.status_code == 410
    assert "This survey is closed" in page.content.decode()


def test_the_page_speaks_the_recipients_language(am, rep, project):
    rep.language = "zh-hans"
    rep.save()
    campaign = send_campaign(am, project, make_template(am))
    invitation = SurveyInvitation.objects.get(campaign=campaign, person=rep)
    assert invitation.language == "zh-hans"
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url(invitation)).content.decode()
    assert '<html lang="zh-hans"' in page
    assert "您向朋友或同事推荐我们的可能性有多大？" in page
    assert 'name="viewport"' in page
    mail = OutboxMessage.objects.get(kind="survey", to_email=rep.email)
    assert mail.language == "zh-hans"


def test_unsubscribe_from_the_link(invitation):
    url = reverse("feedback:survey_unsubscribe", kwargs={"token": invitation_token(invitation)})
    assert Client().get(url).status_code == 200
    assert not SurveyOptOut.objects.exists()
    response = Client().post(url)
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.unsubscribed_at is not None
    assert SurveyOptOut.objects.filter(person=invitation.person).exists()


def test_a_detractor_opens_one_follow_up_for_the_am(invitation, am, pm):
    q = _questions(invitation)
    Client().post(_url(invitation), {f"q{q['nps']}": "3"})
    Client().post(_url(invitation), {f"q{q['nps']}": "2"})  # changed: still one follow-up
    follow_up = DetractorFollowUp.objects.get()
    assert follow_up.owner == am
    assert follow_up.status == DetractorFollowUp.Status.OPEN
    assert Notification.objects.filter(user=am, url__contains="/follow-ups/").count() == 1
    assert not Notification.objects.filter(user=pm, url__contains="/follow-ups/").exists()
    mail = OutboxMessage.objects.get(to_email=am.email, kind="survey")
    assert "/satisfaction/follow-ups/" in mail.body_text


def test_a_csat_of_two_is_a_detractor_and_a_passive_nps_is_not(invitation):
    q = _questions(invitation)
    Client().post(_url(invitation), {f"q{q['nps']}": "8", f"q{q[QuestionKind.CSAT]}": "3"})
    assert not DetractorFollowUp.objects.exists()
    Client().post(_url(invitation), {f"q{q['nps']}": "8", f"q{q[QuestionKind.CSAT]}": "2"})
    assert DetractorFollowUp.objects.count() == 1
