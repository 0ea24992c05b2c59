"""Reminders of deemed acceptance (projects.services.reminders, projects.tasks): the client's
deciders hear, two business days ahead in the client's calendar, that silence will count as
acceptance; once per round, person and day, in their language; never for internal items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings

from accounts.models import WorkingCalendar
from notifications.models import Notification, OutboxMessage
from projects.calendar import add_business_days
from projects.models import AcceptanceRound, Deliverable, Milestone, Visibility
from projects.services.deliverables import (
    client_today,
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.milestones import milestone_create
from projects.services.reminders import (
    deemed_acceptance_remind,
    deemed_acceptance_reminder_candidates,
)
from projects.tasks import deemed_acceptance_reminders_task

FRIDAY = date(2026, 11, 20)


@pytest.fixture
def submitted(cast, django_capture_on_commit_callbacks) -> AcceptanceRound:
    """Client A's project with a five-day rule, and a deliverable awaiting the client."""
    cast.project.deemed_acceptance_days = 5
    cast.project.save()
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Scanner setup", criteria=["ok"]
    )
    quality_review_record(actor=cast.teammate, deliverable=deliverable, passed=True)
    with django_capture_on_commit_callbacks(execute=False):
        acceptance_round = deliverable_submit(actor=cast.pm, deliverable=deliverable)
    OutboxMessage.objects.all().delete()  # the submission's own e-mails
    Notification.objects.all().delete()
    return acceptance_round


def due_on(acceptance_round: AcceptanceRound, day: date) -> AcceptanceRound:
    acceptance_round.deemed_acceptance_due = day
    acceptance_round.save(update_fields=["deemed_acceptance_due"])
    return acceptance_round


def reminders() -> list[tuple]:
    return sorted(OutboxMessage.objects.values_list("kind", "to_email", "language", "dedupe_key"))


def remind(capture, acceptance_round, today) -> int:
    with capture(execute=False):
        return deemed_acceptance_remind(round_id=acceptance_round.pk, today=today)


@pytest.mark.parametrize(
    ("due", "sent"),
    [
        (FRIDAY - timedelta(days=1), False),  # already past
        (FRIDAY, True),  # today
        (date(2026, 11, 23), True),  # Monday: 1 business day
        (date(2026, 11, 24), True),  # Tuesday: 2 business days
        (date(2026, 11, 25), False),  # Wednesday: 3 business days
    ],
)
def test_reminder_only_within_two_business_days(
    cast, submitted, django_capture_on_commit_callbacks, due, sent
):
    due_on(submitted, due)
    count = remind(django_capture_on_commit_callbacks, submitted, FRIDAY)
    assert count == (2 if sent else 0)
    assert OutboxMessage.objects.count() == (2 if sent else 0)


def test_client_deciders_get_an_email_and_a_notification_in_their_language(
    cast, submitted, django_capture_on_commit_callbacks
):
    cast.rep.language = "zh-hans"
    cast.rep.save(update_fields=["language"])
    due_on(submitted, date(2026, 11, 24))
    remind(django_capture_on_commit_callbacks, submitted, FRIDAY)
    key = f"deemed-acceptance-reminder:{submitted.pk}:{{}}:2026-11-20"
    assert reminders() == [
        ("deemed_acceptance_reminder", "admin@a.test", "en", key.format(cast.client_admin.pk)),
        ("deemed_acceptance_reminder", "rep@a.test", "zh-hans", key.format(cast.rep.pk)),
    ]
    english = OutboxMessage.objects.get(to_user=cast.client_admin)
    assert english.subject == "Reminder: Scanner setup counts as accepted on Nov 24, 2026"
    assert "counts as accepted on Nov 24, 2026 if there is no answer" in english.body_text
    url = f"/portal/projects/{cast.project.pk}/deliverables/{submitted.deliverable_id}/"
    assert f"{settings.SITE_URL.rstrip('/')}{url}" in english.body_text
    assert sorted(Notification.objects.values_list("user__email", "url", "title")) == [
        (
            "admin@a.test",
            url,
            "Scanner setup counts as accepted on Nov 24, 2026 unless you answer",
        ),
        ("rep@a.test", url, Notification.objects.get(user=cast.rep).title),
    ]


def test_running_twice_the_same_day_sends_nothing_more(
    cast, submitted, django_capture_on_commit_callbacks
):
    due_on(submitted, date(2026, 11, 24))
    assert remind(django_capture_on_commit_callbacks, submitted, FRIDAY) == 2
    assert remind(django_capture_on_commit_callbacks, submitted, FRIDAY) == 0
    assert OutboxMessage.objects.count() == 2
    assert Notification.objects.count() == 2
    # The next business day is a new reminder day.
    assert remind(django_capture_on_commit_callbacks, submitted, date(2026, 11, 23)) == 2
    assert OutboxMessage.objects.count() == 4


