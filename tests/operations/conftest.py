"""The real SMTP server and the test's own Celery queue of the notifications tests."""

from tests.notifications.conftest import smtp_server, task_queue  # noqa: F401
