"""Baselines: the PM sets the first, a change request approved by both sides re-baselines, earlier
baselines stay to compare, and health compares against the current one.

The worked example: the plan runs from 1 January to 11 April 2027 (100 days). CR-1 moves
Design 5 days and Go-live 20 days later and adds 12,500.00 to the budget, 2,500.00 of it
contingency. Without re-baselining, the end is 20 days later than the baseline, 20 % of its
duration: red (more than 15 %). Re-baselined, the approved plan is the baseline: green.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from projects.health import project_health
from projects.models import (
    Baseline,
    BudgetChange,
    BudgetVisibility,
    Milestone,
    Project,
    Task,
    Visibility,
)
from projects.selectors.baselines import baseline_comparison_for, baseline_list_for
from projects.services.baselines import baseline_set_first
from projects.services.milestones import milestone_create, milestone_update
from projects.services.tasks import task_create
from stakeholders.selectors.decisions import decision_log_for
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
)
from tests.helpers import logged_in

TODAY = date(2027, 1, 20)
INTERNAL_MILESTONE = "Dry run with the margin model"
INTERNAL_TASK = "Recheck the 38 percent margin"


@pytest.fixture
def plan(cast):
    project = cast.project
    project.baseline_start_date = project.start_date = date(2027, 1, 1)
    project.baseline_end_date = project.end_date = date(2027, 4, 11)
    project.budget = Decimal("100000.00")
    project.budget_visibility = BudgetVisibility.NOTHING
    project.scope_statement = "Warehouse app: picking and packing."
    project.save()
    cast.design = milestone_create(
        actor=cast.pm, project=project, name="Design", due_date=date(2027, 2, 1)
    )
    cast.golive = milestone_create(
        actor=cast.pm, project=project, name="Go-live", due_date=date(2027, 4, 11)
    )
    cast.dry_run = milestone_create(
        actor=cast.pm,
        project=project,
        name=INTERNAL_MILESTONE,
        due_date=date(2027, 3, 20),
        visibility=Visibility.INTERNAL,
    )
    cast.screens = task_create(
        actor=cast.pm,
        project=project,
        name="Build the screens",
        start_date=date(2027, 1, 4),
        due_date=date(2027, 3, 31),
        visibility=Visibility.CLIENT,
    )
    cast.margin = task_create(
        actor=cast.pm,
        project=project,
        name=INTERNAL_TASK,
        start_date=date(2027, 1, 11),
        due_date=date(2027, 1, 15),
    )
    return cast


def _approved_change(cast, *, rebaseline: bool, contingency: str = "2500.00"):
    cr = change_request_create(actor=cast.rep, project=cast.project, title="Barcode scanners")
    cr = change_request_assess(
        actor=cast.pm,
        change_request=cr,
        scope_impact="Two more screens",
        cost_impact=Decimal("12500.00"),
        contingency_impact=Decimal(contingency),
        schedule={cast.design.pk: 5, cast.golive.pk: 20},
        rebaseline=rebaseline,
    )
    change_request_approve(actor=cast.pm, change_request=cr)
    return change_request_approve(actor=cast.client_admin, change_request=cr)


def _fresh(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


# --- Setting the first baseline -----------------------------------------------------------------


def test_the_pm_sets_the_first_baseline_from_the_current_plan(plan):
    milestone_update(actor=plan.pm, milestone=plan.design, due_date=date(2027, 2, 8))
    baseline = baseline_set_first(actor=plan.pm, project=plan.project, reason="Signed SOW")

    assert (baseline.number, baseline.reason, baseline.change_reference) == (1, "Signed SOW", "")
    assert (baseline.start_date, baseline.end_date) == (date(2027, 1, 1), date(2027, 4, 11))
    assert baseline.budget == Decimal("100000.00")
    assert baseline.scope_statement == "Warehouse app: picking and packing."
    entries = {e.name: (e.kind, e.start_date, e.due_date) for e in baseline.entries.all()}
    assert entries == {
        "Design": ("milestone", None, date(2027, 2, 8)),
        "Go-live": ("milestone", None, date(2027, 4, 11)),
        INTERNAL_MILESTONE: ("milestone", None, date(2027, 3, 20)),
        "Build the screens": ("task", date(2027, 1, 4), date(2027, 3, 31)),
        INTERNAL_TASK: ("task", date(2027, 1, 11), date(2027, 1, 15)),
    }
    # The current-baseline fields now hold the plan as set: the moved design is on time.
    assert Milestone.objects.get(pk=plan.design.pk).baseline_due_date == date(2027, 2, 8)
    task = Task.objects.get(pk=plan.screens.pk)
    assert (task.baseline_start_date, task.baseline_due_date) == (
        date(2027, 1, 4),
        date(2027, 3, 31),
    )


def test_the_first_baseline_may_keep_the_dates_at_creation(plan):
    milestone_update(actor=plan.pm, milestone=plan.golive, due_date=date(2027, 4, 30))
    project = plan.project
    project.end_date = date(2027, 4, 30)
    project.save()
    response = logged_in(plan.pm).post(
        reverse("projects:baseline_set", args=(project.pk,)),
        {"reason": "As signed", "source": "created"},
    )
    assert response.status_code == 302
    baseline = Baseline.objects.get()
    assert baseline.end_date == date(2027, 4, 11)
    assert baseline.entries.get(milestone=plan.golive).due_date == date(2027, 4, 11)
    project = _fresh(project)
    assert (project.baseline_end_date, project.end_date) == (date(2027, 4, 11), date(2027, 4, 30))
    # 19 days of 100 slipped since: still red against the baseline as signed.
    assert project_health(project, today=TODAY).status == "red"


def test_only_the_first_baseline_is_set_by_hand(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    with pytest.raises(InvalidTransition, match="only a change request approved by both sides"):
        baseline_set_first(actor=plan.pm, project=plan.project)
    assert list(Baseline.objects.values_list("number", "reason")) == [(1, "The agreed plan")]


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "client_admin", "rep", "viewer", "outsider", "staff_admin"]
)
def test_only_the_pm_sets_the_first_baseline(plan, role_name):
    with pytest.raises(NotAllowed):
        baseline_set_first(actor=plan.by_name(role_name), project=plan.project)
    assert not Baseline.objects.exists()


def test_a_reason_too_long_is_refused_and_nothing_is_saved(plan):
    with pytest.raises(InvalidInput) as raised:
        baseline_set_first(actor=plan.pm, project=plan.project, reason="x" * 5001)
    assert raised.value.field == "reason"
    assert not Baseline.objects.exists()


# --- Re-baselining through a change request ------------------------------------------------------


def test_without_re_baselining_an_approved_change_reads_as_slippage(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    cr = _approved_change(plan, rebaseline=False)

    project = _fresh(plan.project)
    assert (project.end_date, project.baseline_end_date) == (date(2027, 5, 1), date(2027, 4, 11))
    assert cr.baseline is None
    assert Baseline.objects.count() == 1
    health = project_health(project, today=TODAY)
    assert health.status == "red"
    assert [f.reason for f in health.reasons] == [
        "The end is 20 days later than the baseline (20 % of its duration)."
    ]


def test_a_re_baselined_project_is_green_again(plan):
    first = baseline_set_first(actor=plan.pm, project=plan.project)
    cr = _approved_change(plan, rebaseline=True)

    project = _fresh(plan.project)
    assert (project.end_date, project.baseline_end_date) == (date(2027, 5, 1), date(2027, 5, 1))
    assert project_health(project, today=TODAY).status == "green"
    second = Baseline.objects.get(number=2)
    assert cr.baseline == second
    assert (second.reason, second.change_reference) == ("CR-1: Barcode scanners", "CR-1")
    assert second.set_by == plan.client_admin  # the approval that applied it
    assert (second.end_date, second.budget) == (date(2027, 5, 1), Decimal("112500.00"))
    golive = Milestone.objects.get(pk=plan.golive.pk)
    assert (golive.due_date, golive.baseline_due_date) == (date(2027, 5, 1), date(2027, 5, 1))
    # The first baseline is kept as it was.
    first.refresh_from_db()
    assert (first.end_date, first.budget) == (date(2027, 4, 11), Decimal("100000.00"))
    assert first.entries.get(milestone=plan.golive).due_date == date(2027, 4, 11)


def test_the_approved_cost_is_split_into_scope_and_contingency(plan):
    _approved_change(plan, rebaseline=False)
    change = BudgetChange.objects.get()
    assert (change.change_reference, change.title) == ("CR-1", "Barcode scanners")
    assert (change.scope_amount, change.contingency_amount) == (
        Decimal("10000.00"),
        Decimal("2500.00"),
    )
    assert _fresh(plan.project).budget == Decimal("112500.00")


@pytest.mark.parametrize("contingency", ["12500.01", "-1.00"])
def test_contingency_outside_the_cost_is_refused(plan, contingency):
    cr = change_request_create(actor=plan.rep, project=plan.project, title="Barcode scanners")
    with pytest.raises(InvalidInput) as raised:
        change_request_assess(
            actor=plan.pm,
            change_request=cr,
            scope_impact="",
            cost_impact=Decimal("12500.00"),
            contingency_impact=Decimal(contingency),
            schedule={},
        )
    assert raised.value.field == "contingency_impact"
    cr.refresh_from_db()
    assert (cr.status, cr.cost_impact, cr.contingency_impact) == ("submitted", 0, 0)


def test_a_negative_change_may_give_back_contingency(plan):
    cr = change_request_create(actor=plan.pm, project=plan.project, title="Drop the printer")
    cr = change_request_assess(
        actor=plan.pm,
        change_request=cr,
        scope_impact="No label printer",
        cost_impact=Decimal("-3000.00"),
        contingency_impact=Decimal("-1000.00"),
        schedule={},
    )
    assert cr.contingency_impact == Decimal("-1000.00")


# --- Comparing, and what each side reads ---------------------------------------------------------


def test_baselines_compare_item_by_item(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    _approved_change(plan, rebaseline=True)
    first, second = Baseline.objects.get(number=1), Baseline.objects.get(number=2)

    comparison = baseline_comparison_for(
        user=plan.pm, project=plan.project, left=first, right=second
    )
    assert comparison.end_shift_days == 20
    assert comparison.budget_change == Decimal("12500.00")
    assert not comparison.scope_changed
    shifts = {item.name: item.shift_days for item in comparison.items}
    assert shifts == {
        "Design": 5,
        "Go-live": 20,
        INTERNAL_MILESTONE: 0,
        "Build the screens": 0,
        INTERNAL_TASK: 0,
    }
    assert [item.kind for item in comparison.items][:3] == ["milestone"] * 3


def test_a_client_compares_only_what_it_may_see(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    _approved_change(plan, rebaseline=True)
    first = Baseline.objects.get(number=1)

    comparison = baseline_comparison_for(
        user=plan.rep, project=plan.project, left=first, right=None
    )
    assert {item.name for item in comparison.items} == {"Design", "Go-live", "Build the screens"}
    # budget_visibility "nothing": no budget on either side.
    assert (comparison.left.budget, comparison.right.budget) == (None, None)
    assert [b.number for b in baseline_list_for(user=plan.rep, project=plan.project)] == [2, 1]


def test_an_item_made_internal_since_drops_out_of_the_clients_baselines(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    milestone_update(actor=plan.pm, milestone=plan.design, visibility=Visibility.INTERNAL)
    first = Baseline.objects.get(number=1)
    comparison = baseline_comparison_for(
        user=plan.rep, project=plan.project, left=first, right=None
    )
    assert {item.name for item in comparison.items} == {"Go-live", "Build the screens"}


def test_the_decision_log_shows_each_baseline_to_both_sides(plan):
    baseline_set_first(actor=plan.pm, project=plan.project, reason="Signed SOW")
    _approved_change(plan, rebaseline=True)
    for person in (plan.pm, plan.rep):
        log = [
            (str(d.kind), d.text, str(d.side))
            for d in decision_log_for(user=person, project=plan.project)
            if "aseline" in str(d.kind)
        ]
        assert sorted(log) == [
            ("Baseline set", "Baseline 1: Signed SOW", "Provider"),
            ("Plan re-baselined", "Baseline 2: CR-1: Barcode scanners", "Both sides"),
        ]


# --- Pages --------------------------------------------------------------------------------------


def test_the_pm_sets_the_baseline_on_its_page(plan):
    url = reverse("projects:baselines", args=(plan.project.pk,))
    page = logged_in(plan.pm).get(url).content.decode()
    assert 'data-testid="no-baseline"' in page
    assert 'data-testid="baseline-set"' in page

    response = logged_in(plan.pm).post(
        reverse("projects:baseline_set", args=(plan.project.pk,)),
        {"reason": "Kick-off plan", "source": "current"},
    )
    assert response.status_code == 302
    assert Baseline.objects.get().reason == "Kick-off plan"
    page = logged_in(plan.pm).get(url).content.decode()
    assert "Kick-off plan" in page
    assert 'data-testid="baseline-set"' not in page


def test_setting_it_again_on_the_page_shows_why_not(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    response = logged_in(plan.pm).post(
        reverse("projects:baseline_set", args=(plan.project.pk,)),
        {"reason": "", "source": "current"},
    )
    assert response.status_code == 400
    assert "only a change request approved by both sides" in response.content.decode()
    assert Baseline.objects.count() == 1


@pytest.mark.parametrize(("role_name", "expected"), [("am", 403), ("teammate", 403)])
def test_others_on_the_team_may_not_set_it(plan, role_name, expected):
    response = logged_in(plan.by_name(role_name)).post(
        reverse("projects:baseline_set", args=(plan.project.pk,)), {"reason": ""}
    )
    assert response.status_code == expected
    assert not Baseline.objects.exists()


def test_the_staff_page_compares_the_current_plan_with_the_baseline(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    milestone_update(actor=plan.pm, milestone=plan.golive, due_date=date(2027, 4, 14))
    page = logged_in(plan.am).get(reverse("projects:baselines", args=(plan.project.pk,)))
    html = page.content.decode()
    assert "3 days later" in html
    assert INTERNAL_TASK in html
    assert "100,000.00" in html


def test_the_client_page_shows_the_re_baseline_without_internal_items(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    _approved_change(plan, rebaseline=True)
    url = reverse("portal:project_baselines", args=(plan.project.pk,))
    html = logged_in(plan.rep).get(url + "?to=2").content.decode()
    assert "CR-1: Barcode scanners" in html
    assert "20 days later" in html
    for secret in (INTERNAL_MILESTONE, INTERNAL_TASK, "100,000.00", "112,500.00"):
        assert secret not in html
    assert logged_in(plan.other_client_rep).get(url).status_code == 404


def test_the_assessment_form_re_baselines_and_the_client_is_told(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    cr = change_request_create(actor=plan.rep, project=plan.project, title="Barcode scanners")
    response = logged_in(plan.pm).post(
        reverse("stakeholders:change_request_assess", args=(plan.project.pk, cr.pk)),
        {
            "revision": cr.revision,
            "scope_impact": "Two more screens",
            "cost_impact": "12500.00",
            "contingency_impact": "2500.00",
            "rebaseline": "on",
            "internal_note": "",
            "visibility": Visibility.CLIENT,
            f"days_{plan.golive.pk}": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cr.refresh_from_db()
    assert (cr.rebaseline, cr.contingency_impact) == (True, Decimal("2500.00"))

    portal = reverse("portal:change_request", args=(plan.project.pk, cr.pk))
    html = logged_in(plan.client_admin).get(portal).content.decode()
    assert "the plan with this change becomes the new baseline" in html
    change_request_approve(actor=plan.pm, change_request=cr)
    change_request_approve(actor=plan.client_admin, change_request=cr)
    html = logged_in(plan.client_admin).get(portal).content.decode()
    assert "This change re-baselined the plan: baseline 2." in html
    assert reverse("portal:project_baselines", args=(plan.project.pk,)) in html


def test_the_api_assesses_a_re_baseline_and_says_which_baseline_it_set(plan):
    baseline_set_first(actor=plan.pm, project=plan.project)
    base = f"/api/v1/projects/{plan.project.pk}/change-requests/"
    pk = change_request_create(actor=plan.rep, project=plan.project, title="Scanners").pk
    bad = logged_in(plan.pm).post(
        f"{base}{pk}/assess/",
        {"cost_impact": "900.00", "contingency_impact": "901.00"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["contingency_impact"] == [
        "The contingency is part of the cost: between 0 and the impact on cost."
    ]
    assessed = logged_in(plan.pm).post(
        f"{base}{pk}/assess/",
        {
            "cost_impact": "900.00",
            "contingency_impact": "900.00",
            "rebaseline": True,
            "schedule": [{"milestone": plan.golive.pk, "days": 3}],
        },
        content_type="application/json",
    )
    assert assessed.status_code == 200, assessed.content
    assert (assessed.json()["rebaseline"], assessed.json()["baseline_number"]) == (True, None)
    logged_in(plan.pm).post(f"{base}{pk}/approve/")
    done = logged_in(plan.client_admin).post(f"{base}{pk}/approve/").json()
    assert (done["contingency_impact"], done["baseline_number"]) == ("900.00", 2)


def test_an_approved_change_moves_the_tasks_tied_to_its_milestone(plan):
    # Design moves 5 calendar days earlier, Mon 1 Feb 2027 → Wed 27 Jan: 3 working days
    # (Thu 28, Fri 29, Mon 1). Its task ending Fri 29 Jan would end after it, so it moves 3
    # working days earlier too: Mon 18 to Fri 29 Jan → Wed 13 to Tue 26 Jan.
    wireframes = task_create(
        actor=plan.pm,
        project=plan.project,
        name="Wireframes",
        milestone=plan.design,
        start_date=date(2027, 1, 18),
        due_date=date(2027, 1, 29),
    )
    cr = change_request_create(actor=plan.rep, project=plan.project, title="Earlier design")
    cr = change_request_assess(
        actor=plan.pm,
        change_request=cr,
        scope_impact="",
        cost_impact=Decimal(0),
        schedule={plan.design.pk: -5},
    )
    change_request_approve(actor=plan.pm, change_request=cr)
    change_request_approve(actor=plan.client_admin, change_request=cr)
    wireframes.refresh_from_db()
    assert (wireframes.start_date, wireframes.due_date) == (date(2027, 1, 13), date(2027, 1, 26))
    assert Milestone.objects.get(pk=plan.design.pk).due_date == date(2027, 1, 27)


@pytest.mark.parametrize(
    ("visibility", "client_sees"),
    [
        (BudgetVisibility.NOTHING, False),
        (BudgetVisibility.TOTALS, True),
        (BudgetVisibility.DETAIL, True),
    ],
)
def test_the_api_lists_the_baselines_with_the_budget_for_who_may_see_it(
    plan, visibility, client_sees
):
    baseline_set_first(actor=plan.pm, project=plan.project, reason="Signed SOW")
    plan.project.budget_visibility = visibility
    plan.project.save()
    url = f"/api/v1/projects/{plan.project.pk}/baselines/"

    answers = {name: logged_in(plan.by_name(name)).get(url) for name in ("pm", "am", "rep")}

    for name, answer in answers.items():
        assert answer.status_code == 200, name
        (row,) = answer.json()["results"]
        assert (row["number"], row["reason"], row["set_by"]) == (1, "Signed SOW", "Paula PM")
        shown = name != "rep" or client_sees
        assert row["budget"] == ("100000.00" if shown else None), name
        assert ("100000" in answer.content.decode()) is shown, name
    assert logged_in(plan.outsider).get(url).status_code == 404
