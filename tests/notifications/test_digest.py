"""The daily digest: once per person and local day at 07:00 in their time zone and language."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import close_old_connections

from notifications.models import Channel, DigestItem, OutboxMessage
from notifications.services.digests import digest_send, digests_send_due
from notifications.services.notifications import notify
from notifications.services.preferences import preferences_set
from notifications.tasks import digests_send_task

pytestmark = pytest.mark.django_db


def _queue(user, title, key):
    notify(
        user=user,
        kind="discussion",
        title=title,
        url="/projects/1/",
        email_template="notifications/email/generic",
        context={},
        dedupe_key=key,
    )


@pytest.fixture
def shanghai_rep(rep):
    rep.time_zone = "Asia/Shanghai"  # UTC+8: 07:00 local is 23:00 UTC the day before
    rep.language = "zh-hans"
    rep.save(update_fields=["time_zone", "language"])
    preferences_set(actor=rep, channels={"discussion": Channel.DAILY_DIGEST})
    return rep


@pytest.fixture
def berlin_pm(pm):
    pm.time_zone = "Europe/Berlin"  # UTC+1 in winter
    pm.language = "en"
    pm.save(update_fields=["time_zone", "language"])
    preferences_set(actor=pm, channels={"discussion": Channel.DAILY_DIGEST})
    return pm


def test_sent_at_seven_local_time_in_each_persons_zone(shanghai_rep, berlin_pm):
    _queue(shanghai_rep, "Runbook: a new reply", "a")
    _queue(berlin_pm, "Runbook: a new reply", "b")
    # 22:45 UTC: 06:45 in Shanghai, 23:45 in Berlin (after 07:00 there, so due).
    assert digests_send_due(now=datetime(2030, 1, 9, 22, 45, tzinfo=UTC)) == 1
    assert list(OutboxMessage.objects.values_list("to_user", flat=True)) == [berlin_pm.pk]
    # 23:00 UTC: 07:00 on the 10th in Shanghai.
    assert digests_send_due(now=datetime(2030, 1, 9, 23, 0, tzinfo=UTC)) == 1
    message = OutboxMessage.objects.get(to_user=shanghai_rep)
    assert message.dedupe_key == f"digest:{shanghai_rep.pk}:2030-01-10"
    assert message.kind == "digest"
    assert "Runbook: a new reply" in message.body_text
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()
    assert DigestItem.objects.get(user=shanghai_rep).digest == message


def test_in_the_persons_language(shanghai_rep):
    _queue(shanghai_rep, "Runbook", "a")
    digests_send_due(now=datetime(2030, 1, 9, 23, 5, tzinfo=UTC))
    message = OutboxMessage.objects.get()
    assert message.language == "zh-hans"
    # The local date in Chinese format (the wording follows once the catalogue is compiled).
    assert "2030年1月10日" in message.body_text


def test_once_per_person_per_local_day(shanghai_rep):
    _queue(shanghai_rep, "First", "a")
    morning = datetime(2030, 1, 9, 23, 0, tzinfo=UTC)
    assert digests_send_due(now=morning) == 1
    # Beat fires again, and more arrives the same local day: it waits for tomorrow.
    _queue(shanghai_rep, "Second", "b")
    assert digests_send_due(now=datetime(2030, 1, 9, 23, 15, tzinfo=UTC)) == 0
    assert digests_send_due(now=datetime(2030, 1, 10, 15, 0, tzinfo=UTC)) == 0  # 23:00 local
    assert OutboxMessage.objects.count() == 1
    assert DigestItem.objects.get(title="Second").sent_at is None
    # The next local morning.
    assert digests_send_due(now=datetime(2030, 1, 10, 23, 0, tzinfo=UTC)) == 1
    second = OutboxMessage.objects.get(dedupe_key=f"digest:{shanghai_rep.pk}:2030-01-11")
    assert "Second" in second.body_text
    assert "First" not in second.body_text


def test_the_task_running_twice_sends_once(shanghai_rep, berlin_pm):
    _queue(shanghai_rep, "One", "a")
    _queue(berlin_pm, "Two", "b")
    now = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
    assert digests_send_due(now=now) == 2
    assert digests_send_due(now=now) == 0
    assert digests_send_task() == 0  # the task itself, at the real time: nothing new
    assert OutboxMessage.objects.count() == 2


def test_nobody_without_queued_items_gets_a_digest(shanghai_rep, viewer):
    assert digests_send_due(now=datetime(2030, 1, 10, 12, 0, tzinfo=UTC)) == 0
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_digest(shanghai_rep, task_queue):
    _queue(shanghai_rep, "One", "a")
    now = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(digest_send(user_id=shanghai_rep.pk, now=now))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert OutboxMessage.objects.filter(kind="digest").count() == 1
    assert sum(1 for result in results if result is not None) == 1
    assert DigestItem.objects.get().sent_at == now
