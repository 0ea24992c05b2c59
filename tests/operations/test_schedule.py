"""The interval of each kind of beat entry, which decides when a periodic task is late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.schedules import crontab

from operations.schedule import periodic_entries, schedule_interval


@pytest.mark.parametrize(
    ("schedule", "interval"),
    [
        (timedelta(minutes=2), timedelta(minutes=2)),
        (crontab(minute="*"), timedelta(minutes=1)),
        (crontab(minute="*/15"), timedelta(minutes=15)),
        (crontab(minute=5), timedelta(hours=1)),
        (crontab(hour=8, minute=0), timedelta(days=1)),
        (crontab(hour="*/6", minute=0), timedelta(hours=6)),
        (crontab(day_of_week=1, hour=8, minute=0), timedelta(days=7)),
    ],
)
def test_schedule_interval(schedule, interval):
    assert schedule_interval(schedule) == interval


def test_every_entry_of_the_beat_schedule_has_an_interval():
    entries = {entry.key: entry.interval for entry in periodic_entries()}

    assert entries["reports-dispatch"] == timedelta(minutes=1)
    assert entries["outbox-flush"] == timedelta(seconds=30)
    assert entries["portal-decision-reminders"] == timedelta(days=1)
    assert all(interval > timedelta(0) for interval in entries.values())
