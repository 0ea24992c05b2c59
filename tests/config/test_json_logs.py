"""Production logs are one JSON object per line; local and test keep the readable line."""

from __future__ import annotations

import json
import logging

from django.http import HttpResponse
from django.test import RequestFactory

from common.logging import JsonFormatter, RequestIdMiddleware
from tests.config.test_settings import manage, production_environment  # noqa: F401

LOG_SCRIPT = """
import logging
logger = logging.getLogger("rapport.check")
logger.warning("queue %s is %d deep", "celery", 3)
try:
    1 / 0
except ZeroDivisionError:
    logger.exception("it broke")
"""


def test_production_writes_one_json_object_per_line(production_environment):  # noqa: F811
    result = manage("shell", "-c", LOG_SCRIPT, **production_environment)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if '"rapport.check"' in line]
    assert [line["message"] for line in lines] == ["queue celery is 3 deep", "it broke"]
    first, second = lines
    assert first["level"] == "WARNING"
    assert first["logger"] == "rapport.check"
    assert first["time"].endswith("+00:00")
    assert "exception" not in first
    assert "request_id" not in first
    assert second["level"] == "ERROR"
    assert second["exception"].startswith("Traceback")
    assert "ZeroDivisionError: division by zero" in second["exception"]


def test_local_keeps_the_readable_line(tmp_path):
    result = manage(
        "shell", "-c", LOG_SCRIPT, DJANGO_ENV="local", RAPPORT_VAR_DIR=str(tmp_path / "var")
    )

    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "queue celery" in line]
    assert line.endswith("WARNING rapport.check: queue celery is 3 deep")


def test_a_line_written_during_a_request_carries_its_id():
    records: list[str] = []
    formatter = JsonFormatter()

    def view(request):
        record = logging.LogRecord("rapport.view", logging.INFO, __file__, 1, "seen", None, None)
        records.append(formatter.format(record))
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view)
    given = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
    made = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="not a valid id!"))

    first, second = (json.loads(line) for line in records)
    assert first["request_id"] == "abc-123"
    assert given["X-Request-ID"] == "abc-123"
    assert len(second["request_id"]) == 32
    assert made["X-Request-ID"] == second["request_id"]
    outside = logging.LogRecord("rapport.x", logging.INFO, __file__, 1, "after", None, None)
    assert "request_id" not in json.loads(formatter.format(outside))
