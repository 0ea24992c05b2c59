"""Survey tests reuse the notifications suite's real SMTP server and private Celery queue."""

from tests.notifications.conftest import smtp_server, task_queue  # noqa: F401
