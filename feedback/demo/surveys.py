"""Demo data: a year of survey history for every demo client, with trends that differ — Northwind
recovers from a rough start, Acme slides, 华星 stays high with a dip — promoters, passives and
detractors (older follow-ups closed with a note, recent ones open), per-topic ratings, one open
survey awaiting the Northwind representative, and automations on the projects.

History is written directly with past dates (what the campaigns would have recorded), not sent:
seeding sends no e-mail. Idempotent: a project that has demo campaigns is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from feedback.models import (
    Campaign,
    CampaignTrigger,
    DetractorFollowUp,
    QuestionKind,
    SurveyAnswer,
    SurveyAutomation,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.services.survey_templates import survey_template_default
from projects.models import CLIENT_ROLES, Membership, Project, Role

# Per project: NPS of each month, oldest first (twelve months); each contact scores around it.
TRENDS: dict[str, list[int]] = {
    "NW-WMS": [4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10],
    "NW-PORTAL": [6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9],
    "ACME-EHR": [10, 9, 9, 9, 8, 8, 7, 7, 6, 6, 5, 4],
    "HX-MES": [9, 10, 9, 10, 9, 6, 5, 8, 9, 10, 9, 10],
}
COMMENTS = {
    "low": ("Status reports arrive late and miss the risks we care about.", "周报经常延迟。"),
    "mid": ("Solid work; we would like to see demos more often.", "工作扎实，希望多做演示。"),
    "high": ("The team is responsive and delivers what it promises.", "团队响应迅速，言出必行。"),
}
FOLLOW_UP_NOTE = "Called the client, agreed on a weekly demo and a named contact for escalations."


def _at(months_ago: int, day: int, now: datetime) -> datetime:
    return (now - timedelta(days=30 * months_ago)).replace(
        day=min(day, 28), hour=9, minute=0, second=0, microsecond=0
    )


def _score(base: int, offset: int) -> int:
    return max(0, min(10, base + offset))


@transaction.atomic
def seed_surveys(*, people: dict[str, User]) -> int:
    template = survey_template_default()
    questions = {q.kind: q for q in template.questions.all()}
    topics = list(template.questions.filter(kind=QuestionKind.TOPIC_RATING))
    free_text = questions.get(QuestionKind.FREE_TEXT)
    now = timezone.now()
    created = 0
    for code, trend in TRENDS.items():
        project = Project.objects.filter(code=code).select_related("client").first()
        if project is None or Campaign.objects.filter(project=project).exists():
            continue
        contacts = [
            m.user
            for m in Membership.objects.filter(project=project, role__in=CLIENT_ROLES)
            .select_related("user")
            .order_by("user__email")
        ]
        owner = (
            Membership.objects.filter(project=project, role=Role.AM).select_related("user").first()
        )
        for index, base in enumerate(trend):
            months_ago = len(trend) - index
            opened = _at(months_ago, 3, now)
            campaign = Campaign.objects.create(
                project=project,
                template=template,
                name=f"{project.name}: {opened:%Y-%m}",
                trigger=CampaignTrigger.PERIODIC if index % 3 else CampaignTrigger.MANUAL,
                status=Campaign.Status.CLOSED,
                opens_at=opened,
                closes_at=opened + timedelta(days=14),
                sent_at=opened,
                closed_at=opened + timedelta(days=14),
            )
            created += 1
            for position, person in enumerate(contacts):
                invitation = SurveyInvitation.objects.create(
                    campaign=campaign,
                    person=person,
                    email=person.email,
                    language=person.language,
                    sent_at=opened,
                    first_opened_at=opened + timedelta(hours=5),
                    open_count=1,
                )
                created += 1
                # Not everyone answers every month: the viewer answers one survey in three.
                if position == 2 and index % 3:
                    invitation.reminders_sent = 2
                    invitation.save(update_fields=["reminders_sent"])
                    continue
                nps = _score(base, (-1, 1, 0)[position % 3])
                csat = max(1, min(5, round(nps / 2)))
                answered = opened + timedelta(days=1 + position, hours=2)
                response = SurveyResponse.objects.create(
                    invitation=invitation,
                    campaign=campaign,
                    project=project,
                    client=project.client,
                    respondent=person,
                    nps=nps,
                    csat=csat,
                    language=person.language,
                    submitted_at=answered,
                    updated_at=answered,
                )
                invitation.responded_at = answered
                invitation.save(update_fields=["responded_at"])
                answers = [
                    SurveyAnswer(
                        response=response, question=questions[QuestionKind.NPS], rating=nps
                    ),
                    SurveyAnswer(
                        response=response, question=questions[QuestionKind.CSAT], rating=csat
                    ),
                    *(
                        SurveyAnswer(
                            response=response,
                            question=topic,
                            rating=max(1, min(5, csat + (1 if n == position else 0) - (n == 3))),
                        )
                        for n, topic in enumerate(topics)
                    ),
                ]
                if free_text is not None and position == 0:
                    mood = "low" if nps <= 6 else "mid" if nps <= 8 else "high"
                    english, chinese = COMMENTS[mood]
                    text = chinese if person.language.startswith("zh") else english
                    answers.append(SurveyAnswer(response=response, question=free_text, text=text))
                SurveyAnswer.objects.bulk_create(answers)
                created += 1
                if response.is_detractor:
                    recent = months_ago <= 2
                    DetractorFollowUp.objects.create(
                        response=response,
                        project=project,
                        owner=owner.user if owner else None,
                        opened_at=answered,
                        status=(
                            DetractorFollowUp.Status.OPEN
                            if recent
                            else DetractorFollowUp.Status.CLOSED
                        ),
                        closed_at=None if recent else answered + timedelta(days=3),
                        closed_by=None if recent or owner is None else owner.user,
                        note="" if recent else FOLLOW_UP_NOTE,
                    )
        SurveyAutomation.objects.get_or_create(
            project=project,
            trigger=CampaignTrigger.DELIVERABLE_ACCEPTED,
            defaults={"template": template, "created_by": owner.user if owner else None},
        )
        SurveyAutomation.objects.get_or_create(
            project=project,
            trigger=CampaignTrigger.PERIODIC,
            defaults={
                "template": template,
                "interval_months": 3,
                "next_run_on": (now + timedelta(days=30)).date(),
                "created_by": owner.user if owner else None,
            },
        )
    created += _seed_open_survey(people=people, template=template, now=now)
    return created


def _seed_open_survey(*, people: dict[str, User], template: SurveyTemplate, now: datetime) -> int:
    """An open survey the Northwind representative has not answered yet (portal: what needs my
    decision)."""
    project = Project.objects.filter(code="NW-PORTAL").first()
    rep = people.get("rep@northwind.example")
    if project is None or rep is None:
        return 0
    if Campaign.objects.filter(project=project, status=Campaign.Status.OPEN).exists():
        return 0
    campaign = Campaign.objects.create(
        project=project,
        template=template,
        name=f"{project.name}: {now:%Y-%m}",
        status=Campaign.Status.OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=13),
        sent_at=now - timedelta(days=1),
    )
    SurveyInvitation.objects.create(
        campaign=campaign, person=rep, email=rep.email, language=rep.language, sent_at=now
    )
    return 2
