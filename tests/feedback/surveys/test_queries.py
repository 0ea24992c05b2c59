"""The dashboard, its drill-downs and the API lists keep the same number of queries with 10 and
1,000 responses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import (
    Campaign,
    DetractorFollowUp,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.services.survey_templates import survey_template_default
from tests.feedback.surveys.helpers import bulk_client_people
from tests.helpers import count_queries, logged_in

pytestmark = pytest.mark.django_db


def _bulk_responses(project, count: int, *, offset: int = 0) -> Campaign:
    """`count` people sent a campaign, all answered (a third detractors, with a follow-up),
    over the last months. Bulk-created: the service path is tested elsewhere."""
    template = survey_template_default()
    questions = {q.kind: q for q in template.questions.all()}
    topic = template.questions.filter(kind=QuestionKind.TOPIC_RATING).first()
    now = timezone.now()
    campaign = Campaign.objects.create(
        project=project,
        template=template,
        name=f"Bulk {offset}",
        status=Campaign.Status.OPEN,
        opens_at=now - timedelta(days=200),
        closes_at=now + timedelta(days=1),
        sent_at=now - timedelta(days=200),
    )
    people = bulk_client_people(project, [f"Bulk {offset + i}" for i in range(count)])
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(
            campaign=campaign,
            person=person,
            email=person.email,
            sent_at=now - timedelta(days=i % 180),
            responded_at=now - timedelta(days=i % 180),
        )
        for i, person in enumerate(people)
    )
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            invitation=invitation,
            campaign=campaign,
            project=project,
            client=project.client,
            respondent=invitation.person,
            nps=i % 11,
            csat=i % 5 + 1,
            submitted_at=invitation.sent_at,
            updated_at=invitation.sent_at,
        )
        for i, invitation in enumerate(invitations)
    )
    SurveyAnswer.objects.bulk_create(
        answer
        for i, response in enumerate(responses)
        for answer in (
            SurveyAnswer(response=response, question=questions[QuestionKind.NPS], rating=i % 11),
            SurveyAnswer(response=response, question=topic, rating=i % 5 + 1),
        )
    )
    DetractorFollowUp.objects.bulk_create(
        DetractorFollowUp(response=r, project=project, opened_at=now)
        for r in responses
        if r.nps <= 6
    )
    return campaign


def _count(user, url: str) -> int:
    client = logged_in(user)
    client.get(url)  # warm the session and caches
    return count_queries(client, url)


def _urls(project, campaign) -> list[str]:
    return [
        reverse("feedback:dashboard"),
        reverse("feedback:dashboard") + f"?client={project.client_id}",
        reverse("feedback:dashboard_csv"),
        reverse("feedback:project_responses", kwargs={"project_id": project.pk}),
        reverse("feedback:project_surveys", kwargs={"project_id": project.pk}),
        reverse("feedback:campaign", kwargs={"project_id": project.pk, "campaign_id": campaign.pk}),
        "/api/v1/satisfaction/",
        # Longer than a page with 10 responses too: a list that fits on its first page is
        # counted by its rows, one query fewer (common.api.DeferredJoinPaginator).
        "/api/v1/survey-responses/?page_size=5",
        "/api/v1/survey-follow-ups/?page_size=2",
        f"/api/v1/projects/{project.pk}/survey-campaigns/",
        f"/api/v1/projects/{project.pk}/survey-campaigns/{campaign.pk}/invitations/",
    ]


def test_constant_queries_with_10_and_1000_responses(am, pm, project):
    campaign = _bulk_responses(project, 10)
    small = {url: _count(am, url) for url in _urls(project, campaign)}
    _bulk_responses(project, 990, offset=10)
    assert SurveyResponse.objects.count() == 1000
    large = {url: _count(am, url) for url in _urls(project, campaign)}
    assert large == small


def test_the_figures_hold_for_1000_responses(am, pm, project):
    from feedback.selectors.satisfaction import default_filters, satisfaction_totals

    _bulk_responses(project, 1000)
    totals = satisfaction_totals(user=am, filters=default_filters())
    # nps = i % 11 over 1000: 0..10 each about 91 times; exact counts by hand:
    # promoters (9, 10): i % 11 in {9, 10} -> 91 + 90 = 181; detractors (0..6) -> 7 * 91 = 637.
    assert totals["responses"] == 1000
    assert totals["promoters"] == 181
    assert totals["detractors"] == 637
    assert totals["nps"] == round((181 - 637) / 1000 * 100, 1)
    assert totals["response_rate"] == 100.0


def test_portal_surveys_and_home_keep_constant_queries(am, rep, project, settings):
    from tests.feedback.surveys.helpers import make_template, send_campaign

    settings.RAPPORT_SURVEY_QUIET_DAYS = 0
    template = make_template(am)
    urls = [reverse("feedback:portal_surveys"), reverse("portal:home"), "/api/v1/my-surveys/"]
    for index in range(2):
        send_campaign(am, project, template, name=f"Few {index}")
    few = {url: _count(rep, url) for url in urls}
    for index in range(12):
        send_campaign(am, project, template, name=f"Many {index}")
    assert {url: _count(rep, url) for url in urls} == few


def test_the_dashboard_tables_show_their_first_rows_and_say_how_many_there_are(
    am, pm, project, client_a, monkeypatch
):
    """Three projects of three PMs with responses, two rows a table: the project and PM tables
    list the first two in their order and say how many there are; the export lists all
    three projects."""
    from feedback.views import satisfaction
    from projects.models import Role
    from tests.factories import ProjectFactory, UserFactory, add_member

    monkeypatch.setattr(satisfaction, "DASHBOARD_TABLE_ROWS", 2)
    projects = [project]
    for code, name, pm_name in (("a-two", "A Two", "Quinn PM"), ("a-three", "A Three", "Rita PM")):
        more = ProjectFactory(client=client_a, code=code, name=name)
        add_member(more, am, Role.AM)
        add_member(more, UserFactory(email=f"{code}@provider.test", display_name=pm_name), Role.PM)
        projects.append(more)
    for offset, each in enumerate(projects):
        _bulk_responses(each, 3, offset=10 * offset)

    client = logged_in(am)
    page = client.get(reverse("feedback:dashboard")).content.decode()
    by_project = page.split('data-testid="by-project"')[1].split("</table>")[0]
    assert re.findall(r'data-testid="project-row"><td><a [^>]+>([^<]+)<', by_project) == [
        "A One",
        "A Three",
    ]
    assert "The first 2 of 3 projects" in page
    by_pm = page.split('data-testid="by-pm"')[1].split("</table>")[0]
    assert re.findall(r'data-testid="pm-row"><td>([^<]+)<', by_pm) == ["Paula PM", "Quinn PM"]
    assert "The first 2 of 3 project managers" in page
    export = client.get(reverse("feedback:dashboard_csv")).content.decode()
    assert all(name in export for name in ("A One", "A Two", "A Three"))


def test_the_dashboard_lists_the_oldest_follow_ups_and_shows_them_all_on_request(am, pm, project):
    """34 detractors of 50 responses await follow-up: the dashboard lists the oldest 10, says
    how many there are and links to every one (the filters kept), in as many queries."""
    _bulk_responses(project, 50)
    waiting = DetractorFollowUp.objects.filter(status=DetractorFollowUp.Status.OPEN)
    oldest = list(waiting.order_by("opened_at", "pk").values_list("pk", flat=True))
    assert len(oldest) == 34
    client = logged_in(am)
    url = reverse("feedback:dashboard") + f"?client={project.client_id}"

    page = client.get(url).content.decode()
    listed = re.findall(
        r'<tr data-testid="follow-up"><td><a href="/satisfaction/follow-ups/(\d+)/', page
    )
    assert [int(pk) for pk in listed] == oldest[:10]
    assert "The oldest 10 of 34 detractors awaiting follow-up." in page
    assert 'href="?start=' in page
    assert f"client={project.client_id}&amp;follow_ups=all" in page

    every = client.get(url + "&follow_ups=all").content.decode()
    listed = re.findall(
        r'<tr data-testid="follow-up"><td><a href="/satisfaction/follow-ups/(\d+)/', every
    )
    assert [int(pk) for pk in listed] == oldest
    assert 'data-testid="follow-ups-more"' not in every
    assert count_queries(client, url + "&follow_ups=all") == count_queries(client, url)
