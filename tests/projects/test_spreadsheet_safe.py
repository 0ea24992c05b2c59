"""CSV exports: a cell a spreadsheet would evaluate is neutralised, a number stays a number
(negative ones included: an NPS of -100, a variance of -12.5)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from common.csv import spreadsheet_safe
from feedback.models import SurveyInvitation
from tests.feedback.surveys.helpers import answer, make_template, send_campaign


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Numbers, as objects or as text, are left alone.
        (-12.5, "-12.5"),
        ("-12.5", "-12.5"),
        (Decimal("-1234.50"), "-1234.50"),
        (-100, "-100"),
        ("-7", "-7"),
        (0, "0"),
        ("3.25", "3.25"),
        (Decimal("-1E+2"), "-1E+2"),
        # Formulas and what merely starts like a number are escaped.
        ("=cmd", "'=cmd"),
        ("=1+2", "'=1+2"),
        ("-1+2", "'-1+2"),
        ("-12.5+cmd|' /C calc'!A0", "'-12.5+cmd|' /C calc'!A0"),
        ("-2-3", "'-2-3"),
        ("-", "'-"),
        ("-.5", "'-.5"),
        ("@x", "'@x"),
        ("+x", "'+x"),
        ("+12", "'+12"),
        ("-12.5\n=cmd", "'-12.5\n=cmd"),
        ("-١٢", "'-١٢"),  # other scripts' digits are no number to a spreadsheet
        ("\t-1", "'\t-1"),
        ("Plain -12.5", "Plain -12.5"),
    ],
)
def test_numbers_stay_numbers_and_formulas_are_neutralised(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.django_db
def test_satisfaction_export_keeps_a_negative_nps_a_number(am, rep, project):
    project.name = "-1+2"
    project.save()
    campaign = send_campaign(am, project, make_template(am))
    answer(SurveyInvitation.objects.get(campaign=campaign), nps=2)
    client = Client()
    client.force_login(am)

    response = client.get(reverse("feedback:dashboard_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Project"
    assert rows[0][6] == "NPS"
    assert rows[1][1] == "'-1+2"
    assert rows[1][6] == "-100.0"
