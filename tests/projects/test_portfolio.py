"""The PM's portfolio ("My projects", projects.selectors.portfolio): the figures per project,
filters and sort by GET parameters, pagination, constant queries; the overview at a glance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from projects.models import Deliverable, Milestone, Phase, Project, Role
from projects.selectors import PortfolioFilters, project_glance_for, project_portfolio_for
from projects.selectors.portfolio import annotate_portfolio
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from tests.factories import OrganizationFactory, ProjectFactory, add_member
from tests.helpers import count_queries, logged_in

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _clock_at_today(time_machine):
    """The pages read the real clock; the fixtures' dates are relative to TODAY."""
    time_machine.move_to(datetime(2026, 11, 23, 10, tzinfo=UTC), tick=False)


def managed_project(pm, *, code, name=None, client=None, phase=Phase.EXECUTION):
    project = ProjectFactory(
        code=code, name=name or code, phase=phase, **({"client": client} if client else {})
    )
    add_member(project, pm, Role.PM)
    pm.__dict__.pop("project_roles", None)  # as a new request would load them
    return project


def deliverable(pm, milestone, name, status=Deliverable.Status.IN_PROGRESS, due=None):
    created = deliverable_create(
        actor=pm, milestone=milestone, name=name, criteria=["ok"], due_date=due
    )
    Deliverable.objects.filter(pk=created.pk).update(status=status)
    return created


def grow(pm, project, *, overdue_milestones=0) -> None:
    """A plan with: a late milestone (per `overdue_milestones`), a future one with four
    deliverables: accepted, deemed accepted, submitted, and in progress past its due date."""
    for index in range(overdue_milestones):
        milestone_create(
            actor=pm, project=project, name=f"Late {index}", due_date=TODAY - timedelta(days=3)
        )
    future = milestone_create(
        actor=pm, project=project, name="Go-live", due_date=TODAY + timedelta(days=10)
    )
    milestone_create(actor=pm, project=project, name="Closure", due_date=TODAY + timedelta(days=40))
    deliverable(pm, future, "A", Deliverable.Status.ACCEPTED)
    deliverable(pm, future, "B", Deliverable.Status.DEEMED_ACCEPTED)
    deliverable(pm, future, "C", Deliverable.Status.SUBMITTED, due=TODAY - timedelta(days=5))
    deliverable(pm, future, "D", Deliverable.Status.IN_PROGRESS, due=TODAY - timedelta(days=1))


def test_portfolio_figures_per_project(cast):
    grow(cast.pm, cast.project, overdue_milestones=1)
    [row] = project_portfolio_for(user=cast.pm, today=TODAY)
    assert row == cast.project
    assert (row.next_milestone_name, row.next_milestone_due) == (
        "Late 0",
        TODAY - timedelta(days=3),
    )
    assert row.awaiting_client_count == 1
    # 1 overdue milestone + 1 overdue deliverable in progress (the submitted one is with the client)
    assert (row.overdue_milestone_count, row.overdue_deliverable_count, row.overdue_count) == (
        1,
        1,
        2,
    )
    assert (row.accepted_deliverable_count, row.deliverable_count, row.progress) == (2, 4, 50)
    assert row.health.status == "amber"
    assert row.health.reason_text == "1 milestone is overdue."


def test_portfolio_without_deliverables_has_no_progress(cast):
    [row] = project_portfolio_for(user=cast.pm, today=TODAY)
    assert (row.progress, row.next_milestone_name, row.overdue_count) == (None, None, 0)


def test_completed_milestones_are_not_next_nor_overdue(cast):
    late = milestone_create(
        actor=cast.pm, project=cast.project, name="Done", due_date=TODAY - timedelta(days=9)
    )
    Milestone.objects.filter(pk=late.pk).update(status=Milestone.Status.COMPLETED)
    milestone_create(actor=cast.pm, project=cast.project, name="Next", due_date=TODAY)
    [row] = project_portfolio_for(user=cast.pm, today=TODAY)
    assert (row.next_milestone_name, row.overdue_count, row.health.status) == ("Next", 0, "green")


