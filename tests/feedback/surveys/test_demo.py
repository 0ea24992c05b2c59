"""seed_demo grows a year of survey history per client, with trends that differ by client."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from feedback.models import Campaign, DetractorFollowUp, SurveyResponse
from feedback.selectors.satisfaction import DashboardFilters, satisfaction_figures

pytestmark = pytest.mark.django_db


def test_a_year_of_history_with_different_trends_and_idempotent():
    call_command("seed_demo", stdout=StringIO())
    counts = (Campaign.objects.count(), SurveyResponse.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Campaign.objects.count(), SurveyResponse.objects.count()) == counts
    am = User.objects.get(email="am@rapport.example")
    first = SurveyResponse.objects.order_by("submitted_at").first().submitted_at.date()
    last = SurveyResponse.objects.order_by("submitted_at").last().submitted_at.date()
    assert (last - first).days >= 300
    figures = satisfaction_figures(user=am, filters=DashboardFilters(start=first, end=last))
    clients = {row["campaign__project__client__name"]: row for row in figures.by_client}
    assert set(clients) == {"Northwind Logistics", "Acme Health", "华星制造有限公司"}
    for row in clients.values():
        assert row["promoters"] > 0
        assert row["detractors"] > 0
    trend: dict[str, list[float]] = {}
    for row in figures.health:
        trend.setdefault(row["client__name"], []).append(row["nps"])
    assert trend["Northwind Logistics"][-1] > trend["Northwind Logistics"][0]
    assert trend["Acme Health"][-1] < trend["Acme Health"][0]
    statuses = set(DetractorFollowUp.objects.values_list("status", flat=True))
    assert statuses == {"open", "closed"}
    # The Northwind representative has an open survey waiting.
    rep = User.objects.get(email="rep@northwind.example")
    assert Campaign.objects.filter(status="open", invitations__person=rep).exists()
