"""The portal navigation's "waiting for you" number, read on every portal page: kept in the
cache per person and day, and forgotten by everybody whenever a row of a table the count reads
is saved or deleted.

A write to any of WATCHED (the tables of the counting query, checked by the tests) moves the
generation on, at once and again when its transaction commits (so that a page read between the
two cannot keep the old number); the key of every person's number carries the generation, so
one write forgets them all without knowing whose they were. The key carries the day too, since
what waits can start waiting on a day (a client task starting). What changes with no write
(a survey window closing within the day) counts within WAITING_SECONDS.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from portal.decisions import waiting_count_for

if TYPE_CHECKING:
    from accounts.models import User

WAITING_SECONDS = 300
GENERATION_KEY = "portal-waiting:generation"

# The models whose tables the counting query reads (portal.decisions.waiting_count_for).
WATCHED = (
    "closeout.ClosureRequest",
    "feedback.Campaign",
    "feedback.FeedbackTicket",
    "feedback.SurveyInvitation",
    "projects.Deliverable",
    "projects.Membership",
    "projects.Milestone",
    "projects.PhaseGate",
    "projects.Project",
    "projects.Task",
    "stakeholders.ActionItem",
    "stakeholders.ChangeRequest",
    "stakeholders.Meeting",
    "stakeholders.Requirement",
)


def _key(user_id: object, generation: str) -> str:
    return f"portal-waiting:{generation}:{timezone.localdate().isoformat()}:{user_id}"


def cached_waiting_count(user: User) -> int:
    """waiting_count_for(user), from the cache while no watched row has changed."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    key = _key(user.pk, generation)
    count = cache.get(key)
    if count is None:
        count = waiting_count_for(user=user)
        cache.set(key, count, WAITING_SECONDS)
    return int(count)


def forget_all() -> None:
    """Everybody's number is read afresh from now on, and again after the commit."""

    def move_on() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)

    move_on()
    transaction.on_commit(move_on)


def _on_watched_change(sender: Any, **kwargs: Any) -> None:
    forget_all()


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(
                _on_watched_change,
                sender=model,
                dispatch_uid=f"portal-waiting-{label}-{signal is post_save}",
            )
