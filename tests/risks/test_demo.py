"""seed_demo grows a realistic risk register, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from risks.models import Issue, Level, Risk, Side, Strategy

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_realistic_register_once():
    call_command("seed_demo", stdout=StringIO())
    risks = Risk.objects.filter(project__code="NW-WMS")
    assert set(risks.exclude(level="").values_list("level", flat=True)) == set(Level.values)
    assert set(risks.exclude(strategy="").values_list("strategy", flat=True)) == set(
        Strategy.values
    )
    assert risks.filter(status=Risk.Status.OCCURRED).count() == 2
    assert Issue.objects.filter(project__code="NW-WMS").count() == 2
    assert risks.filter(raised_side=Side.CLIENT).count() == 2
    assert risks.filter(raised_side=Side.CLIENT, score__isnull=True).count() == 1
    overdue = risks.filter(
        status__in=Risk.ACTIVE, next_review_date__lt=timezone.localdate()
    ).count()
    assert overdue >= 2
    assert Risk.objects.filter(project__code="HX-MES").count() == 3
    total = Risk.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Risk.objects.count() == total
