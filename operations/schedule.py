"""The beat schedule as the operations page reads it: each entry's task and interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery.schedules import crontab
from celery.schedules import schedule as every
from django.conf import settings


@dataclass(frozen=True)
class PeriodicEntry:
    key: str  # the entry's name in CELERY_BEAT_SCHEDULE
    task: str
    interval: timedelta


def schedule_interval(value: Any) -> timedelta:
    """The usual gap between two runs: a timedelta or a schedule's own; for a crontab, the
    period of its finest field that is not "every" (every minute of every hour: a minute; at
    minute 5 of every hour: an hour; at 08:00: a day)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, crontab):
        if len(value.day_of_month) < 31 or len(value.month_of_year) < 12:
            return timedelta(days=31)
        if len(value.day_of_week) < 7:
            return timedelta(days=7) / len(value.day_of_week)
        if len(value.hour) < 24:
            return timedelta(days=1) / len(value.hour)
        return timedelta(hours=1) / len(value.minute)
    if isinstance(value, every):
        return value.run_every
    return timedelta(seconds=float(value))


def periodic_entries() -> list[PeriodicEntry]:
    return [
        PeriodicEntry(key=key, task=entry["task"], interval=schedule_interval(entry["schedule"]))
        for key, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items())
    ]


def periodic_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
