"""The dashboard's complaint figures, computed in SQL, against a worked example; the panel's
query count stays the same with 10 and 100 complaints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.calendars import calendars_changed
from feedback.models import FeedbackTicket, TicketKind
from feedback.selectors.complaints import complaint_dashboard_figures
from feedback.services.tickets import (
    ticket_acknowledge,
    ticket_confirm,
    ticket_resolve,
    ticket_start,
)
from tests.factories import UserFactory, add_member
from tests.feedback.tickets.helpers import a_complaint

pytestmark = pytest.mark.django_db

MONDAY_9 = datetime(2026, 11, 23, 9, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 11, 24, 9, tzinfo=UTC)
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.fixture
def worked(cast):
    """Four complaints of client A (London business hours, high severity unless said):

    | ticket | raised      | first response | resolved | state        |
    | C1     | Mon 09:00   | +1 h           | +10 h    | confirmed    |
    | C2     | Mon 09:00   | +3 h           | +20 h    | resolved     |
    | C3     | Mon 09:00   | +5 h (late)    | -        | in progress  |
    | C4     | Tue 09:00   | - (critical)   | -        | new          |

    Median to first response: 1, 3, 5 h -> 3 h. Median to resolution: 10 and 20 h -> 15 h.
    At Wednesday noon: open = C3, C4; breaching = C3 (its first response came after the 4 h
    target) and C4 (no response 2 business hours after Tuesday 09:00)."""
    c1, c2, c3 = (
        a_complaint(cast.rep, cast.project, title=f"C{n}", now=MONDAY_9) for n in (1, 2, 3)
    )
    a_complaint(cast.rep, cast.project, title="C4", now=TUESDAY_9, severity="critical")
    for ticket, first in ((c1, 1), (c2, 3), (c3, 5)):
        ticket_acknowledge(
            actor=cast.am, ticket=ticket, message="On it", now=MONDAY_9 + timedelta(hours=first)
        )
    ticket_resolve(actor=cast.am, ticket=c1, resolution="Done", now=MONDAY_9 + timedelta(hours=10))
    ticket_confirm(actor=cast.rep, ticket=c1)
    ticket_resolve(actor=cast.am, ticket=c2, resolution="Done", now=MONDAY_9 + timedelta(hours=20))
    ticket_start(actor=cast.am, ticket=c3)
    # Noise: a suggestion (not a complaint) and another client's complaint.
    from feedback.services.tickets import ticket_raise

    ticket_raise(actor=cast.rep, project=cast.project, kind=TicketKind.SUGGESTION, title="S")
    other_am = UserFactory(email="am2@provider.test", organization=cast.am.organization)
    add_member(cast.other_project, other_am, "am")
    a_complaint(cast.other_client_rep, cast.other_project, title="B's", now=MONDAY_9)
    return cast


def test_figures_match_the_worked_example(worked, django_assert_num_queries):
    calendars_changed()  # the provider's working calendar not cached, whatever day it is
    # aggregate, the open and breaching lists, the provider, the provider's working calendar
    with django_assert_num_queries(4):
        figures = complaint_dashboard_figures(user=worked.am, now=WEDNESDAY_NOON)
    assert figures.total == 4
    assert figures.open == 2
    assert figures.breaching == 2
    assert figures.median_first_response == timedelta(hours=3)
    assert figures.median_resolution == timedelta(hours=15)
    assert figures.by_status == {
        "new": 1,
        "acknowledged": 0,
        "in_progress": 1,
        "resolved": 1,
        "confirmed": 1,
        "reopened": 0,
    }
    assert sorted(t.title for t in figures.open_complaints) == ["C3", "C4"]
    assert sorted(t.title for t in figures.breaching_complaints) == ["C3", "C4"]
    c4 = next(t for t in figures.open_complaints if t.title == "C4")
    assert c4.clocks.first_response.is_breached


@pytest.mark.parametrize("limit", [1, 2])
def test_the_open_and_breaching_lists_are_capped_each_on_its_own(worked, limit):
    """On Tuesday at 10:00 C3 breaches (its first response came late) and C4 not yet: each list
    keeps its own first `limit`, in the same order, from one query."""
    now = TUESDAY_9 + timedelta(hours=1)
    everything = complaint_dashboard_figures(user=worked.am, now=now)
    assert sorted(t.title for t in everything.open_complaints) == ["C3", "C4"]
    assert [t.title for t in everything.breaching_complaints] == ["C3"]
    with CaptureQueriesContext(connection) as queries:
        capped = complaint_dashboard_figures(user=worked.am, now=now, open_limit=limit)
    # The aggregate (its medians too, on SQLite as well) and the lists (the calendar is cached).
    assert len(queries) == 2
    assert capped.open_complaints == everything.open_complaints[:limit]
    assert capped.breaching_complaints == everything.breaching_complaints[:limit]
    assert capped.breaching == everything.breaching == 1


def test_figures_are_scoped_and_filtered(worked):
    assert complaint_dashboard_figures(user=worked.rep).total == 0  # clients have no dashboard
    assert complaint_dashboard_figures(user=worked.teammate).total == 0
    assert complaint_dashboard_figures(user=worked.staff_admin).total == 5
    assert complaint_dashboard_figures(user=worked.pm, pm_id=worked.pm.pk).total == 4
    assert (
        complaint_dashboard_figures(
            user=worked.staff_admin, client_id=worked.other_project.client_id
        ).total
        == 1
    )
    tuesday = complaint_dashboard_figures(
        user=worked.am, period_start=date(2026, 11, 24), period_end=date(2026, 11, 24)
    )
    assert tuesday.total == 1
    assert tuesday.median_first_response is None


def test_people_of_one_standing_read_their_own_complaints(worked):
    """The two queries are compiled once for every AM; each reads them with their own id."""
    from accounts.models import User

    other_am = User.objects.get(email="am2@provider.test")
    for _ in range(2):  # the first read compiles, the second reads what was compiled
        mine = complaint_dashboard_figures(user=worked.am, now=WEDNESDAY_NOON)
        theirs = complaint_dashboard_figures(user=other_am, now=WEDNESDAY_NOON)
        assert (mine.total, theirs.total) == (4, 1)
        assert sorted(t.title for t in mine.open_complaints) == ["C3", "C4"]
        assert [t.title for t in theirs.open_complaints] == ["B's"]
        assert {t.project_id for t in theirs.breaching_complaints} <= {worked.other_project.pk}
    assert complaint_dashboard_figures(user=worked.teammate, now=WEDNESDAY_NOON).total == 0


def test_no_complaints_gives_empty_figures(cast):
    figures = complaint_dashboard_figures(user=cast.am)
    assert figures.total == 0
    assert figures.median_resolution is None
    html = render_to_string(
        "feedback/tickets/_dashboard_panel.html", {"complaint_figures": figures}
    )
    assert "No open complaint." in html


def _bulk(cast, count):
    FeedbackTicket.objects.bulk_create(
        FeedbackTicket(
            project=cast.project,
            number=1000 + index + FeedbackTicket.objects.count(),
            kind=TicketKind.COMPLAINT,
            title=f"Bulk {index}",
            raised_by=cast.rep,
            raised_side="client",
            raised_at=MONDAY_9,
            owner=cast.am,
            first_response_due_at=MONDAY_9 + timedelta(hours=4),
            resolution_due_at=MONDAY_9 + timedelta(days=3),
            first_responded_at=MONDAY_9 + timedelta(hours=index % 7) if index % 2 else None,
        )
        for index in range(count)
    )


def _panel_queries(cast):
    # Both measurements with the provider's working calendar not cached yet (one query).
    calendars_changed()
    with CaptureQueriesContext(connection) as captured:
        figures = complaint_dashboard_figures(user=cast.am, now=WEDNESDAY_NOON)
        html = render_to_string(
            "feedback/tickets/_dashboard_panel.html", {"complaint_figures": figures}
        )
    return len(captured.captured_queries), figures, html


def test_panel_keeps_its_query_count_with_10_and_100_complaints(cast):
    _bulk(cast, 10)
    few, figures, html = _panel_queries(cast)
    assert figures.total == 10
    assert html.count('data-testid="open-complaint"') == 10
    _bulk(cast, 90)
    many, figures, html = _panel_queries(cast)
    assert figures.total == 100
    assert many == few
    assert 'data-testid="median-first-response"' in html


def test_the_dashboard_lists_the_ten_most_urgent_complaints_and_all_on_request(cast):
    """15 open complaints: the dashboard's panel lists the 10 due first, says how many there are
    and links to all of them, the period and filters kept."""
    _bulk(cast, 15)
    client = Client()
    client.force_login(cast.am)
    url = reverse("feedback:dashboard") + "?start=2026-11-01&end=2026-11-30"

    page = client.get(url).content.decode()
    assert page.count('data-testid="open-complaint"') == 10
    assert "The 10 most urgent of 15 open complaints." in page
    assert 'href="?start=2026-11-01&amp;end=2026-11-30&amp;complaints=all"' in page

    every = client.get(url + "&complaints=all").content.decode()
    assert every.count('data-testid="open-complaint"') == 15
    assert 'data-testid="complaints-all"' not in every
