"""Settings of a Celery worker started as a separate process by the report tests: the test
settings, the test database, and the test's SMTP server (REPORTS_TEST_SMTP_PORT)."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES
from tests.clock import move_clock_forward

move_clock_forward()  # the same day as the test process

DATABASES["default"]["NAME"] = os.environ["REPORTS_TEST_DATABASE_NAME"]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["REPORTS_TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 30
REPORTS_SENDING_STALE_SECONDS = 2
REPORTS_SWEEP_GRACE_SECONDS = 1
# Tasks the worker queues itself (the sweeper's) go to the test's own queue too.
CELERY_TASK_DEFAULT_QUEUE = os.environ["REPORTS_TEST_QUEUE"]
