"""Earned value with budget changes (projects.earned_value): a change request's cost raises the
budget as added scope (with work of its own) and contingency (no work), so the value of work
already done does not move. A worked example computed by hand, ETC, VAC and TCPI, constant
queries, and what the team and the client see.

Before the split, a contingency of 1 400 raised the BAC from 10 000 to 11 400 without new
work, and the EV of the same work rose from 7 000 to 7 980: CPI 0.92 → 1.05.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from projects.earned_value.figures import earned_value_many, project_earned_value
from projects.earned_value.series import earned_value_points, earned_value_series
from projects.models import BudgetChange, CostEntry, Role, Task
from projects.selectors import project_portfolio_for
from projects.services.costs import cost_entry_add
from tests.factories import ProjectFactory, add_member
from tests.helpers import count_queries, logged_in
from tests.projects.test_api import api_as

D = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _clock_at_d(time_machine):
    """The pages read the real clock: noon on the status date."""
    time_machine.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)


def task(project, name, estimate, start, due, percent, change=None):
    return Task.objects.create(
        project=project,
        name=name,
        estimate_hours=Decimal(estimate),
        start_date=start,
        due_date=due,
        percent_complete=percent,
        budget_change=change,
    )


def approve_budget_change(project, reference, *, scope="0", contingency="0"):
    """What approving a change request does to the budget: the change's row, and the budget
    raised by both amounts."""
    change = BudgetChange.objects.create(
        project=project,
        change_reference=reference,
        title=f"Change {reference}",
        scope_amount=Decimal(scope),
        contingency_amount=Decimal(contingency),
    )
    project.budget += change.scope_amount + change.contingency_amount
    project.save()
    return change


def with_original_work(pm, project):
    """Original budget 10 000; status date 10 March 2026.

      A 60 h, 1-10 March, 100 %: planned 10/10 → 60 h; earned 60 h
      B 40 h, 6-15 March, 25 %:  planned  5/10 → 20 h; earned 10 h
    Planned 80/100 → PV 8 000; earned 70/100 → EV 7 000; a cost of 7 600 on 2 March → AC.
    SPI 7 000/8 000 = 0.875 → 0.88; CPI 7 000/7 600 = 0.921 → 0.92;
    EAC = 10 000 · 7 600/7 000 = 10 857.14; ETC = EAC - AC = 3 257.14;
    VAC = BAC - EAC = -857.14; TCPI = (10 000 - 7 000)/(10 000 - 7 600) = 1.25.
    """
    project.budget = Decimal("10000.00")
    project.start_date = date(2026, 3, 1)
    project.end_date = date(2026, 3, 31)
    project.save()
    task(project, "A", 60, date(2026, 3, 1), date(2026, 3, 10), 100)
    task(project, "B", 40, date(2026, 3, 6), date(2026, 3, 15), 25)
    CostEntry.objects.create(
        project=project, date=date(2026, 3, 2), amount=Decimal(7600), created_by=pm
    )
    return project


@pytest.fixture
def worked(cast):
    return with_original_work(cast.pm, cast.project)


def figures_of(project):
    return project_earned_value(project, status_date=D)


def test_before_any_change_the_figures_are_the_hand_computed_ones(worked):
    figures = figures_of(worked)
    assert (figures.bac, figures.original_budget) == (Decimal("10000.00"), Decimal("10000.00"))
    assert (figures.added_scope, figures.contingency, figures.budget_change_count) == (0, 0, 0)
    assert (figures.pv, figures.ev, figures.ac) == (
        Decimal("8000.00"),
        Decimal("7000.00"),
        Decimal("7600.00"),
    )
    assert (figures.planned_percent, figures.earned_percent) == (Decimal("80.00"), Decimal("70.00"))
    assert (figures.spi, figures.cpi) == (Decimal("0.88"), Decimal("0.92"))
    assert (figures.eac, figures.etc, figures.vac, figures.tcpi) == (
        Decimal("10857.14"),
        Decimal("3257.14"),
        Decimal("-857.14"),
        Decimal("1.25"),
    )


def test_contingency_raises_the_budget_but_neither_bac_nor_ev(worked):
    before = figures_of(worked)
    approve_budget_change(worked, "CR-3", contingency="1400")
    assert worked.budget == Decimal("11400.00")
    figures = figures_of(worked)
    # Not 11 400 · 0.7 = 7 980 and CPI 1.05: the contingency is not earned.
    assert (figures.bac, figures.ev, figures.pv, figures.cpi) == (
        Decimal("10000.00"),
        Decimal("7000.00"),
        Decimal("8000.00"),
        Decimal("0.92"),
    )
    assert (figures.original_budget, figures.added_scope, figures.contingency) == (
        Decimal("10000.00"),
        Decimal("0.00"),
        Decimal("1400.00"),
    )
    assert (figures.eac, figures.etc, figures.vac, figures.tcpi) == (
        before.eac,
        before.etc,
        before.vac,
        before.tcpi,
    )
    assert (figures.budget_change_count, figures.unplanned_changes) == (1, [])


def test_added_scope_without_tasks_sits_in_bac_unearned(worked):
    approve_budget_change(worked, "CR-3", contingency="1400")
    approve_budget_change(worked, "CR-4", scope="2000", contingency="500")
    figures = figures_of(worked)
    # BAC 12 000; the old work still plans 8 000 and earns 7 000; CR-4 nothing yet.
    assert (figures.bac, figures.pv, figures.ev) == (
        Decimal("12000.00"),
        Decimal("8000.00"),
        Decimal("7000.00"),
    )
    assert figures.contingency == Decimal("1900.00")
    assert figures.unplanned_changes == ["CR-4"]
    # Planned and earned % are shares of BAC: 8 000/12 000, 7 000/12 000.
    assert (figures.planned_percent, figures.earned_percent) == (Decimal("66.67"), Decimal("58.33"))


def test_added_scope_earns_from_its_own_budget_and_old_work_does_not_move(worked, cast):
    approve_budget_change(worked, "CR-3", contingency="1400")
    cr4 = approve_budget_change(worked, "CR-4", scope="2000", contingency="500")
    # C 20 h, 8-17 March, 50 %: planned 3/10 → 6 h of 20 → PV 2 000 · 0.3 = 600;
    # earned 10 h of 20 → EV 2 000 · 0.5 = 1 000. Its cost: 1 000 on 9 March → AC 8 600.
    task(worked, "C", 20, date(2026, 3, 8), date(2026, 3, 17), 50, change=cr4)
    cost_entry_add(actor=cast.pm, project=worked, date=date(2026, 3, 9), amount=Decimal(1000))
    figures = figures_of(worked)
    assert worked.budget == Decimal("13900.00")
    assert (figures.original_budget, figures.added_scope, figures.contingency) == (
        Decimal("10000.00"),
        Decimal("2000.00"),
        Decimal("1900.00"),
    )
    # BAC 10 000 + 2 000; PV 8 000 + 600; EV 7 000 (old work, unchanged) + 1 000.
    assert (figures.bac, figures.pv, figures.ev, figures.ac) == (
        Decimal("12000.00"),
        Decimal("8600.00"),
        Decimal("8000.00"),
        Decimal("8600.00"),
    )
    # SPI 8 000/8 600 = 0.930, CPI the same; planned 8 600/12 000, earned 8 000/12 000.
    assert (figures.spi, figures.cpi) == (Decimal("0.93"), Decimal("0.93"))
    assert (figures.planned_percent, figures.earned_percent) == (Decimal("71.67"), Decimal("66.67"))
    # EAC 12 000 · 8 600/8 000 = 12 900; ETC 12 900 - 8 600 = 4 300; VAC 12 000 - 12 900;
    # TCPI (12 000 - 8 000)/(12 000 - 8 600) = 4 000/3 400 = 1.176.
    assert (figures.eac, figures.etc, figures.vac, figures.tcpi) == (
        Decimal("12900.00"),
        Decimal("4300.00"),
        Decimal("-900.00"),
        Decimal("1.18"),
    )
    assert figures.unplanned_changes == []


def test_tcpi_is_none_when_the_budget_is_spent_exactly(worked, cast):
    cost_entry_add(actor=cast.pm, project=worked, date=D, amount=Decimal(2400))  # AC = BAC
    figures = figures_of(worked)
    assert (figures.ac, figures.tcpi) == (Decimal("10000.00"), None)
    assert (figures.eac, figures.etc, figures.vac) == (
        Decimal("14285.71"),
        Decimal("4285.71"),
        Decimal("-4285.71"),
    )


def test_without_a_budget_nothing_at_completion_is_computed(cast):
    task(cast.project, "A", 10, date(2026, 3, 1), date(2026, 3, 10), 50)
    figures = figures_of(cast.project)
    assert (figures.bac, figures.eac, figures.etc, figures.vac, figures.tcpi) == (None,) * 5
    assert figures.earned_percent == Decimal("50.00")


def test_the_series_and_the_many_projects_path_agree_with_the_figures(worked, cast):
    approve_budget_change(worked, "CR-3", contingency="1400")
    cr4 = approve_budget_change(worked, "CR-4", scope="2000", contingency="500")
    task(worked, "C", 20, date(2026, 3, 8), date(2026, 3, 17), 50, change=cr4)
    figures = figures_of(worked)
    assert earned_value_many([worked], status_date=D)[worked.pk] == figures
    [point] = earned_value_points([(worked, D)], today=D)
    assert point.figures == figures
    last = earned_value_series(worked, today=D)[-1]
    assert (last.date, last.pv, last.ev) == (D, Decimal("8600.00"), Decimal("8000.00"))


def test_budget_changes_cost_one_more_query_for_any_number_of_projects(
    cast, django_assert_num_queries
):
    def changed(count):
        projects = []
        for _ in range(count):
            project = with_original_work(cast.pm, ProjectFactory())
            change = approve_budget_change(project, "CR-1", scope="2000", contingency="500")
            task(project, "C", 20, date(2026, 3, 8), date(2026, 3, 17), 50, change=change)
            approve_budget_change(project, "CR-2", contingency="100")
            projects.append(project)
        return projects

    one = changed(1)
    with django_assert_num_queries(2):
        figures = earned_value_many(one, status_date=D)
    assert figures[one[0].pk].ev == Decimal("8000.00")
    several = [*one, *changed(4), ProjectFactory(budget=Decimal(100))]
    with django_assert_num_queries(2):
        figures = earned_value_many(several, status_date=D)
    assert {figures[project.pk].ev for project in several[:5]} == {Decimal("8000.00")}
    assert {figures[project.pk].bac for project in several[:5]} == {Decimal("12000.00")}
    with django_assert_num_queries(2):
        assert project_earned_value(several[0], status_date=D).bac == Decimal("12000.00")
    # Without budget changes: one query, as before.
    with django_assert_num_queries(1):
        earned_value_many(several[-1:], status_date=D)


def test_the_portfolio_keeps_a_constant_number_of_queries_with_budget_changes(cast):
    client = logged_in(cast.pm)

    def managed(code):
        project = ProjectFactory(code=code, name=code)
        add_member(project, cast.pm, Role.PM)
        with_original_work(cast.pm, project)
        change = approve_budget_change(project, "CR-1", scope="2000", contingency="500")
        task(project, "C", 20, date(2026, 3, 8), date(2026, 3, 17), 50, change=change)
        return project

    managed("few-0")
    cast.pm.__dict__.pop("project_roles", None)
    few = count_queries(client, "/projects/")
    for index in range(6):
        managed(f"many-{index}")
    cast.pm.__dict__.pop("project_roles", None)
    assert count_queries(client, "/projects/") == few
    rows = project_portfolio_for(user=cast.pm, today=D)
    # EV 8 000 of AC 7 600 in each managed project.
    assert {str(row.earned_value.cpi) for row in rows if row.code.startswith(("few", "many"))} == {
        "1.05"
    }


def test_the_team_sees_etc_vac_tcpi_and_the_split(worked, cast):
    approve_budget_change(worked, "CR-3", contingency="1400")
    approve_budget_change(worked, "CR-4", scope="2000", contingency="500")
    html = logged_in(cast.pm).get(f"/projects/{worked.pk}/costs/").content.decode()
    # BAC 12 000, EV 7 000, AC 7 600: EAC 13 028.57, ETC 5 428.57, VAC -1 028.57,
    # TCPI 5 000/4 400 = 1.136.
    assert 'data-testid="ev-bac">€12,000.00<' in html
    assert 'data-testid="ev-eac">€13,028.57<' in html
    assert 'data-testid="ev-etc">€5,428.57<' in html
    assert 'data-testid="ev-vac">-€1,028.57<' in html
    assert 'data-testid="tcpi">1.14<' in html
    split = html.split('data-testid="ev-budget-split">')[1].split("</div>")[0]
    assert split == (
        "Budget at completion €12,000.00 = original budget €10,000.00 + added scope €2,000.00. "
        "Contingency €1,900.00 is budget outside BAC: no work earns it."
    )
    assert html.count('data-testid="ev-unplanned"') == 1
    assert "CR-4's added scope has no planned work yet." in html
    figures = api_as(cast.am).get(f"/api/v1/projects/{worked.pk}/earned-value/").json()
    assert (figures["eac"], figures["etc"], figures["vac"], figures["tcpi"]) == (
        "13028.57",
        "5428.57",
        "-1028.57",
        "1.14",
    )
    assert (figures["original_budget"], figures["added_scope"], figures["contingency"]) == (
        "10000.00",
        "2000.00",
        "1900.00",
    )
    assert figures["unplanned_changes"] == ["CR-4"]


@pytest.mark.parametrize("visibility", ["nothing", "totals", "detail"])
def test_the_client_sees_no_split_nor_contingency(worked, cast, visibility):
    approve_budget_change(worked, "CR-3", contingency="1400")
    approve_budget_change(worked, "CR-4", scope="2000", contingency="500")
    worked.budget_visibility = visibility
    worked.save()
    for user in (cast.client_admin, cast.rep, cast.viewer):
        response = api_as(user).get(f"/api/v1/projects/{worked.pk}/earned-value/")
        html = logged_in(user).get(f"/portal/projects/{worked.pk}/").content.decode()
        for hidden in ("ev-budget-split", "ev-unplanned", "ev-eac", "ev-etc", "ev-vac", "tcpi"):
            assert f'data-testid="{hidden}"' not in html
        assert "1,900.00" not in html
        if visibility == "nothing":
            assert response.status_code == 403
            assert 'data-testid="portal-budget"' not in html
            continue
        # The same totals as before budget changes existed, BAC being the performance
        # baseline (12 000: original budget and added scope).
        assert set(response.json()) - {"weekly_hours"} == {
            "status_date",
            "currency",
            "bac",
            "ev",
            "ac",
            "spi",
            "cpi",
        }
        assert (response.json()["bac"], response.json()["ev"]) == ("12000.00", "7000.00")
        assert 'data-testid="ev-bac">€12,000.00<' in html
