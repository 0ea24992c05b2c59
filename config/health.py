"""Liveness and readiness probes: plain JSON, no login, no session.

Ready means the database answers. The broker and the cache (Redis) are checked too, with short
timeouts, but without them the product still serves its pages (queued work waits for the
sweepers, the cache fails open): their outage is reported as "degraded", still ready.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection
from kombu.exceptions import OperationalError as KombuOperationalError


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


PROBE_TIMEOUT_SECONDS = 0.5


def _check_database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connections["default"].close()
        return f"error: {error.__class__.__name__}: {str(error).strip()[:200]}"
    return "ok"


def _check_broker() -> str:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=PROBE_TIMEOUT_SECONDS,
        ) as connection:
            # One try, no retry: kombu waits two seconds before a retry.
            connection.ensure_connection(max_retries=0, timeout=PROBE_TIMEOUT_SECONDS)
    except (KombuOperationalError, OSError) as error:
        return f"error: {error.__class__.__name__}: {str(error).strip()[:200]}"
    return "ok"


def _check_cache() -> str:
    """A write and a read back; the Redis cache fails open, so a lost write shows the outage."""
    key, token = "readyz:probe", secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=30)
        if cache.get(key) != token:
            return "error: unreachable"
    except Exception as error:  # any other backend's failure
        return f"error: {error.__class__.__name__}: {str(error).strip()[:200]}"
    return "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker(), "cache": _check_cache()}
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif any(value != "ok" for value in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
