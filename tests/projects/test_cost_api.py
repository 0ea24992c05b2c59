"""Time and cost in the API and the portal: the provider side's rules, and what the client sees
under each budget_visibility (nothing, totals, detail); constant queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from projects.models import CostEntry, TimeEntry
from projects.services.costs import (
    cost_entry_add,
    rate_set,
    time_entry_log,
    time_period_approve,
)
from tests.helpers import count_queries, logged_in
from tests.projects.test_api import api_as

DAY = date(2026, 3, 4)
CLIENT_NAMES = ["client_admin", "rep", "viewer"]


def base(cast) -> str:
    return f"/api/v1/projects/{cast.project.pk}"


@pytest.fixture
def spent(cast):
    """Budget 1 000; 3 approved hours at 50; an internal cost of 70 and a shared one of 30."""
    cast.project.budget = Decimal(1000)
    cast.project.save()
    rate_set(actor=cast.pm, project=cast.project, role="team_member", hourly_rate=50)
    time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3)
    time_period_approve(actor=cast.pm, project=cast.project, start=DAY, end=DAY)
    cost_entry_add(actor=cast.pm, project=cast.project, date=DAY, amount=70, note="internal")
    cost_entry_add(
        actor=cast.pm, project=cast.project, date=DAY, amount=30, note="shared", visibility="client"
    )
    return cast.project


def set_visibility(project, value: str) -> None:
    project.budget_visibility = value
    project.save()


def portal_html(user, project) -> str:
    response = logged_in(user).get(f"/portal/projects/{project.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_nothing_shows_the_client_no_time_nor_budget(cast, spent, name):
    set_visibility(spent, "nothing")
    user = getattr(cast, name)
    for path in ["time-entries", "rates", "cost-entries", "earned-value"]:
        assert api_as(user).get(f"{base(cast)}/{path}/").status_code == 403
    html = portal_html(user, spent)
    assert 'data-testid="portal-budget"' not in html
    assert "1000" not in html
    project = api_as(user).get(f"/api/v1/projects/{spent.pk}/").json()
    assert "budget" not in project


@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_totals_show_the_client_budget_ac_ev_spi_cpi_only(cast, spent, name):
    set_visibility(spent, "totals")
    user = getattr(cast, name)
    figures = api_as(user).get(f"{base(cast)}/earned-value/").json()
    assert set(figures) == {"status_date", "currency", "bac", "ev", "ac", "spi", "cpi"}
    assert (figures["bac"], figures["ac"]) == ("1000.00", "250.00")
    for path in ["time-entries", "rates", "cost-entries"]:
        assert api_as(user).get(f"{base(cast)}/{path}/").status_code == 403
    html = portal_html(user, spent)
    assert 'data-testid="portal-budget"' in html
    assert 'data-testid="ev-ac">€250.00<' in html
    assert 'data-testid="ev-pv"' not in html
    assert 'data-testid="portal-costs"' not in html
    assert "internal" not in html.lower().split('data-testid="portal-budget"')[1][:3000]


@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_detail_shows_shared_costs_and_weekly_hours_never_internal_ones(cast, spent, name):
    set_visibility(spent, "detail")
    user = getattr(cast, name)
    costs = api_as(user).get(f"{base(cast)}/cost-entries/").json()["results"]
    assert [(c["note"], c["amount"]) for c in costs] == [("shared", "30.00")]
    figures = api_as(user).get(f"{base(cast)}/earned-value/").json()
    assert figures["weekly_hours"] == [{"week": "2026-03-02", "hours": "3.00"}]
    assert "pv" not in figures
    assert api_as(user).get(f"{base(cast)}/time-entries/").status_code == 403
    assert api_as(user).get(f"{base(cast)}/rates/").status_code == 403
    html = portal_html(user, spent)
    assert html.count('data-testid="portal-cost"') == 1
    assert 'data-testid="portal-weekly-hours"' in html
    assert "70.00" not in html


def test_another_clients_rep_gets_404_whatever_the_visibility(cast, spent):
    set_visibility(spent, "detail")
    for path in ["time-entries", "cost-entries", "earned-value"]:
        assert api_as(cast.other_client_rep).get(f"{base(cast)}/{path}/").status_code == 404


def test_staff_read_every_figure_and_a_team_member_only_their_own_time(cast, spent):
    time_entry_log(actor=cast.pm, project=cast.project, date=DAY, hours=1)
    figures = api_as(cast.am).get(f"{base(cast)}/earned-value/").json()
    assert (figures["ac"], figures["pv"], figures["cpi"]) == ("250.00", None, None)
    assert len(api_as(cast.pm).get(f"{base(cast)}/time-entries/").json()["results"]) == 2
    mine = api_as(cast.teammate).get(f"{base(cast)}/time-entries/").json()["results"]
    assert [entry["person"] for entry in mine] == [cast.teammate.pk]
    assert len(api_as(cast.am).get(f"{base(cast)}/cost-entries/").json()["results"]) == 2


def test_api_logs_time_and_refuses_bad_input_without_change(cast):
    api = api_as(cast.teammate)
    response = api.post(f"{base(cast)}/time-entries/", {"date": "2026-03-04", "hours": "25"})
    assert response.status_code == 400
    assert "24" in str(response.json())
    response = api.post(
        f"{base(cast)}/time-entries/",
        {"date": "2026-03-04", "hours": "2", "person": cast.pm.pk},
        format="json",
    )
    assert response.status_code == 403
    assert not TimeEntry.objects.exists()
    response = api.post(
        f"{base(cast)}/time-entries/", {"date": "2026-03-04", "hours": "2"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"


def test_api_pm_approves_idempotently_and_records_costs(cast):
    time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=2)
    api = api_as(cast.pm)
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    assert api.post(f"{base(cast)}/time-entries/approve/", period).json() == {"approved": 1}
    assert api.post(f"{base(cast)}/time-entries/approve/", period).json() == {"approved": 0}
    response = api.post(f"{base(cast)}/cost-entries/", {"date": "2026-03-04", "amount": "-1"})
    assert response.status_code == 400
    assert not CostEntry.objects.exists()
    response = api.post(f"{base(cast)}/cost-entries/", {"date": "2026-03-04", "amount": "12.5"})
    assert (response.status_code, response.json()["visibility"]) == (201, "internal")
    response = api.post(f"{base(cast)}/rates/", {"role": "pm", "hourly_rate": "90"})
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["time-entries", "cost-entries", "rates"])
def test_api_lists_keep_a_constant_number_of_queries(cast, path, django_assert_num_queries):
    api = api_as(cast.pm)

    def grow(count):
        for index in range(count):
            time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=1)
            cost_entry_add(actor=cast.pm, project=cast.project, date=DAY, amount=index)

    grow(2)
    rate_set(actor=cast.pm, project=cast.project, role="pm", hourly_rate=1)
    few = count_queries(api, f"{base(cast)}/{path}/")
    grow(20)
    rate_set(actor=cast.pm, project=cast.project, user=cast.teammate, hourly_rate=2)
    many = count_queries(api, f"{base(cast)}/{path}/")
    assert many == few


def test_api_corrects_and_deletes_own_entry_until_approved(cast):
    entry = time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=2)
    api = api_as(cast.teammate)
    url = f"{base(cast)}/time-entries/{entry.pk}/"
    response = api.patch(url, {"hours": "3.5", "note": "more"}, format="json")
    assert (response.status_code, response.json()["hours"]) == (200, "3.50")
    assert api.patch(url, {"hours": "30"}, format="json").status_code == 400
    entry.refresh_from_db()
    assert entry.hours == Decimal("3.5")
    time_period_approve(actor=cast.pm, project=cast.project, start=DAY, end=DAY)
    assert api.patch(url, {"hours": "1"}, format="json").status_code == 409
    assert api.delete(url).status_code == 409
    assert api_as(cast.am).delete(url).status_code == 403
    entry.refresh_from_db()
    assert (entry.hours, entry.status) == (Decimal("3.5"), "approved")
