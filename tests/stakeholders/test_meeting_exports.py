"""Meetings export to CSV and Excel: the team's file says what is internal, the client's holds
only client-visible meetings and never the minutes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Visibility
from stakeholders.services.meetings import meeting_create
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _meetings(cast, count=1):
    for index in range(count):
        meeting_create(
            actor=cast.pm,
            project=cast.project,
            title=f"Steering {index}",
            starts_at=START + timedelta(days=index),
            minutes="Shared minutes",
            attendees=[cast.rep],
            visibility=Visibility.CLIENT,
        )
        meeting_create(
            actor=cast.pm,
            project=cast.project,
            title=f"Team only {index}",
            starts_at=START + timedelta(days=index, hours=1),
            minutes="Secret margin talk",
        )


def test_staff_meeting_workbook_marks_internal_meetings(cast):
    _meetings(cast)
    response = logged_in(cast.pm).get(reverse("stakeholders:meetings_xlsx", args=[cast.project.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Team only 0"][-2] == "Internal"
    assert rows["Steering 0"][-2] == "Visible to client"
    assert isinstance(rows["Steering 0"][1], datetime)
    assert cast.rep.display_name in rows["Steering 0"][3]


@pytest.mark.parametrize("person", ["client_admin", "rep", "viewer"])
def test_client_meeting_exports_hold_client_meetings_only(cast, person):
    _meetings(cast)
    client = logged_in(getattr(cast, person))
    response = client.get(reverse("stakeholders:portal_meetings_csv", args=[cast.project.pk]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == ["Steering 0"]
    assert "Visibility" not in rows[0]
    assert "Secret" not in text
    assert "minutes" not in text.lower()


@pytest.mark.parametrize(
    ("person", "name"),
    [("pm", "stakeholders:meetings_csv"), ("rep", "stakeholders:portal_meetings_xlsx")],
)
def test_meeting_export_query_counts_do_not_grow(cast, person, name):
    client = logged_in(getattr(cast, person))
    url = reverse(name, args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: _meetings(cast, count))