def test_a_new_round_is_reminded_again(cast, submitted, django_capture_on_commit_callbacks):
    due_on(submitted, date(2026, 11, 24))
    remind(django_capture_on_commit_callbacks, submitted, FRIDAY)
    submitted.decision = AcceptanceRound.Decision.REJECTED
    submitted.save(update_fields=["decision"])
    second = AcceptanceRound.objects.create(
        deliverable=submitted.deliverable,
        number=2,
        quality_review=submitted.quality_review,
        submitted_by=cast.pm,
        deemed_acceptance_due=date(2026, 11, 24),
    )
    assert remind(django_capture_on_commit_callbacks, submitted, FRIDAY) == 0  # answered
    assert remind(django_capture_on_commit_callbacks, second, FRIDAY) == 2


def test_viewers_other_clients_and_inactive_people_are_not_reminded(
    cast, submitted, django_capture_on_commit_callbacks
):
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])
    due_on(submitted, FRIDAY)
    remind(django_capture_on_commit_callbacks, submitted, FRIDAY)
    assert [row[1] for row in reminders()] == ["admin@a.test"]


@pytest.mark.parametrize("what", ["deliverable", "milestone"])
def test_internal_deliverables_are_never_reminded(
    cast, submitted, django_capture_on_commit_callbacks, what
):
    due_on(submitted, FRIDAY)
    if what == "deliverable":
        Deliverable.objects.filter(pk=submitted.deliverable_id).update(
            visibility=Visibility.INTERNAL
        )
    else:
        Milestone.objects.filter(deliverables=submitted.deliverable_id).update(
            visibility=Visibility.INTERNAL
        )
    assert remind(django_capture_on_commit_callbacks, submitted, FRIDAY) == 0
    assert submitted.pk not in deemed_acceptance_reminder_candidates(now_date=FRIDAY)
    assert OutboxMessage.objects.count() == 0


def test_accepted_deliverables_are_not_reminded(
    cast, submitted, django_capture_on_commit_callbacks
):
    due_on(submitted, FRIDAY)
    Deliverable.objects.filter(pk=submitted.deliverable_id).update(
        status=Deliverable.Status.ACCEPTED
    )
    assert remind(django_capture_on_commit_callbacks, submitted, FRIDAY) == 0
    assert deemed_acceptance_reminder_candidates(now_date=FRIDAY) == []


def test_task_counts_days_in_the_clients_time_zone_and_runs_twice_safely(
    cast, submitted, django_capture_on_commit_callbacks
):
    client = cast.project.client
    client.time_zone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of UTC
    client.save(update_fields=["time_zone"])
    today = client_today(cast.project)
    due_on(submitted, add_business_days(today, 2))
    with django_capture_on_commit_callbacks(execute=False):
        assert deemed_acceptance_reminders_task() == 2
        assert deemed_acceptance_reminders_task() == 0
    assert {row[3].rsplit(":", 1)[1] for row in reminders()} == {today.isoformat()}
    assert Notification.objects.count() == 2


def test_task_leaves_rounds_far_from_their_day_alone(
    cast, submitted, django_capture_on_commit_callbacks
):
    due_on(submitted, add_business_days(client_today(cast.project), 3))
    with django_capture_on_commit_callbacks(execute=False):
        assert deemed_acceptance_reminders_task() == 0
    assert OutboxMessage.objects.count() == 0


def test_the_reminder_task_is_in_the_beat_schedule_daily_at_eight():
    entry = settings.CELERY_BEAT_SCHEDULE["deemed-acceptance-reminders"]
    assert entry["task"] == "projects.tasks.deemed_acceptance_reminders_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})


def test_reminders_count_in_the_clients_calendar(
    cast, submitted, django_capture_on_commit_callbacks
):
    """China's National Day week of 2025 (1 to 8 October off, Saturday 11 a make-up working
    day) in the client's calendar."""
    WorkingCalendar.objects.create(organization=cast.project.client, country="CN")
    due_on(submitted, date(2025, 10, 11))

    # Wednesday 8 October (a holiday): 9, 10 and 11 are three working days away, not two (Monday
    # to Friday alone would have said 9 and 10, two, and reminded).
    assert remind(django_capture_on_commit_callbacks, submitted, date(2025, 10, 8)) == 0
    # Thursday 9: 10 and 11, two working days: reminded.
    assert remind(django_capture_on_commit_callbacks, submitted, date(2025, 10, 9)) == 2
