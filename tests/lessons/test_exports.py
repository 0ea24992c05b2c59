"""Lessons export to CSV and Excel: the project's lessons for the team (internal ones marked),
the library with its search and filters, and the client's shared lessons only."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Visibility
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db

SECRET = "Our estimate ignored the legacy system"


def _lessons(cast, make_lesson, count=1):
    for index in range(count):
        make_lesson(
            cast.pm,
            cast.project,
            title=f"=Internal lesson {index}",
            what_went_wrong=SECRET,
            tags=["estimates"],
        )
        make_lesson(
            cast.pm,
            cast.project,
            title=f"Shared lesson {index}",
            what_went_well="Demos every sprint.",
            what_went_wrong="",
            category="quality",
            visibility=Visibility.CLIENT,
        )
        make_lesson(cast.rep, cast.project, title=f"Client's lesson {index}")


def _csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def test_the_teams_workbook_marks_internal_lessons(cast, make_lesson):
    _lessons(cast, make_lesson)
    url = reverse("lessons:retrospective_xlsx", args=[cast.project.pk])
    sheet = _sheet(logged_in(cast.teammate).get(url))
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Title"
    assert header[-1] == "Visibility"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    internal = rows["=Internal lesson 0"]
    assert internal[0].data_type == "s"
    assert internal[4].is_date
    assert internal[6].value == SECRET
    assert internal[8].value == "estimates"
    assert internal[-1].value == "Internal"
    assert rows["Client's lesson 0"][9].value == "yes"


def test_the_teams_csv_neutralises_formulas(cast, make_lesson):
    _lessons(cast, make_lesson)
    url = reverse("lessons:retrospective_csv", args=[cast.project.pk])
    titles = [row[0] for row in _csv(logged_in(cast.pm).get(url))[1:]]
    assert "'=Internal lesson 0" in titles


@pytest.mark.parametrize("person", ["client_admin", "rep", "viewer"])
@pytest.mark.parametrize("name", ["lessons:portal_lessons_csv", "lessons:portal_lessons_xlsx"])
def test_a_clients_file_holds_shared_lessons_only(cast, make_lesson, person, name):
    _lessons(cast, make_lesson)
    response = logged_in(getattr(cast, person)).get(reverse(name, args=[cast.project.pk]))
    if name.endswith("csv"):
        rows = _csv(response)
    else:
        rows = [list(row) for row in _sheet(response).iter_rows(values_only=True)]
    text = "\n".join(str(value) for row in rows for value in row)
    assert {row[0] for row in rows[1:]} == {"Shared lesson 0", "Client's lesson 0"}
    assert "Visibility" not in rows[0]
    assert SECRET not in text
    assert "Internal" not in text


def test_the_library_export_keeps_the_pages_filters(cast, make_lesson):
    _lessons(cast, make_lesson)
    client = logged_in(cast.am)
    rows = _csv(client.get(reverse("lessons:library_csv") + "?category=quality"))
    assert rows[0][:3] == ["Client", "Project", "Title"]
    assert [row[2] for row in rows[1:]] == ["Shared lesson 0"]
    assert rows[1][1] == cast.project.name
    rows = _csv(client.get(reverse("lessons:library_csv") + "?q=legacy"))
    assert [row[2] for row in rows[1:]] == ["'=Internal lesson 0"]
    rows = _csv(client.get(reverse("lessons:library_csv")))
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("person", "name"),
    [
        ("rep", "lessons:retrospective_csv"),
        ("rep", "lessons:library_xlsx"),
        ("pm", "lessons:portal_lessons_csv"),
    ],
)
def test_the_other_side_is_sent_away(cast, person, name):
    args = [] if name == "lessons:library_xlsx" else [cast.project.pk]
    response = logged_in(getattr(cast, person)).get(reverse(name, args=args))
    assert response.status_code == 302


def test_someone_outside_the_project_finds_nothing(cast):
    url = reverse("lessons:retrospective_xlsx", args=[cast.project.pk])
    assert logged_in(cast.outsider).get(url).status_code == 404
    url = reverse("lessons:portal_lessons_csv", args=[cast.project.pk])
    assert logged_in(cast.other_client_rep).get(url).status_code == 404


def test_the_pages_link_their_exports(cast):
    page = logged_in(cast.pm).get(reverse("lessons:library") + "?tag=x").content.decode()
    assert reverse("lessons:library_csv") + "?tag=x" in page
    page = logged_in(cast.pm).get(reverse("lessons:retrospective", args=[cast.project.pk]))
    assert reverse("lessons:retrospective_xlsx", args=[cast.project.pk]) in page.content.decode()
    page = logged_in(cast.rep).get(reverse("lessons:portal_lessons", args=[cast.project.pk]))
    assert reverse("lessons:portal_lessons_csv", args=[cast.project.pk]) in page.content.decode()


@pytest.mark.parametrize(
    ("person", "name"),
    [("pm", "lessons:retrospective_xlsx"), ("rep", "lessons:portal_lessons_csv")],
)
def test_export_query_counts_do_not_grow(cast, make_lesson, person, name):
    client = logged_in(getattr(cast, person))
    url = reverse(name, args=[cast.project.pk])
    assert_queries_constant(client, url, lambda count: _lessons(cast, make_lesson, count))


def test_library_export_query_count_does_not_grow(cast, make_lesson):
    client = logged_in(cast.pm)
    url = reverse("lessons:library_xlsx")
    assert_queries_constant(client, url, lambda count: _lessons(cast, make_lesson, count))
