"""My open action items export to CSV and Excel on both sides: my own open items only, as the
to-do list shows them, and a client's file holds nothing of an internal meeting."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Visibility
from stakeholders.services.meetings import action_item_create, action_item_set_done, meeting_create
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _meeting(cast, title, visibility=Visibility.INTERNAL):
    return meeting_create(
        actor=cast.pm, project=cast.project, title=title, starts_at=START, visibility=visibility
    )


def _items(cast, count=1):
    shared = _meeting(cast, "Steering", Visibility.CLIENT)
    internal = _meeting(cast, "Margin review")
    for index in range(count):
        action_item_create(
            actor=cast.pm,
            meeting=internal,
            text=f'=HYPERLINK("http://x") {index}',
            owner=cast.pm,
            due_date=date(2020, 1, 1),
        )
        action_item_create(actor=cast.pm, meeting=internal, text=f"Later {index}", owner=cast.pm)
        done = action_item_create(actor=cast.pm, meeting=internal, text="Done", owner=cast.pm)
        action_item_set_done(actor=cast.pm, item=done, is_done=True)
        action_item_create(
            actor=cast.pm, meeting=internal, text="Secret task of the team", owner=cast.teammate
        )
        action_item_create(
            actor=cast.pm,
            meeting=shared,
            text=f"Sign the plan {index}",
            owner=cast.rep,
            due_date=date(2099, 1, 1),
        )


def _csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_staff_workbook_holds_my_open_items_with_typed_cells(cast):
    _items(cast)
    response = logged_in(cast.pm).get(reverse("stakeholders:todo_xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Action", "Project", "Meeting", "Due", "Overdue"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == ['=HYPERLINK("http://x") 0', "Later 0"]
    overdue = rows[0]
    assert overdue[0].data_type == "s"  # a formula stays text
    assert overdue[1].value == cast.project.name
    assert overdue[2].value == "Margin review"
    assert overdue[3].is_date
    assert overdue[4].value == "yes"
    assert rows[1][3].value is None


def test_staff_csv_neutralises_formulas(cast):
    _items(cast)
    rows = _csv(logged_in(cast.pm).get(reverse("stakeholders:todo_csv")))
    assert rows[1][0] == '\'=HYPERLINK("http://x") 0'
    assert rows[1][3] == "2020-01-01"


@pytest.mark.parametrize("name", ["stakeholders:portal_todo_csv", "stakeholders:portal_todo_xlsx"])
def test_a_clients_file_holds_their_own_items_only(cast, name):
    _items(cast)
    response = logged_in(cast.rep).get(reverse(name))
    assert response.status_code == 200
    if name.endswith("csv"):
        text = response.content.decode("utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        text = "\n".join(
            str(value) for row in sheet.iter_rows(values_only=True) for value in row if value
        )
    assert "Sign the plan 0" in text
    assert "Steering" in text
    for internal in ("Margin review", "Secret task", "HYPERLINK", "Later"):
        assert internal not in text


@pytest.mark.parametrize(
    ("person", "name"),
    [("rep", "stakeholders:todo_csv"), ("pm", "stakeholders:portal_todo_xlsx")],
)
def test_each_side_is_sent_to_its_own_list(cast, person, name):
    response = logged_in(getattr(cast, person)).get(reverse(name))
    assert response.status_code == 302


def test_anonymous_people_log_in_first(client):
    response = client.get(reverse("stakeholders:todo_csv"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_lists_link_their_exports(cast):
    page = logged_in(cast.pm).get(reverse("stakeholders:todo")).content.decode()
    assert reverse("stakeholders:todo_xlsx") in page
    page = logged_in(cast.rep).get(reverse("stakeholders:portal_todo")).content.decode()
    assert reverse("stakeholders:portal_todo_csv") in page


def test_todo_export_query_count_does_not_grow(cast):
    client = logged_in(cast.pm)
    url = reverse("stakeholders:todo_xlsx")
    assert_queries_constant(client, url, lambda count: _items(cast, count))
