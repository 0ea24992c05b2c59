"""Base classes for Celery tasks and queueing them without failing the caller (the Celery
application itself is in config.celery)."""

import logging
import smtplib
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


class SendingTask(Task):
    """The default for tasks that send things (e-mail, reports): acknowledged after the work,
    and retried with exponential back-off and jitter on transient failures only — a refused
    connection or an SMTP error, never a bug."""

    acks_late = True
    autoretry_for = (smtplib.SMTPException, ConnectionError, TimeoutError)
    retry_backoff = 30
    retry_backoff_max = 3600
    retry_jitter = True
    max_retries = 8


def broker_backlog() -> int:
    """How many tasks wait in the broker's default queue for a worker; 0 when the broker cannot
    say (then the sweepers treat old queued work as lost, as they must after a restart)."""
    from celery import current_app as app

    try:
        with app.connection_for_read() as connection:
            declared = connection.default_channel.queue_declare(
                queue=app.conf.task_default_queue, passive=True
            )
            return int(declared.message_count)
    except Exception:  # an unknown queue, a broker that is down: no backlog known
        return 0


def enqueue(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Queue `task` now; a broker that cannot be reached is logged, not raised. For work whose
    row is already committed and that a beat sweeper queues again (the outbox flush, the report
    deliveries sweep, the survey tick). Returns whether the task was queued."""
    try:
        task.apply_async(args, kwargs)
    except Exception as error:  # the broker is down or refuses: the sweeper catches up
        logger.warning(
            "Could not queue %s%r: %s: %s", task.name, args, error.__class__.__name__, error
        )
        return False
    return True


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` after the current transaction commits (at once outside one). The request
    that caused it still succeeds when the broker is down: see `enqueue`."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))
