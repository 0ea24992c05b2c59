"""The survey pages' forms: each action of the template page and each form of the project's
surveys page posts to its own URL; the page itself takes no POST."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from feedback.models import Campaign, SurveyAutomation, SurveyTemplate
from tests.feedback.surveys.helpers import make_template
from tests.helpers import logged_in


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_template_page_takes_each_action_at_its_own_url(pm):
    template = make_template(pm)
    client = logged_in(pm)
    page = reverse("feedback:survey_template", args=[template.pk])
    assert client.post(page, {"action": "archive"}).status_code == 405

    url = reverse("feedback:survey_question_add", args=[template.pk])
    response = client.post(url, {"kind": "nps", "text": ""})
    assert response.status_code == 400
    assert 'data-testid="question-form"' in response.content.decode()
    count = template.questions.count()
    response = client.post(url, {"kind": "free_text", "text": "Anything else?"})
    assert response.status_code == 302
    assert response["Location"] == page
    assert template.questions.count() == count + 1

    question = template.questions.get(text="Anything else?")
    url = reverse("feedback:survey_question_delete", args=[template.pk])
    assert client.post(url, {"question": "x"}).status_code == 404
    assert client.post(url).status_code == 404
    response = client.post(url, {"question": question.pk})
    assert response.status_code == 302
    assert "Question removed." in _messages(response)
    assert not template.questions.filter(pk=question.pk).exists()

    url = reverse("feedback:survey_template_copy", args=[template.pk])
    assert client.post(url, {"name": ""}).status_code == 400
    response = client.post(url, {"name": "Pulse (copy)"})
    copy = SurveyTemplate.objects.get(name="Pulse (copy)")
    assert response["Location"] == reverse("feedback:survey_template", args=[copy.pk])

    url = reverse("feedback:survey_template_set_default", args=[copy.pk])
    response = client.post(url)
    assert "This is now the default template." in _messages(response)
    copy.refresh_from_db()
    assert copy.is_default

    url = reverse("feedback:survey_template_archive", args=[template.pk])
    response = client.post(url)
    assert response["Location"] == reverse("feedback:survey_templates")
    template.refresh_from_db()
    assert template.is_archived


def test_a_team_member_posts_no_template_action(pm, teammate):
    template = make_template(pm)
    url = reverse("feedback:survey_template_archive", args=[template.pk])
    assert logged_in(teammate).post(url).status_code == 403
    template.refresh_from_db()
    assert not template.is_archived


def test_the_project_surveys_page_takes_each_form_at_its_own_url(pm, project):
    template = make_template(pm)
    client = logged_in(pm)
    page = reverse("feedback:project_surveys", args=[project.pk])
    assert client.post(page, {"action": "campaign"}).status_code == 405

    url = reverse("feedback:campaign_create", args=[project.pk])
    response = client.post(url, {"name": "", "template": template.pk})
    assert response.status_code == 400
    assert 'data-testid="campaign-form"' in response.content.decode()
    opens = timezone.localtime() + timedelta(days=1)
    response = client.post(
        url,
        {
            "name": "Pulse",
            "template": template.pk,
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (opens + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "reminder_after_days": 3,
            "reminder_max": 1,
        },
    )
    assert response["Location"] == page
    assert "The survey is scheduled." in _messages(response)
    assert Campaign.objects.filter(project=project, name="Pulse").exists()

    url = reverse("feedback:automation_create", args=[project.pk])
    assert client.post(url, {"trigger": "", "template": template.pk}).status_code == 400
    response = client.post(
        url,
        {
            "trigger": "project_closed",
            "template": template.pk,
            "open_days": 14,
            "reminder_after_days": 5,
            "reminder_max": 2,
        },
    )
    assert "Automation saved." in _messages(response)
    automation = SurveyAutomation.objects.get(project=project, is_active=True)

    url = reverse("feedback:automation_stop", args=[project.pk])
    assert client.post(url, {"automation": "nope"}).status_code == 404
    response = client.post(url, {"automation": automation.pk})
    assert response["Location"] == page
    automation.refresh_from_db()
    assert not automation.is_active
