"""Time and cost (projects.services.costs): who logs, changes and approves time, who sets rates
and records costs; bad input changes nothing; approval is idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from projects.models import CostEntry, Rate, Role, Task, TimeEntry
from projects.services.costs import (
    cost_entry_add,
    cost_entry_delete,
    rate_set,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
    time_period_approve,
)

DAY = date(2026, 3, 4)


def test_team_member_logs_their_own_time(cast):
    entry = time_entry_log(
        actor=cast.teammate, project=cast.project, date=DAY, hours=Decimal("7.5"), note=" Build "
    )
    assert (entry.person, entry.hours, entry.status, entry.note) == (
        cast.teammate,
        Decimal("7.5"),
        TimeEntry.Status.SUBMITTED,
        "Build",
    )


def test_team_member_cannot_log_someone_elses_time(cast):
    with pytest.raises(NotAllowed):
        time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=1, person=cast.pm)
    assert not TimeEntry.objects.exists()


def test_pm_logs_time_for_a_team_member_but_not_for_the_client(cast):
    entry = time_entry_log(
        actor=cast.pm, project=cast.project, date=DAY, hours=2, person=cast.teammate
    )
    assert entry.person == cast.teammate
    with pytest.raises(InvalidInput) as error:
        time_entry_log(actor=cast.pm, project=cast.project, date=DAY, hours=2, person=cast.rep)
    assert error.value.field == "person"
    with pytest.raises(InvalidInput):
        time_entry_log(actor=cast.pm, project=cast.project, date=DAY, hours=2, person=cast.am)
    assert TimeEntry.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["am", "client_admin", "rep", "viewer", "other_client_rep", "outsider", "staff_admin"]
)
def test_others_cannot_log_time(cast, name):
    with pytest.raises(NotAllowed):
        time_entry_log(actor=getattr(cast, name), project=cast.project, date=DAY, hours=1)
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "25", "1.234", "abc", "NaN"])
def test_hours_are_more_than_0_and_at_most_24(cast, hours):
    with pytest.raises(InvalidInput) as error:
        time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=hours)
    assert error.value.field == "hours"
    assert not TimeEntry.objects.exists()


def test_24_hours_is_the_most(cast):
    assert time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=24).hours == 24


def test_the_database_refuses_25_hours_too(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(project=cast.project, person=cast.pm, date=DAY, hours=25)


def test_a_task_of_another_project_is_refused(cast):
    foreign = Task.objects.create(project=cast.other_project, name="Theirs")
    with pytest.raises(InvalidInput) as error:
        time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=1, task=foreign)
    assert error.value.field == "task"
    assert not TimeEntry.objects.exists()


def test_own_entry_changes_until_approved(cast):
    entry = time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3)
    time_entry_update(actor=cast.teammate, entry=entry, date=DAY, hours=4, note="More")
    entry.refresh_from_db()
    assert (entry.hours, entry.note) == (4, "More")
    with pytest.raises(NotAllowed):
        time_entry_update(actor=cast.am, entry=entry, date=DAY, hours=9)
    time_period_approve(actor=cast.pm, project=cast.project, start=DAY, end=DAY)
    with pytest.raises(InvalidTransition):
        time_entry_update(actor=cast.teammate, entry=entry, date=DAY, hours=5)
    with pytest.raises(InvalidTransition):
        time_entry_delete(actor=cast.pm, entry=entry)
    entry.refresh_from_db()
    assert (entry.hours, entry.status) == (4, TimeEntry.Status.APPROVED)


def test_someone_elses_entry_cannot_be_changed_or_deleted(cast):
    entry = time_entry_log(actor=cast.pm, project=cast.project, date=DAY, hours=3)
    with pytest.raises(NotAllowed):
        time_entry_update(actor=cast.teammate, entry=entry, date=DAY, hours=1)
    with pytest.raises(NotAllowed):
        time_entry_delete(actor=cast.teammate, entry=entry)
    entry.refresh_from_db()
    assert entry.hours == 3
    time_entry_delete(actor=cast.pm, entry=entry)
    assert not TimeEntry.objects.exists()


def test_approval_of_a_period_is_idempotent(cast):
    inside = time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3)
    outside = time_entry_log(
        actor=cast.teammate, project=cast.project, date=date(2026, 3, 9), hours=3
    )
    assert (
        time_period_approve(
            actor=cast.pm, project=cast.project, start=date(2026, 3, 2), end=date(2026, 3, 8)
        )
        == 1
    )
    inside.refresh_from_db()
    first = inside.approved_at
    assert (inside.status, inside.approved_by) == (TimeEntry.Status.APPROVED, cast.pm)
    assert (
        time_period_approve(
            actor=cast.pm, project=cast.project, start=date(2026, 3, 2), end=date(2026, 3, 8)
        )
        == 0
    )
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.approved_at == first
    assert outside.status == TimeEntry.Status.SUBMITTED


@pytest.mark.parametrize("name", ["am", "teammate", "client_admin", "rep", "staff_admin"])
def test_only_the_pm_approves(cast, name):
    time_entry_log(actor=cast.teammate, project=cast.project, date=DAY, hours=3)
    with pytest.raises(NotAllowed):
        time_period_approve(actor=getattr(cast, name), project=cast.project, start=DAY, end=DAY)
    assert not TimeEntry.objects.filter(status=TimeEntry.Status.APPROVED).exists()


def test_a_period_ending_before_it_starts_is_refused(cast):
    with pytest.raises(InvalidInput):
        time_period_approve(actor=cast.pm, project=cast.project, start=DAY, end=date(2026, 3, 1))


def test_rates_per_role_and_person_replace_the_previous_one(cast):
    rate_set(actor=cast.pm, project=cast.project, role=Role.TEAM_MEMBER, hourly_rate="50")
    rate_set(actor=cast.pm, project=cast.project, role=Role.TEAM_MEMBER, hourly_rate="55.50")
    rate_set(actor=cast.pm, project=cast.project, user=cast.teammate, hourly_rate="60")
    assert sorted(Rate.objects.values_list("role", "hourly_rate")) == [
        ("", Decimal("60.00")),
        ("team_member", Decimal("55.50")),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": Role.TEAM_MEMBER, "hourly_rate": "-1"}, "hourly_rate"),
        ({"role": Role.CUSTOMER_REP, "hourly_rate": "10"}, "role"),
        ({"hourly_rate": "10"}, "role"),
    ],
)
def test_bad_rates_are_refused(cast, changes, field):
    with pytest.raises(InvalidInput) as error:
        rate_set(actor=cast.pm, project=cast.project, **changes)
    assert error.value.field == field
    assert not Rate.objects.exists()


def test_a_rate_for_someone_outside_the_team_is_refused(cast):
    with pytest.raises(InvalidInput):
        rate_set(actor=cast.pm, project=cast.project, user=cast.rep, hourly_rate="10")
    with pytest.raises(NotAllowed):
        rate_set(actor=cast.am, project=cast.project, role=Role.PM, hourly_rate="10")
    assert not Rate.objects.exists()


def test_cost_entries_are_internal_by_default_and_pm_only(cast):
    entry = cost_entry_add(actor=cast.pm, project=cast.project, date=DAY, amount="120.50")
    assert (entry.visibility, entry.category, entry.created_by) == ("internal", "other", cast.pm)
    with pytest.raises(NotAllowed):
        cost_entry_add(actor=cast.teammate, project=cast.project, date=DAY, amount="1")
    with pytest.raises(NotAllowed):
        cost_entry_delete(actor=cast.am, entry=entry)
    cost_entry_delete(actor=cast.pm, entry=entry)
    assert not CostEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-0.01"}, "amount"),
        ({"amount": "x"}, "amount"),
        ({"amount": "1", "category": "bribes"}, "category"),
        ({"amount": "1", "visibility": "public"}, "visibility"),
    ],
)
def test_bad_cost_entries_are_refused(cast, changes, field):
    with pytest.raises(InvalidInput) as error:
        cost_entry_add(actor=cast.pm, project=cast.project, date=DAY, **changes)
    assert error.value.field == field
    assert not CostEntry.objects.exists()
