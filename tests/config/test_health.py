"""Liveness and readiness probes against the real database and broker, and real outages."""

from __future__ import annotations

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
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
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
    # And back up: the next probe reconnects.
    assert client.get(reverse("readyz")).status_code == 200


def test_readyz_is_503_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error:")
    assert "Connection refused" in body["checks"]["broker"]


@pytest.mark.parametrize("path", ["healthz", "readyz"])
def test_probes_need_no_second_factor_for_a_signed_in_provider_user(client, db, path):
    """A provider user without TOTP is sent to enrol from every page, never from the probes."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="new.staff@provider.test"))

    assert client.get(reverse(path)).status_code == 200
