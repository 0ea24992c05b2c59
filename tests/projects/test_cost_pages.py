"""The "Time and cost" tab and the CSV export: who sees what, forms, bad input, constant
queries."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import formatting
from projects.models import CostEntry, Rate, TimeEntry
from projects.services.costs import cost_entry_add, time_entry_log, time_period_approve
from tests.helpers import count_queries, logged_in

DAY = date(2026, 3, 4)


# Each form of the tab posts to a URL of its own.
FORM_PATHS = {
    "log": "time/",
    "approve": "time/approve/",
    "delete_time": "time/delete/",
    "rate": "rates/",
    "cost": "entries/",
}


def url(project, form: str = "") -> str:
    return f"/projects/{project.pk}/costs/{FORM_PATHS[form] if form else ''}"


def test_team_member_sees_only_their_own_time(cast):
    time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3, note="mine")
    time_entry_log(actor=cast.pm, project=cast.project, date=DAY, hours=2, note="the PM's")
    html = logged_in(cast.teammate).get(url(cast.project)).content.decode()
    assert html.count('data-testid="time-entry"') == 1
    assert "mine" in html
    assert "the PM&#x27;s" not in html
    assert 'data-testid="approval-form"' not in html
    assert 'data-testid="costs-csv"' not in html
    html = logged_in(cast.pm).get(url(cast.project)).content.decode()
    assert html.count('data-testid="time-entry"') == 2
    assert 'data-testid="approval-form"' in html


def test_team_member_logs_time_through_the_page(cast):
    response = logged_in(cast.teammate).post(
        url(cast.project, "log"), {"date": "2026-03-04", "hours": "7.5", "note": "x"}
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.person, entry.hours) == (cast.teammate, Decimal("7.5"))


def test_25_hours_is_refused_with_a_message_and_nothing_changes(cast):
    response = logged_in(cast.teammate).post(
        url(cast.project, "log"), {"date": "2026-03-04", "hours": "25"}
    )
    assert response.status_code == 400
    assert "24" in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_negative_cost_is_refused_and_nothing_changes(cast):
    response = logged_in(cast.pm).post(
        url(cast.project, "cost"),
        {"date": "2026-03-04", "amount": "-5", "category": "other"},
    )
    assert response.status_code == 400
    assert not CostEntry.objects.exists()


def test_team_member_cannot_record_costs_rates_or_approve(cast):
    time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3)
    client = logged_in(cast.teammate)
    client.post(
        url(cast.project, "cost"),
        {
            "date": "2026-03-04",
            "amount": "5",
            "category": "other",
            "visibility": "internal",
        },
    )
    client.post(url(cast.project, "rate"), {"role": "pm", "hourly_rate": "5"})
    client.post(url(cast.project, "approve"), {"start": "2026-03-01", "end": "2026-03-31"})
    assert not CostEntry.objects.exists()
    assert not Rate.objects.exists()
    assert not TimeEntry.objects.filter(status="approved").exists()


def test_team_member_cannot_delete_someone_elses_entry(cast):
    entry = time_entry_log(actor=cast.pm, project=cast.project, date=DAY, hours=3)
    response = logged_in(cast.teammate).post(url(cast.project, "delete_time"), {"id": entry.pk})
    assert response.status_code == 302  # back to the page, with the message "Not found."
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_the_tab_takes_no_post_and_a_bad_id_is_not_found(cast):
    client = logged_in(cast.pm)
    assert client.post(url(cast.project), {"action": "nonsense"}).status_code == 405
    response = client.post(url(cast.project, "delete_time"), {"id": "nonsense"}, follow=True)
    assert response.status_code == 200
    assert "Not found." in response.content.decode()


def test_pm_deletes_a_rate_and_a_cost_entry(cast):
    client = logged_in(cast.pm)
    client.post(url(cast.project, "rate"), {"role": "team_member", "hourly_rate": "50"})
    cost = cost_entry_add(
        actor=cast.pm, project=cast.project, date=DAY, amount=Decimal(5), category="other"
    )
    rate = Rate.objects.get()
    base = f"/projects/{cast.project.pk}/costs/"
    assert client.post(f"{base}rates/delete/", {"id": rate.pk}).status_code == 302
    assert client.post(f"{base}entries/delete/", {"id": cost.pk}).status_code == 302
    assert not Rate.objects.exists()
    assert not CostEntry.objects.exists()


def test_pm_approves_a_period_sets_rates_and_records_costs(cast):
    time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3)
    client = logged_in(cast.pm)
    assert (
        client.post(
            url(cast.project, "rate"), {"role": "team_member", "hourly_rate": "50"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url(cast.project, "approve"), {"start": "2026-03-01", "end": "2026-03-31"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url(cast.project, "cost"),
            {
                "date": "2026-03-04",
                "amount": "10",
                "category": "materials",
                "visibility": "client",
            },
        ).status_code
        == 302
    )
    assert TimeEntry.objects.get().status == "approved"
    assert Rate.objects.get().hourly_rate == 50
    assert CostEntry.objects.get().visibility == "client"


def test_page_shows_figures_and_chart_data(cast):
    cast.project.budget = Decimal(1000)
    cast.project.start_date = timezone.localdate() - timedelta(days=20)
    cast.project.save()
    html = logged_in(cast.pm).get(url(cast.project)).content.decode()
    assert 'id="ev-chart-data"' in html
    assert 'data-ev-chart="ev-chart-data"' in html
    assert 'data-testid="ev-series"' in html
    assert "<script>" not in html  # no inline script (CSP)
    # The axis reads days as people write them ("Nov 14"), not ISO dates.
    data = json.loads(
        html.split('id="ev-chart-data" type="application/json">', 1)[1].split("<", 1)[0]
    )
    assert data["labels"][0] == formatting.month_day(cast.project.start_date)
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", label) for label in data["labels"])


def grow(cast, count: int) -> None:
    for index in range(count):
        time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=1 + index % 5)
        cost_entry_add(actor=cast.pm, project=cast.project, date=DAY, amount=index)
    time_period_approve(actor=cast.pm, project=cast.project, start=DAY, end=DAY)


@pytest.mark.parametrize("name", ["pm", "teammate"])
def test_page_keeps_a_constant_number_of_queries(cast, name, django_assert_max_num_queries):
    cast.project.start_date = DAY
    cast.project.save()
    client = logged_in(getattr(cast, name))
    grow(cast, 3)
    few = count_queries(client, url(cast.project), warm=True)
    grow(cast, 30)
    many = count_queries(client, url(cast.project), warm=True)
    assert many == few


def test_csv_export_is_safe_against_formula_injection(cast):
    time_entry_log(
        actor=cast.teammate, project=cast.project, date=DAY, hours=1, note="=HYPERLINK(1)"
    )
    cost_entry_add(actor=cast.pm, project=cast.project, date=DAY, amount=5, note="@SUM(A1)")
    response = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/costs.csv")
    text = response.content.decode()
    assert response.status_code == 200
    assert "'=HYPERLINK(1)" in text
    assert "'@SUM(A1)" in text
    assert logged_in(cast.teammate).get(f"/projects/{cast.project.pk}/costs.csv").status_code == 403


def test_the_forms_choices_come_in_one_query_with_only_what_they_show(cast):
    """The tasks the reader may see in the plan's order, the staff by name (the time form's
    people are the PMs and team members, the rate form's all the staff), in one query."""
    from projects.models import STAFF_ROLES, Membership, Visibility
    from projects.selectors.costs import cost_form_choices_for
    from projects.selectors.tasks import TASK_TEAM_ROLES, task_list_for
    from projects.services.tasks import task_create

    for index, name in enumerate(("Zeta wiring", "Alpha survey", "Mid review")):
        task_create(
            actor=cast.pm,
            project=cast.project,
            name=name,
            visibility=Visibility.INTERNAL if index == 2 else Visibility.CLIENT,
        )
    with CaptureQueriesContext(connection) as queries:
        choices = cost_form_choices_for(user=cast.pm, project=cast.project)
    assert len(queries.captured_queries) == 1
    assert choices.tasks == [
        (task.pk, task.name) for task in task_list_for(user=cast.pm, project=cast.project)
    ]
    assert [name for _pk, name in choices.tasks][:3] == [
        "Zeta wiring",
        "Alpha survey",
        "Mid review",
    ]
    staff = Membership.objects.filter(project=cast.project, role__in=STAFF_ROLES)
    assert sorted(choices.staff) == sorted((m.user_id, m.user.display_name, m.role) for m in staff)
    names = [name for _pk, name, _role in choices.staff]
    assert names == sorted(names)
    assert {role for *_rest, role in choices.staff} >= set(TASK_TEAM_ROLES)

    page = logged_in(cast.pm).get(url(cast.project)).content.decode()
    time_form = page.split('name="task"')[1].split("</select>")[0]
    assert time_form.index("Zeta wiring") < time_form.index("Alpha survey")
    assert cost_form_choices_for(user=cast.outsider, project=cast.project).tasks == []
