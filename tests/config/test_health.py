"""Liveness and readiness probes against the real database and broker, and real outages."""

from __future__ import annotations

import time

import pytest
from django.db import connections
from django.urls import reverse

from tests.notifications.conftest import free_port


def test_healthz_is_ok_without_login(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_healthz_answers_get_only(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_readyz_is_ok_with_database_and_broker_up(client, db):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "cache": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_database_is_down(client):
    database = connections["default"]
    port = database.settings_dict["PORT"]
    database.close()
    database.settings_dict["PORT"] = str(free_port())  # nothing listens there
    try:
        response = client.get(reverse("readyz"))
    finally:
        database.close()
        database.settings_dict["PORT"] = port

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("error: OperationalError")
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["cache"] == "ok"
    # And back up: the next probe reconnects.
    assert client.get(reverse("readyz")).status_code == 200


def test_readyz_is_ready_but_degraded_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("readyz"))

    assert response.status_code == 200  # the product still serves its pages
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error:")
    assert "Connection refused" in body["checks"]["broker"]
    assert body["checks"]["cache"] == "ok"


def test_readyz_is_ready_but_degraded_quickly_when_redis_stops(client, db, settings, private_redis):
    """Broker and cache on one Redis, as in production, which stops: still ready, at once."""
    settings.CELERY_BROKER_URL = private_redis.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": private_redis.url}}
    assert client.get(reverse("readyz")).json()["status"] == "ok"
    private_redis.stop()

    started = time.monotonic()
    response = client.get(reverse("readyz"))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error:")
    assert body["checks"]["cache"] == "error: unreachable"
    assert elapsed < 1.0


@pytest.mark.parametrize("path", ["healthz", "readyz"])
def test_probes_need_no_second_factor_for_a_signed_in_provider_user(client, db, path):
    """A provider user without TOTP is sent to enrol from every page, never from the probes."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="new.staff@provider.test"))

    assert client.get(reverse(path)).status_code == 200
