"""The survey API: same services and rules as the pages; bad input is a 400 naming the field."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Campaign, SurveyInvitation, SurveyQuestion, SurveyResponse
from tests.feedback.surveys.helpers import make_template, send_campaign
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def test_the_am_sends_a_campaign_through_the_api(am, rep, project):
    template = make_template(am)
    url = f"/api/v1/projects/{project.pk}/survey-campaigns/"
    closes = (timezone.now() + timedelta(days=7)).isoformat()
    response = logged_in(am).post(
        url,
        {"name": "API pulse", "template": template.pk, "closes_at": closes},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "API pulse"
    assert Campaign.objects.get().created_by == am


def test_a_window_that_closes_before_it_opens_is_a_400_naming_the_field(am, project):
    template = make_template(am)
    response = logged_in(am).post(
        f"/api/v1/projects/{project.pk}/survey-campaigns/",
        {"name": "x", "template": template.pk, "closes_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "closes_at" in response.json()
    assert not Campaign.objects.exists()


def test_a_question_text_too_long_is_refused_not_cut(am):
    template = make_template(am, name="Fresh")
    response = logged_in(am).post(
        f"/api/v1/survey-templates/{template.pk}/questions/",
        {"kind": "free_text", "text": "x" * 501},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "text" in response.json()
    assert not SurveyQuestion.objects.filter(text__startswith="xxx").exists()


def test_a_topic_rating_needs_its_topic(am):
    template = make_template(am, name="Fresh")
    response = logged_in(am).post(
        f"/api/v1/survey-templates/{template.pk}/questions/",
        {"kind": "topic_rating", "text": "Rate us"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "topic": ["Choose the topic this question rates."],
        "code": "invalid",
    }


def test_a_sent_template_is_frozen(am, rep, project):
    template = make_template(am)
    send_campaign(am, project, template)
    response = logged_in(am).post(
        f"/api/v1/survey-templates/{template.pk}/questions/",
        {"kind": "free_text", "text": "Anything else?"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_the_representative_answers_through_the_api(am, rep, project):
    campaign = send_campaign(am, project, make_template(am))
    invitation = SurveyInvitation.objects.get(campaign=campaign, person=rep)
    mine = logged_in(rep).get("/api/v1/my-surveys/").json()["results"]
    assert [row["id"] for row in mine] == [invitation.pk]
    nps = campaign.template.questions.get(kind="nps")
    bad = logged_in(rep).post(
        f"/api/v1/my-surveys/{invitation.pk}/respond/",
        {"answers": {str(nps.pk): 12}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {f"q{nps.pk}": ["Give a score from 0 to 10."]}
    assert not SurveyResponse.objects.exists()
    good = logged_in(rep).post(
        f"/api/v1/my-surveys/{invitation.pk}/respond/",
        {"answers": {str(nps.pk): 9}},
        content_type="application/json",
    )
    assert good.status_code == 200
    assert good.json()["nps"] == 9


def test_csv_export_neutralises_formulas(am, rep, project):
    project.name = '=HYPERLINK("http://evil")'
    project.save()
    campaign = send_campaign(am, project, make_template(am))
    from tests.feedback.surveys.helpers import answer

    answer(SurveyInvitation.objects.get(campaign=campaign), nps=10)
    response = logged_in(am).get(reverse("feedback:dashboard_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Client", "Project", "Invited"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][6] == "100.0"
