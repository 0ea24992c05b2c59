"""A Celery worker (a process of its own, as in production) survives a restart of its Redis
broker while it holds a task's retry, and every e-mail is then delivered exactly once.

kombu's Redis transport used to stop the worker here ("Unrecoverable error: AttributeError(
'NoneType' object has no attribute 'hostname')" while restoring the messages it held); the
project's transport (common/celery_broker.py) keeps the broker's address for that restore. The
broker is a private redis-server that the test restarts; the SMTP server is real (aiosmtpd).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_enqueue_rendered
from notifications.tasks import outbox_flush_task
from tests.notifications.test_outbox_worker import status_of, wait_until

pytestmark = [pytest.mark.usefixtures("transactional_db"), pytest.mark.slow]

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _database_url() -> str:
    values = connection.settings_dict
    return (
        f"postgres://{values['USER']}@{values['HOST'] or '127.0.0.1'}:{values['PORT'] or 5432}"
        f"/{values['NAME']}"
    )


def _enqueue(number: int) -> OutboxMessage:
    with transaction.atomic():
        return outbox_enqueue_rendered(
            kind="test",
            to_email=f"person{number}@client.test",
            language="en",
            subject=f"Message {number}",
            body_text="Hello.",
            body_html="",
        )


def _log_has(path: Path, text: str) -> bool:
    return text in path.read_text(errors="replace")


def test_the_worker_survives_a_broker_restart_while_it_holds_a_retry(
    private_broker, smtp_server, tmp_path
):
    log = tmp_path / "worker.log"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "CELERY_", "OUTBOX_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.from_env",
        DJANGO_ENV="local",
        DATABASE_URL=_database_url(),
        REDIS_URL=private_broker.url,
        EMAIL_URL=f"smtp://{smtp_server.host}:{smtp_server.port}",
        # The retry is held by the worker for 4 to 8 s: long enough to restart the broker under it.
        OUTBOX_RETRY_BASE_SECONDS="8",
        RAPPORT_VAR_DIR=str(tmp_path / "var"),
    )
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(lambda: _log_has(log, "ready."), timeout=60)
        # The first message is refused for now (451): its task retries with a countdown, and the
        # worker holds that retry, unacknowledged, when the broker goes away.
        smtp_server.refuse_rcpt("451 4.3.0 Try again later", times=1)
        first = _enqueue(1)
        wait_until(lambda: _log_has(log, "retry: Retry in"), timeout=60)

        private_broker.stop()
        time.sleep(1)
        private_broker.start()

        wait_until(lambda: _log_has(log, "Connected to"), timeout=30)
        assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
        # A message queued after the restart is sent by the same worker.
        second = _enqueue(2)
        wait_until(lambda: status_of(second) == "sent", timeout=60)
        # The retry the worker held went with the broker's memory (this one keeps nothing on
        # disk): the beat's outbox flush finds the message once its retry is overdue.
        assert status_of(first) == "pending"
        OutboxMessage.objects.filter(pk=first.pk).update(
            next_attempt_at=timezone.now() - timedelta(minutes=10)
        )
        outbox_flush_task.delay()
        wait_until(lambda: status_of(first) == "sent", timeout=60)
        outbox_flush_task.delay()  # a second flush finds nothing left to send
        time.sleep(1)  # room for a duplicate to show up, if there were one
        received = sorted(message["Message-ID"] for message in smtp_server.received)
        first.refresh_from_db()
        second.refresh_from_db()
        assert received == sorted([first.message_id, second.message_id])
        assert first.attempts == 2
        assert worker.poll() is None
        text = log.read_text(errors="replace")
        assert "Unrecoverable error" not in text
        assert "Connection to broker lost" in text
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
