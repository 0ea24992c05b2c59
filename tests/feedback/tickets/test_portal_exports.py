"""The portal's feedback lists export to CSV and Excel with the page's filters: a client's
file holds their projects' client-visible tickets only, never the owner or an internal one."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from feedback.models import TicketKind
from feedback.services.tickets import ticket_raise
from tests.feedback.tickets.helpers import a_complaint, an_internal_complaint
from tests.helpers import assert_queries_constant, logged_in

pytestmark = pytest.mark.django_db


def _tickets(cast, count=1):
    for index in range(count):
        a_complaint(cast.rep, cast.project, title=f"=Pick lists print twice {index}")
        an_internal_complaint(cast.pm, cast.project)
        ticket_raise(
            actor=cast.rep, project=cast.project, kind=TicketKind.PRAISE, title=f"Great {index}"
        )


def _csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


@pytest.mark.parametrize("person", ["client_admin", "rep", "viewer"])
def test_my_feedback_holds_client_visible_tickets_only(cast, person):
    _tickets(cast)
    client = logged_in(getattr(cast, person))
    rows = _csv(client.get(reverse("feedback:portal_tickets_csv")))
    assert rows[0][:3] == ["Reference", "Project", "Title"]
    assert "Owner" not in rows[0]
    assert "Visibility" not in rows[0]
    titles = {row[2] for row in rows[1:]}
    assert titles == {"'=Pick lists print twice 0", "Great 0"}
    text = "\n".join(",".join(row) for row in rows)
    assert "grumbled" not in text
    assert cast.pm.display_name not in text
    assert cast.am.display_name not in text


def test_the_filters_of_the_page_apply(cast):
    _tickets(cast)
    client = logged_in(cast.rep)
    rows = _csv(client.get(reverse("feedback:portal_tickets_csv") + "?kind=praise"))
    assert [row[2] for row in rows[1:]] == ["Great 0"]
    url = reverse("feedback:portal_project_tickets_csv", args=[cast.project.pk])
    rows = _csv(client.get(url + "?kind=complaint"))
    assert [row[1] for row in rows[1:]] == ["'=Pick lists print twice 0"]


def test_the_project_workbook_keeps_types(cast):
    _tickets(cast)
    url = reverse("feedback:portal_project_tickets_xlsx", args=[cast.project.pk])
    sheet = _sheet(logged_in(cast.viewer).get(url))
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    complaint = rows["=Pick lists print twice 0"]
    assert complaint[1].data_type == "s"  # a formula stays text
    assert complaint[5].is_date
    assert complaint[6].value == cast.rep.display_name
    assert "Warehouse lead grumbled on the phone" not in rows


@pytest.mark.parametrize(
    ("person", "name", "status"),
    [
        ("pm", "feedback:portal_tickets_csv", 302),
        ("pm", "feedback:portal_project_tickets_xlsx", 302),
        ("other_client_rep", "feedback:portal_project_tickets_csv", 404),
    ],
)
def test_others_are_refused(cast, person, name, status):
    args = [] if name.startswith("feedback:portal_tickets") else [cast.project.pk]
    response = logged_in(getattr(cast, person)).get(reverse(name, args=args))
    assert response.status_code == status


def test_another_clients_export_holds_none_of_ours(cast):
    _tickets(cast)
    rows = _csv(logged_in(cast.other_client_rep).get(reverse("feedback:portal_tickets_csv")))
    assert rows[1:] == []


def test_the_pages_link_their_exports_with_filters(cast):
    client = logged_in(cast.rep)
    page = client.get(reverse("feedback:portal_tickets") + "?status=new").content.decode()
    assert reverse("feedback:portal_tickets_xlsx") + "?status=new" in page
    url = reverse("feedback:portal_project_tickets", args=[cast.project.pk])
    page = client.get(url).content.decode()
    assert reverse("feedback:portal_project_tickets_csv", args=[cast.project.pk]) in page


@pytest.mark.parametrize(
    ("name", "args"),
    [("feedback:portal_tickets_xlsx", False), ("feedback:portal_project_tickets_csv", True)],
)
def test_export_query_counts_do_not_grow(cast, name, args):
    client = logged_in(cast.rep)
    url = reverse(name, args=[cast.project.pk] if args else [])
    assert_queries_constant(client, url, lambda count: _tickets(cast, count))
