"""Notification preferences: e-mail at once, in the daily digest, or none; in-app always."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from common.errors import InvalidInput
from notifications.models import (
    NOTIFICATION_KINDS,
    Channel,
    DigestItem,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from notifications.services.notifications import notify
from notifications.services.preferences import preferences_for, preferences_set

pytestmark = pytest.mark.django_db


def _notify(user, key="k1"):
    return notify(
        user=user,
        kind="deliverable",
        title="Runbook awaits you",
        url="/portal/x/",
        email_template="notifications/email/generic",
        context={},
        dedupe_key=f"test:{key}:{user.pk}",
    )


def test_the_kinds_are_a_list_in_code():
    assert NOTIFICATION_KINDS == [
        "discussion",
        "deliverable",
        "requirement",
        "change_request",
        "phase_gate",
        "reminder",
        "meeting",
        "risk",
        "feedback",
        "survey",
    ]


def test_immediate_is_the_default(rep):
    assert set(preferences_for(user=rep).values()) == {Channel.IMMEDIATE}
    _notify(rep)
    assert Notification.objects.filter(user=rep).count() == 1
    message = OutboxMessage.objects.get(to_user=rep)
    assert message.kind == "deliverable"
    assert "Runbook awaits you" in message.subject
    assert not DigestItem.objects.exists()


def test_immediate_is_deduplicated(rep):
    _notify(rep)
    _notify(rep)
    assert OutboxMessage.objects.filter(to_user=rep).count() == 1


def test_daily_digest_queues_instead_of_sending(rep):
    preferences_set(actor=rep, channels={"deliverable": Channel.DAILY_DIGEST})
    _notify(rep)
    _notify(rep)  # the same event twice: one line
    assert Notification.objects.filter(user=rep).count() == 2
    assert not OutboxMessage.objects.exists()
    item = DigestItem.objects.get()
    assert (item.user, item.kind, item.title, item.sent_at) == (
        rep,
        "deliverable",
        "Runbook awaits you",
        None,
    )


def test_off_sends_no_e_mail_but_the_notification_appears(rep):
    preferences_set(actor=rep, channels={"deliverable": Channel.OFF})
    _notify(rep)
    assert Notification.objects.filter(user=rep).count() == 1
    assert not OutboxMessage.objects.exists()
    assert not DigestItem.objects.exists()


def test_a_preference_is_per_kind_and_per_person(rep, pm):
    preferences_set(actor=rep, channels={"discussion": Channel.OFF})
    _notify(rep)
    _notify(pm)
    assert OutboxMessage.objects.count() == 2


def test_unknown_kind_or_channel_is_refused(rep):
    with pytest.raises(InvalidInput):
        preferences_set(actor=rep, channels={"gossip": Channel.OFF})
    with pytest.raises(InvalidInput):
        preferences_set(actor=rep, channels={"discussion": "pigeon"})
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("person", ["pm", "rep", "viewer"])
def test_the_page_on_both_sides(request, person):
    user = request.getfixturevalue(person)
    client = Client()
    client.force_login(user)
    url = reverse("notifications:preferences")
    assert url == "/notifications/preferences/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="change_request"' in page.content.decode()
    response = client.post(url, {"discussion": "daily_digest", "meeting": "off", "reminder": "x"})
    assert response.status_code == 302
    prefs = preferences_for(user=user)
    assert prefs["discussion"] == "daily_digest"
    assert prefs["meeting"] == "off"
    assert prefs["reminder"] == "immediate"


def test_the_api_get_and_put_for_me(rep, pm):
    client = Client()
    client.force_login(rep)
    url = "/api/v1/me/notification-preferences/"
    assert client.get(url).json()["discussion"] == "immediate"
    response = client.put(url, {"discussion": "off"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["discussion"] == "off"
    assert response.json()["meeting"] == "immediate"
    bad = client.put(url, {"discussion": "pigeon"}, content_type="application/json")
    assert bad.status_code == 400
    # Only one's own.
    assert preferences_for(user=pm)["discussion"] == "immediate"
