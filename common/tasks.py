"""Base classes for Celery tasks (the Celery application itself is in config.celery)."""

import smtplib

from celery import Task


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
