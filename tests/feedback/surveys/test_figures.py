"""The dashboard's figures against a worked example computed by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import SurveyInvitation
from feedback.selectors.satisfaction import (
    DashboardFilters,
    satisfaction_figures,
    satisfaction_totals,
)
from tests.feedback.surveys.helpers import add_contacts, answer, make_template, send_campaign

pytestmark = pytest.mark.django_db

# Ten people are sent the survey; eight answer.
#   NPS:  10 10 9 9 | 8 7 | 6 5     -> 4 promoters, 2 passives, 2 detractors of 8
#         NPS = (4 - 2) / 8 * 100 = 25.0
#   CSAT: 5 4 4 3 2 5 1 (the eighth skips the optional question) -> 4 satisfied (4-5) of 7
#         CSAT = 4 / 7 * 100 = 57.142... -> 57.1; mean = 24 / 7 = 3.428... -> 3.43
#   Response rate = 8 / 10 * 100 = 80.0
#   Communication: 4 2 (two answers) -> mean 3.0
NPS = [10, 10, 9, 9, 8, 7, 6, 5]
CSAT = [5, 4, 4, 3, 2, 5, 1, None]
COMMUNICATION = [4, 2, None, None, None, None, None, None]


@pytest.fixture
def worked_example(am, pm, project):
    template = make_template(am)
    add_contacts(project, 10)
    campaign = send_campaign(am, project, template)
    invitations = list(SurveyInvitation.objects.filter(campaign=campaign).order_by("pk"))
    assert len(invitations) == 10
    for invitation, nps, csat, communication in zip(
        invitations, NPS, CSAT, COMMUNICATION, strict=False
    ):
        answer(invitation, nps=nps, csat=csat, communication=communication)
    return campaign


def _filters(**kwargs):
    today = timezone.localdate()
    return DashboardFilters(start=today - timedelta(days=30), end=today, **kwargs)


def test_nps_csat_and_response_rate_match_the_worked_example(worked_example, am):
    totals = satisfaction_totals(user=am, filters=_filters())
    assert totals["invited"] == 10
    assert totals["answered"] == 8
    assert totals["response_rate"] == 80.0
    assert totals["responses"] == 8
    assert (totals["promoters"], totals["passives"], totals["detractors"]) == (4, 2, 2)
    assert totals["nps"] == 25.0
    assert totals["csat_count"] == 7
    assert totals["csat"] == 57.1
    assert totals["csat_mean"] == 3.43
    # Two detractors by NPS (6, 5) and CSAT 2 and 1 fall on the same or other people:
    # responses 5 (NPS 7, CSAT 2), 6 (NPS 6, CSAT 5), 7 (NPS 5, CSAT 1) -> three follow-ups.
    assert totals["open_follow_ups"] == 3


def test_groupings_repeat_the_totals_for_a_single_client_project_and_pm(worked_example, am, pm):
    figures = satisfaction_figures(user=am, filters=_filters())
    for rows in (figures.by_client, figures.by_project, figures.by_pm):
        assert len(rows) == 1
        assert (rows[0]["nps"], rows[0]["csat"], rows[0]["response_rate"]) == (25.0, 57.1, 80.0)
    pm_row = figures.by_pm[0]
    assert pm_row["campaign__project__memberships__user_id"] == pm.pk


def test_trend_and_topics(worked_example, am):
    figures = satisfaction_figures(user=am, filters=_filters())
    assert sum(row["responses"] for row in figures.monthly) == 8
    assert sum(row["responses"] for row in figures.quarterly) == 8
    assert [(row["invited"], row["answered"]) for row in figures.rates] == [(10, 8)]
    assert figures.topics == [{"question__topic": "communication", "mean": 3.0, "answers": 2}]


def test_a_period_without_responses_has_no_scores(worked_example, am):
    today = timezone.localdate()
    filters = DashboardFilters(start=today - timedelta(days=400), end=today - timedelta(days=300))
    totals = satisfaction_totals(user=am, filters=filters)
    assert totals["responses"] == 0
    assert totals["nps"] is None
    assert totals["response_rate"] is None


def test_another_clients_figures_are_not_in_my_scope(worked_example, am, other_client_rep):
    # The AM of client A's project sees A only; B's figures are not theirs.
    rows = satisfaction_figures(user=am, filters=_filters()).by_client
    assert [row["campaign__project__client__name"] for row in rows] == ["Client A"]
