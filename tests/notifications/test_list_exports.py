"""One's notifications export to CSV and Excel on either side: one's own only, all of them
(not one page of the list), newest first, with whether each is read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.services.notifications import notification_create, notifications_mark_read
from tests.helpers import (
    assert_queries_constant,
    export_rows,
    export_sheet,
    export_text,
    logged_in,
)

pytestmark = pytest.mark.django_db


def _notify(user, count=1, title="=Deliverable submitted"):
    for index in range(count):
        notification_create(user=user, title=f"{title} {index}", body="Please review", url="/x/")


def test_my_notifications_with_the_lists_columns(cast):
    _notify(cast.pm)
    _notify(cast.teammate, title="Someone else's")
    rows = export_rows(logged_in(cast.pm).get(reverse("notifications:list_csv")))
    assert rows[0] == ["When", "Title", "Text", "Read"]
    assert [row[1:] for row in rows[1:]] == [["'=Deliverable submitted 0", "Please review", "no"]]


def test_the_workbook_keeps_moments_and_formulas_as_text(cast):
    _notify(cast.rep)
    notifications_mark_read(user=cast.rep)
    sheet = export_sheet(logged_in(cast.rep).get(reverse("notifications:list_xlsx")))
    assert sheet["A2"].is_date
    assert sheet["B2"].value == "=Deliverable submitted 0"
    assert sheet["B2"].data_type == "s"
    assert sheet["D2"].value == "yes"


def test_every_notification_not_one_page(cast):
    _notify(cast.pm, 60)
    rows = export_rows(logged_in(cast.pm).get(reverse("notifications:list_csv")))
    assert len(rows) == 61


def test_a_clients_file_holds_their_own_only(cast):
    _notify(cast.pm, title="Internal margin review")
    _notify(cast.viewer, title="Report ready")
    text = export_text(logged_in(cast.viewer).get(reverse("notifications:list_xlsx")))
    assert "Report ready 0" in text
    assert "margin" not in text


def test_anonymous_people_log_in_first(client):
    response = client.get(reverse("notifications:list_csv"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_links_its_exports(cast):
    page = logged_in(cast.rep).get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:list_csv") in page


def test_notification_export_query_count_does_not_grow(cast):
    url = reverse("notifications:list_xlsx")
    assert_queries_constant(logged_in(cast.pm), url, lambda count: _notify(cast.pm, count))
