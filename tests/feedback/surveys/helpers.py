"""Helpers for survey tests: a template, a sent campaign, answers by score."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from feedback.models import (
    Campaign,
    QuestionKind,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.services.campaigns import campaign_create
from feedback.services.responses import response_submit
from feedback.services.sending import campaign_send
from feedback.services.survey_templates import survey_question_add, survey_template_create
from projects.models import Project, Role
from tests.factories import UserFactory, add_member


def make_template(actor: User, *, name: str = "Quarterly pulse") -> SurveyTemplate:
    """NPS (required), CSAT (optional), a communication rating, a single choice, free text."""
    template = survey_template_create(actor=actor, name=name)
    survey_question_add(
        actor=actor,
        template=template,
        kind=QuestionKind.NPS,
        text="How likely are you to recommend us?",
        text_zh_hans="您向朋友或同事推荐我们的可能性有多大？",
    )
    survey_question_add(
        actor=actor,
        template=template,
        kind=QuestionKind.CSAT,
        text="How satisfied are you?",
        text_zh_hans="您满意吗？",
        is_required=False,
    )
    survey_question_add(
        actor=actor,
        template=template,
        kind=QuestionKind.TOPIC_RATING,
        topic="communication",
        text="How do you rate our communication?",
        is_required=False,
    )
    survey_question_add(
        actor=actor,
        template=template,
        kind=QuestionKind.SINGLE_CHOICE,
        text="Which phase went best?",
        choices=["Planning | 规划", "Delivery | 交付"],
        is_required=False,
    )
    survey_question_add(
        actor=actor,
        template=template,
        kind=QuestionKind.FREE_TEXT,
        text="What should we do better?",
        text_zh_hans="我们应该在哪些方面改进？",
        is_required=False,
    )
    return template


def send_campaign(
    actor: User,
    project: Project,
    template: SurveyTemplate,
    *,
    now: datetime | None = None,
    days: int = 14,
    **kwargs: Any,
) -> Campaign:
    """Create a manual campaign and send it now (what the Celery task does after commit)."""
    now = now or timezone.now()
    campaign = campaign_create(
        actor=actor,
        project=project,
        template=template,
        name=kwargs.pop("name", "Survey"),
        closes_at=now + timedelta(days=days),
        **kwargs,
    )
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=now - timedelta(seconds=1))
    campaign_send(campaign_id=campaign.pk, now=now)
    campaign.refresh_from_db()
    return campaign


def add_contacts(project: Project, count: int, *, prefix: str = "contact") -> list[User]:
    people = []
    for index in range(count):
        person = UserFactory(
            email=f"{prefix}{index}@{project.code}.test",
            display_name=f"{prefix.title()} {index}",
            organization=project.client,
        )
        add_member(project, person, Role.CUSTOMER_REP)
        people.append(person)
    return people


def answer(
    invitation: SurveyInvitation,
    *,
    nps: int | None = None,
    csat: int | None = None,
    communication: int | None = None,
    text: str = "",
    now: datetime | None = None,
) -> SurveyResponse:
    questions = {q.kind: q for q in invitation.campaign.template.questions.all()}
    values: dict[int, Any] = {}
    if nps is not None:
        values[questions[QuestionKind.NPS].pk] = nps
    if csat is not None:
        values[questions[QuestionKind.CSAT].pk] = csat
    if communication is not None:
        values[questions[QuestionKind.TOPIC_RATING].pk] = communication
    if text:
        values[questions[QuestionKind.FREE_TEXT].pk] = text
    return response_submit(invitation=invitation, values=values, now=now)


def bulk_client_people(project: Project, names: list[str]) -> list[User]:
    """People of the project's client, one per name (its e-mail the name in lower case, spaces
    as dashes), bulk-created: faster than the factories for hundreds of respondents."""
    return User.objects.bulk_create(
        User(
            email=f"{name.lower().replace(' ', '-')}@client.test",
            display_name=name,
            organization=project.client,
            side=project.client.kind,  # save() sets it; bulk_create does not call save()
        )
        for name in names
    )
