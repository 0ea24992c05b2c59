"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import os
import smtplib

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.from_env")

app = Celery("rapport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