def test_portfolio_is_scoped_and_leaves_archived_projects_out(cast):
    archived = managed_project(cast.pm, code="old")
    archived.is_archived = True
    archived.save()
    assert [row.code for row in project_portfolio_for(user=cast.pm)] == ["a-one"]
    assert project_portfolio_for(user=cast.outsider) == []
    assert [row.code for row in project_portfolio_for(user=cast.staff_admin)] == ["a-one", "b-one"]


@pytest.fixture
def three(cast):
    """A One (green, execution, client A), Beta (red, planning, other client),
    Gamma (amber, execution, client A)."""
    other_client = OrganizationFactory(name="Zeta Corp")
    beta = managed_project(cast.pm, code="beta", name="Beta", client=other_client, phase="planning")
    grow(cast.pm, beta, overdue_milestones=2)
    gamma = managed_project(cast.pm, code="gamma", name="Gamma", client=cast.project.client)
    grow(cast.pm, gamma, overdue_milestones=1)
    Milestone.objects.filter(project=gamma, name="Late 0").update(
        due_date=TODAY - timedelta(days=1)
    )
    Milestone.objects.filter(project=gamma, name="Go-live").update(
        due_date=TODAY + timedelta(days=2)
    )
    Milestone.objects.filter(project=beta, name="Late 1").update(due_date=TODAY - timedelta(days=2))
    milestone_create(
        actor=cast.pm, project=cast.project, name="Far", due_date=TODAY + timedelta(days=99)
    )
    cast.project.phase = Phase.EXECUTION
    cast.project.save()
    return other_client


def codes(user, **query) -> list[str]:
    return [
        row.code
        for row in project_portfolio_for(
            user=user, filters=PortfolioFilters.from_query(query), today=TODAY
        )
    ]


def test_portfolio_sorts_by_name_next_milestone_and_health(cast, three):
    assert codes(cast.pm) == ["a-one", "beta", "gamma"]
    assert codes(cast.pm, sort="name") == ["a-one", "beta", "gamma"]
    # Beta's next is 3 days late, Gamma's 1 day late, A One's in 99 days
    assert codes(cast.pm, sort="next_milestone") == ["beta", "gamma", "a-one"]
    assert codes(cast.pm, sort="health") == ["beta", "gamma", "a-one"]
    assert codes(cast.pm, sort="nonsense") == ["a-one", "beta", "gamma"]


def test_portfolio_filters_by_phase_health_and_client(cast, three):
    assert codes(cast.pm, phase="planning") == ["beta"]
    assert codes(cast.pm, phase="execution") == ["a-one", "gamma"]
    assert codes(cast.pm, health="red") == ["beta"]
    assert codes(cast.pm, health="amber") == ["gamma"]
    assert codes(cast.pm, health="green") == ["a-one"]
    assert codes(cast.pm, client=str(three.pk)) == ["beta"]
    assert codes(cast.pm, client=str(cast.project.client_id), sort="health") == ["gamma", "a-one"]
    assert codes(cast.pm, phase="bogus", health="bogus", client="x") == ["a-one", "beta", "gamma"]


