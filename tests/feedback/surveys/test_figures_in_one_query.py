"""The dashboard's figures come from one query and equal the figures each grouping's own SQL
aggregate gives, on varied data: two clients, a project with two PMs and one without, months
across quarters, invitations sent before the period and answered in it, unanswered ones, optional
answers skipped."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Avg, Count, FloatField, Q
from django.db.models.functions import Cast, NullIf, Round, TruncMonth, TruncQuarter
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from feedback.models import (
    Campaign,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.selectors import satisfaction
from feedback.selectors.satisfaction import DashboardFilters, satisfaction_figures
from feedback.services.survey_templates import survey_template_default
from projects.models import Project, Role
from tests.factories import ProjectFactory, add_member
from tests.feedback.surveys.helpers import bulk_client_people

pytestmark = pytest.mark.django_db

START = date(2025, 2, 10)
END = date(2025, 8, 20)


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _survey(project: Project, rng: random.Random, count: int) -> None:
    template = survey_template_default()
    questions = {q.kind: q for q in template.questions.all()}
    topics = list(template.questions.filter(kind=QuestionKind.TOPIC_RATING)[:2])
    campaign = Campaign.objects.create(
        project=project,
        template=template,
        name=f"Pulse {project.code}",
        status=Campaign.Status.OPEN,
        opens_at=_moment(START - timedelta(days=60), 9),
        closes_at=_moment(END + timedelta(days=60), 9),
        sent_at=_moment(START - timedelta(days=60), 9),
    )
    people = bulk_client_people(project, [f"{project.code} {i}" for i in range(count)])
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(
            campaign=campaign,
            person=person,
            email=person.email,
            sent_at=_moment(START + timedelta(days=rng.randint(-60, 200)), rng.randint(0, 23)),
        )
        for person in people
    )
    for invitation in invitations:
        if rng.random() < 0.75:
            invitation.responded_at = invitation.sent_at + timedelta(days=rng.randint(0, 40))
    SurveyInvitation.objects.bulk_update(invitations, ["responded_at"])
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            invitation=invitation,
            campaign=campaign,
            project=project,
            client=project.client,
            respondent=invitation.person,
            nps=rng.choice([None, *range(11)]),
            csat=rng.choice([None, 1, 2, 3, 4, 5]),
            submitted_at=invitation.responded_at,
            updated_at=invitation.responded_at,
        )
        for invitation in invitations
        if invitation.responded_at
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, rating=rng.randint(1, 5))
        for response in responses
        for question in [questions[QuestionKind.NPS], *topics]
        if rng.random() < 0.7
    )


@pytest.fixture
def varied(client_a, client_b, project, other_project, pm, am, staff_admin):
    second = ProjectFactory(client=client_a, code="a-two", name="A Two")
    add_member(second, pm, Role.PM)
    add_member(second, am, Role.AM)
    co_pm = User.objects.create(
        email="co-pm@provider.test", display_name="Carl Co-PM", organization=pm.organization
    )
    add_member(project, co_pm, Role.PM)
    rng = random.Random(20250210)
    for each in (project, second, other_project):  # other_project has no PM
        _survey(each, rng, 80)
    return staff_admin


CLIENT_NAME = "campaign__project__client__name"
PM = "campaign__project__memberships__user_id"
PM_NAME = "campaign__project__memberships__user__display_name"

# The reference: each grouping as its own SQL aggregate, as the dashboard read them one by one.


def _periods(filters: DashboardFilters) -> tuple[Q, Q]:
    sent = Q(sent_at__gte=filters.start_at, sent_at__lt=filters.end_at)
    answered = Q(
        response__submitted_at__gte=filters.start_at, response__submitted_at__lt=filters.end_at
    )
    return sent, answered


def _rate(sent: Q) -> dict[str, Any]:
    invited = Count("pk", filter=sent & Q(sent_at__isnull=False))
    answered = Count("pk", filter=sent & Q(responded_at__isnull=False))
    rate = Round(Cast(answered, FloatField()) * 100.0 / NullIf(invited, 0), 1)
    return {"invited": invited, "answered": answered, "response_rate": rate}


def _aggregates(prefix: str, period: Q | None, sent: Q | None) -> dict[str, Any]:
    figures = satisfaction._score_aggregates(prefix, period)
    return figures if sent is None else {**figures, **_rate(sent)}


def _invitations(user: User, filters: DashboardFilters):
    sent, answered = _periods(filters)
    scope = satisfaction._scoped_projects(user, filters)
    return SurveyInvitation.objects.filter(campaign__project__in=scope).filter(sent | answered)


def _grouped(user: User, filters: DashboardFilters, *keys: str) -> list[dict[str, Any]]:
    sent, answered = _periods(filters)
    rows = _invitations(user, filters).values(*keys)
    return list(rows.annotate(**_aggregates("response__", answered, sent)).order_by(*keys))


def _responses(user: User, filters: DashboardFilters):
    return satisfaction._scored(satisfaction._responses(user, filters))


def _trend(user: User, filters: DashboardFilters, trunc: Any, *keys: str) -> list[dict]:
    rows = _responses(user, filters).annotate(bucket=trunc("submitted_at")).values(*keys, "bucket")
    return list(rows.annotate(**_aggregates("score_", None, None)).order_by(*keys, "bucket"))


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in keys}


def _check(user: User, filters: DashboardFilters) -> None:
    with CaptureQueriesContext(connection) as queries:
        figures = satisfaction_figures(user=user, filters=filters)
    assert len(queries) == 1

    sent, answered = _periods(filters)
    totals = _invitations(user, filters).aggregate(**_aggregates("response__", answered, sent))
    assert figures.totals == totals
    assert totals["responses"] > 0 or not figures.by_project

    names = dict(Project.objects.values_list("pk", "name"))
    by_project = _grouped(user, filters, "campaign__project_id")
    by_project.sort(key=lambda row: names[row["campaign__project_id"]])
    assert [
        _without(row, "campaign__project__name", "campaign__project__code", CLIENT_NAME)
        for row in figures.by_project
    ] == by_project
    clients = _grouped(user, filters, "campaign__project__client_id")
    assert [_without(row, CLIENT_NAME, "client_id") for row in figures.by_client] == clients
    people = dict(User.objects.values_list("pk", "display_name"))
    pms = list(
        _invitations(user, filters)
        .filter(campaign__project__memberships__role=Role.PM)
        .values(PM)
        .annotate(**_aggregates("response__", answered, sent))
    )
    pms.sort(key=lambda row: people[row[PM]])
    assert [_without(row, PM_NAME) for row in figures.by_pm] == pms

    assert figures.monthly == _trend(user, filters, TruncMonth)
    assert figures.quarterly == _trend(user, filters, TruncQuarter)
    assert figures.health == _trend(user, filters, TruncQuarter, "client__name", "client_id")
    rates = (
        SurveyInvitation.objects.filter(
            campaign__project__in=satisfaction._scoped_projects(user, filters)
        )
        .filter(sent)
        .annotate(bucket=TruncMonth("sent_at"))
        .values("bucket")
        .annotate(**_rate(sent))
        .order_by("bucket")
    )
    assert figures.rates == list(rates)
    topics = (
        SurveyAnswer.objects.filter(
            response__in=satisfaction._responses(user, filters),
            question__kind=QuestionKind.TOPIC_RATING,
            rating__isnull=False,
        )
        .values("question__topic")
        .annotate(mean=Round(Avg("rating", output_field=FloatField()), 2), answers=Count("pk"))
        .order_by("question__topic")
    )
    assert figures.topics == list(topics)


def test_every_figure_equals_its_own_aggregate(varied, am, pm):
    filters = DashboardFilters(start=START, end=END)
    for user in (varied, am, pm):
        _check(user, filters)
    figures = satisfaction_figures(user=varied, filters=filters)
    assert [row[PM_NAME] for row in figures.by_pm] == ["Carl Co-PM", "Paula PM"]
    assert len(figures.by_client) == 2
    assert len({row["bucket"] for row in figures.quarterly}) == 3
    assert figures.topics


def test_filters_by_client_and_pm_and_an_empty_period(varied, client_a, client_b, pm):
    for filters in (
        DashboardFilters(start=START, end=END, client_id=client_a.pk),
        DashboardFilters(start=START, end=END, client_id=client_b.pk),
        DashboardFilters(start=START, end=END, pm_id=pm.pk),
        DashboardFilters(start=date(2030, 1, 1), end=date(2030, 2, 1)),
    ):
        _check(varied, filters)
    empty = satisfaction_figures(
        user=varied, filters=DashboardFilters(start=date(2030, 1, 1), end=date(2030, 2, 1))
    )
    assert empty.by_project == empty.monthly == empty.topics == []
    assert (empty.totals["responses"], empty.totals["nps"], empty.totals["response_rate"]) == (
        0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "places", "expected"),
    [(1, 16, 100, 1, 6.3), (-1, 16, 100, 1, -6.3), (107, 40, 1, 2, 2.68), (2, 3, 100, 1, 66.7)],
)
def test_ratios_round_half_away_from_zero_as_the_database(
    numerator, denominator, scale, places, expected
):
    assert satisfaction._rounded(numerator, denominator, scale, places) == expected
    assert satisfaction._rounded(numerator, 0, scale, places) is None
