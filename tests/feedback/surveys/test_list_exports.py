"""Survey templates and a project's survey campaigns export to CSV and Excel with the pages'
columns, for the PMs, AMs and staff admins who read them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feedback.models import SurveyTemplate
from tests.feedback.surveys.helpers import make_template, send_campaign
from tests.helpers import (
    assert_queries_constant,
    export_rows,
    export_sheet,
    logged_in,
)

pytestmark = pytest.mark.django_db


def _templates(cast, count=1):
    for _index in range(count):
        make_template(cast.am, name=f"=Pulse {SurveyTemplate.objects.count()}")


def _campaigns(cast, count=1):
    template = make_template(cast.pm, name=f"Template {SurveyTemplate.objects.count()}")
    for index in range(count):
        send_campaign(cast.pm, cast.project, template, name=f"@Quarterly {index}")


def test_templates_with_their_questions_and_campaigns(cast):
    _templates(cast)
    archived = make_template(cast.am, name="Old one")
    SurveyTemplate.objects.filter(pk=archived.pk).update(is_archived=True)
    rows = export_rows(logged_in(cast.am).get(reverse("feedback:survey_templates_csv")))
    assert rows[0] == ["Name", "Description", "Default", "Questions", "Campaigns"]
    names = [row[0] for row in rows[1:]]
    assert len([name for name in names if name.startswith("'=Pulse ")]) == 1
    assert "Old one" not in names
    sheet = export_sheet(logged_in(cast.pm).get(reverse("feedback:survey_templates_xlsx")))
    line = next(row for row in sheet.iter_rows(min_row=2) if str(row[0].value).startswith("="))
    assert line[0].data_type == "s"
    assert line[2].value == "no"
    assert line[3].value == 5
    assert line[4].value == 0


def test_campaigns_with_the_pages_columns(cast):
    _campaigns(cast)
    url = reverse("feedback:project_surveys_csv", args=[cast.project.pk])
    rows = export_rows(logged_in(cast.pm).get(url))
    assert rows[0] == [
        "Campaign",
        "Template",
        "Sent",
        "Opens",
        "Closes",
        "Status",
        "Invited",
        "Answered",
        "Skipped",
    ]
    assert rows[1][0] == "'@Quarterly 0"
    assert rows[1][5] == "Open"
    url = reverse("feedback:project_surveys_xlsx", args=[cast.project.pk])
    sheet = export_sheet(logged_in(cast.am).get(url))
    assert sheet["A2"].value == "@Quarterly 0"
    assert sheet["D2"].is_date
    assert isinstance(sheet["G2"].value, int)
    assert sheet["G2"].value >= 1


@pytest.mark.parametrize(
    ("person", "name", "status"),
    [
        ("teammate", "feedback:survey_templates_csv", 403),
        ("rep", "feedback:survey_templates_xlsx", 302),
        ("teammate", "feedback:project_surveys_csv", 403),
        ("outsider", "feedback:project_surveys_xlsx", 404),
        ("client_admin", "feedback:project_surveys_csv", 302),
    ],
)
def test_people_without_access_are_refused(cast, person, name, status):
    args = [] if "templates" in name else [cast.project.pk]
    assert logged_in(getattr(cast, person)).get(reverse(name, args=args)).status_code == status


def test_the_survey_pages_link_their_exports(cast):
    page = logged_in(cast.am).get(reverse("feedback:survey_templates"))
    assert reverse("feedback:survey_templates_csv") in page.content.decode()
    page = logged_in(cast.pm).get(reverse("feedback:project_surveys", args=[cast.project.pk]))
    assert reverse("feedback:project_surveys_xlsx", args=[cast.project.pk]) in page.content.decode()


@pytest.mark.parametrize(
    ("name", "args", "fill"),
    [
        ("feedback:survey_templates_xlsx", False, _templates),
        ("feedback:project_surveys_csv", True, _campaigns),
    ],
)
def test_survey_export_query_counts_do_not_grow(cast, name, args, fill):
    url = reverse(name, args=[cast.project.pk] if args else [])
    assert_queries_constant(logged_in(cast.am), url, lambda count: fill(cast, count))