def test_portfolio_page_shows_filters_and_figures(cast, three):
    page = logged_in(cast.pm).get("/projects/", {"health": "red", "sort": "health"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-code="beta"' in html
    assert 'data-code="gamma"' not in html
    assert 'data-health="red"' in html
    assert "2 milestones are overdue." in html  # the reason, on hover
    assert '<option value="red" selected>' in html
    assert "Zeta Corp" in html


def test_portfolio_pages_keep_the_filters(cast):
    from projects.views.projects import PAGE_SIZE

    for index in range(26):
        managed_project(cast.pm, code=f"p-{index:02}")
    html = logged_in(cast.pm).get("/projects/", {"phase": "execution"}).content.decode()
    assert html.count('data-testid="project-row"') == PAGE_SIZE == 25
    assert "?phase=execution&amp;page=2" in html
    second = logged_in(cast.pm).get("/projects/", {"phase": "execution", "page": 2})
    assert second.content.decode().count('data-testid="project-row"') == 1


@pytest.mark.parametrize("url", ["/projects/", "/projects/?sort=health&health=amber"])
def test_portfolio_keeps_a_constant_number_of_queries_with_5_and_50_projects(cast, url):
    client = logged_in(cast.pm)
    for index in range(4):
        grow(cast.pm, managed_project(cast.pm, code=f"few-{index}"), overdue_milestones=index % 3)
    few = count_queries(client, url)
    for index in range(45):
        grow(cast.pm, managed_project(cast.pm, code=f"many-{index}"), overdue_milestones=index % 3)
    assert count_queries(client, url) == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_portfolio_page_of_thousands_of_projects_is_read_from_the_name_index(db):
    """A staff admin's portfolio, ordered by name then id, reads its page from the index on
    (name, id) instead of sorting every project."""
    client = OrganizationFactory()
    Project.objects.bulk_create(
        Project(client=client, code=f"bulk-{n:04}", name=f"Bulk {n:04}") for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    projects = Project.objects.filter(is_archived=False).order_by("name", "pk")
    plan = annotate_portfolio(projects, today=TODAY)[:25].explain()
    assert "project_name_id_idx" in plan, plan
    assert "Sort Key: projects_project.name" not in plan, plan


def test_overview_shows_the_same_at_a_glance(cast):
    grow(cast.pm, cast.project, overdue_milestones=2)
    glance = project_glance_for(user=cast.pm, project=cast.project, today=TODAY)
    assert (glance.awaiting_client_count, glance.overdue_count, glance.progress) == (1, 3, 50)
    assert glance.health.status == "red"
    html = logged_in(cast.teammate).get(f"/projects/{cast.project.pk}/").content.decode()
    assert 'data-testid="glance"' in html
    assert "Late 0" in html
    assert 'data-health="red"' in html


def test_overview_keeps_a_constant_number_of_queries(cast):
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/"
    grow(cast.pm, cast.project, overdue_milestones=1)
    # Warm: the working calendars (the days lost waiting) come from the cache.
    few = count_queries(client, url, warm=True)
    grow(cast.pm, cast.project, overdue_milestones=3)
    assert count_queries(client, url, warm=True) == few


def test_today_defaults_to_the_current_day(cast):
    milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Yesterday",
        due_date=timezone.localdate() - timedelta(days=1),
    )
    [row] = project_portfolio_for(user=cast.pm)
    assert row.overdue_milestone_count == 1


def budgeted(pm, project, *, spent: str) -> None:
    """Budget 1 000, one task of 10 h half done on its last day; `spent` of other costs."""
    from decimal import Decimal

    from projects.models import Task
    from projects.services.costs import cost_entry_add

    project.budget = Decimal(1000)
    project.save()
    Task.objects.create(
        project=project,
        name="Work",
        estimate_hours=Decimal(10),
        start_date=TODAY - timedelta(days=9),
        due_date=TODAY,
        percent_complete=50,
    )
    cost_entry_add(actor=pm, project=project, date=TODAY, amount=Decimal(spent))


def test_portfolio_shows_spi_and_cpi_and_their_health(cast):
    # PV 1 000, EV 500 → SPI 0.50 (red); AC 400 → CPI 1.25.
    budgeted(cast.pm, cast.project, spent="400")
    [row] = project_portfolio_for(user=cast.pm, today=TODAY)
    assert (str(row.earned_value.spi), str(row.earned_value.cpi)) == ("0.50", "1.25")
    assert row.health.status == "red"
    assert row.health.reasons[0].is_internal  # the client does not see the budget
    assert row.health.client_status == "green"
    cast.project.budget_visibility = "totals"
    cast.project.save()
    [row] = project_portfolio_for(user=cast.pm, today=TODAY)
    assert row.health.client_status == "red"


def test_portfolio_page_and_overview_show_spi_and_cpi(cast):
    budgeted(cast.pm, cast.project, spent="600")  # CPI 500 / 600 = 0.83
    html = logged_in(cast.pm).get("/projects/").content.decode()
    assert 'data-testid="cpi">0.83<' in html
    html = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/").content.decode()
    assert 'data-testid="cpi">0.83<' in html


def test_cpi_between_0_8_and_0_9_is_amber(cast):
    budgeted(cast.pm, cast.project, spent="600")
    cast.project.tasks.update(due_date=TODAY + timedelta(days=10))  # PV 10/20 → SPI 1.00
    [row] = project_portfolio_for(user=cast.pm, today=TODAY)
    assert (str(row.earned_value.spi), str(row.earned_value.cpi)) == ("1.00", "0.83")
    assert row.health.status == "amber"
    assert row.health.reason_text.startswith("Cost performance index 0.83")


def test_portfolio_with_budgets_keeps_a_constant_number_of_queries(cast):
    client = logged_in(cast.pm)
    for index in range(4):
        budgeted(cast.pm, managed_project(cast.pm, code=f"few-{index}"), spent="10")
    few = count_queries(client, "/projects/")
    for index in range(45):
        budgeted(cast.pm, managed_project(cast.pm, code=f"many-{index}"), spent="10")
    assert count_queries(client, "/projects/") == few


@pytest.mark.parametrize("sort", ["name", "next_milestone"])
def test_the_paged_portfolio_holds_the_whole_portfolio_in_its_order(cast, sort):
    """Ordered and sliced in SQL (PortfolioRows): page by page, the same projects with the same
    figures as the portfolio evaluated whole."""
    from projects.selectors.portfolio import PortfolioRows, project_portfolio_rows

    for index in range(7):
        project = managed_project(cast.pm, code=f"p-{index}", name=f"Same name {index % 3}")
        if index % 2:
            grow(cast.pm, project, overdue_milestones=index % 3)
    filters = PortfolioFilters(sort=sort)
    whole = project_portfolio_for(user=cast.pm, filters=filters, today=TODAY)
    rows = project_portfolio_rows(user=cast.pm, filters=filters, today=TODAY)
    assert isinstance(rows, PortfolioRows)

    paged = [row for start in range(0, len(rows), 3) for row in rows[start : start + 3]]

    def figures(row):
        return (
            row.code,
            row.health.status,
            row.overdue_count,
            row.awaiting_client_count,
            row.progress,
            row.next_milestone_due,
        )

    assert [figures(row) for row in paged] == [figures(row) for row in whole]
    assert len(rows) == len(whole) == 8
    assert figures(rows[2]) == figures(whole[2])


def test_filtering_or_sorting_by_health_evaluates_the_whole_portfolio(cast):
    from projects.selectors.portfolio import project_portfolio_rows

    grow(cast.pm, cast.project, overdue_milestones=2)
    for filters in (PortfolioFilters(sort="health"), PortfolioFilters(health="red")):
        rows = project_portfolio_rows(user=cast.pm, filters=filters, today=TODAY)
        assert rows == project_portfolio_for(user=cast.pm, filters=filters, today=TODAY)


def test_the_client_filter_offers_the_clients_of_active_projects(cast):
    """A staff admin's choices are every client with an active project, by name; a PM's, the
    clients of their own active projects."""
    from projects.selectors.portfolio import portfolio_client_choices

    zeta = OrganizationFactory(name="Zeta Client")
    alpha = OrganizationFactory(name="Alpha Client")
    OrganizationFactory(name="Beta Client")  # no project
    managed_project(cast.pm, code="zeta-one", client=zeta)
    Project.objects.filter(pk=managed_project(cast.pm, code="alpha-old", client=alpha).pk).update(
        is_archived=True
    )
    ProjectFactory(code="alpha-new", client=alpha)  # active, not the PM's

    everyone = portfolio_client_choices(user=cast.staff_admin)
    names = [name for _, name in everyone]
    assert "Beta Client" not in names
    assert names == sorted(names)
    assert {(zeta.pk, "Zeta Client"), (alpha.pk, "Alpha Client")} <= set(everyone)
    assert (
        len(everyone)
        == Project.objects.filter(is_archived=False).values("client").distinct().count()
    )
    mine = portfolio_client_choices(user=cast.pm)
    assert (zeta.pk, "Zeta Client") in mine
    assert alpha.pk not in {pk for pk, _ in mine}
