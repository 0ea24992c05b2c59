"""In-app notifications: the unread badge, one's own list, marking read, pruning."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services.notifications import (
    notification_create,
    notifications_mark_read,
    notifications_prune,
)

UNREAD_BADGE = re.compile(r'data-testid="unread-count">(\d+)<')


def notify(user, count: int, *, prefix: str = "Note") -> list[Notification]:
    return [
        notification_create(user=user, title=f"{prefix} {n}", body=f"Body {n}", url="/projects/")
        for n in range(count)
    ]


def unread_badge(html: str) -> int | None:
    found = UNREAD_BADGE.search(html)
    return int(found.group(1)) if found else None


def unread_ids(user) -> set[int]:
    return set(
        Notification.objects.filter(user=user, read_at__isnull=True).values_list("pk", flat=True)
    )


# --- The badge in the header ------------------------------------------------------------------


def test_staff_header_shows_the_number_of_unread_notifications(client, pm, rep):
    notify(pm, 3)
    read = notify(pm, 2, prefix="Old")
    Notification.objects.filter(pk__in=[n.pk for n in read]).update(read_at=timezone.now())
    notify(rep, 5)  # someone else's
    client.force_login(pm)

    response = client.get(reverse("projects:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="staff-nav"' in html
    assert unread_badge(html) == 3


def test_portal_header_shows_the_number_of_unread_notifications(client, rep, pm):
    notify(rep, 4)
    notify(pm, 1)
    client.force_login(rep)

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert unread_badge(response.content.decode()) == 4


def test_no_badge_without_unread_notifications(client, pm):
    Notification.objects.filter(pk__in=[n.pk for n in notify(pm, 2)]).update(read_at=timezone.now())
    client.force_login(pm)

    html = client.get(reverse("projects:list")).content.decode()

    assert 'data-testid="notifications-bell"' in html
    assert unread_badge(html) is None


# --- Marking read -----------------------------------------------------------------------------


def test_the_badge_is_read_from_the_cache_and_follows_every_change(client, pm, rep):
    """No query for the badge on a page after the first; a new notification, one read, all
    read, one deleted (by a person, or by the cascade of a deletion) each show at once."""
    notify(pm, 2)
    client.force_login(pm)

    def badge() -> int | None:
        return unread_badge(client.get(reverse("projects:list")).content.decode())

    assert badge() == 2
    with CaptureQueriesContext(connection) as captured:
        assert badge() == 2
    assert not [q for q in captured if "notifications_notification" in q["sql"]]
    [third] = notify(pm, 1)
    assert badge() == 3
    notifications_mark_read(user=pm, notification_id=third.pk)
    assert badge() == 2
    Notification.objects.filter(user=pm, read_at__isnull=True).first().delete()
    assert badge() == 1
    notify(rep, 4)  # someone else's
    assert badge() == 1
    notifications_mark_read(user=pm)
    assert badge() is None


def test_mark_one_read_marks_only_that_one(pm):
    first, second, third = notify(pm, 3)

    assert notifications_mark_read(user=pm, notification_id=second.pk) == 1

    assert unread_ids(pm) == {first.pk, third.pk}
    # Already read: nothing to do, and its read time stays.
    read_at = Notification.objects.get(pk=second.pk).read_at
    assert notifications_mark_read(user=pm, notification_id=second.pk) == 0
    assert Notification.objects.get(pk=second.pk).read_at == read_at


def test_mark_all_read_marks_only_the_users_own(pm, rep):
    notify(pm, 3)
    others = notify(rep, 2)

    assert notifications_mark_read(user=pm) == 3

    assert unread_ids(pm) == set()
    assert unread_ids(rep) == {n.pk for n in others}


def test_marking_another_users_notification_changes_nothing(pm, rep):
    [own] = notify(pm, 1)
    [other] = notify(rep, 1)

    assert notifications_mark_read(user=pm, notification_id=other.pk) == 0

    assert unread_ids(rep) == {other.pk}
    assert unread_ids(pm) == {own.pk}


def test_mark_read_page_marks_one_of_ones_own(client, pm, rep):
    first, second = notify(pm, 2)
    [other] = notify(rep, 1)
    client.force_login(pm)

    response = client.post(reverse("notifications:mark_read"), {"notification": first.pk})
    foreign = client.post(reverse("notifications:mark_read"), {"notification": other.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert foreign.status_code == 302
    assert unread_ids(pm) == {second.pk}
    assert unread_ids(rep) == {other.pk}


def test_mark_read_page_without_an_id_marks_all_of_ones_own(client, pm, rep):
    notify(pm, 3)
    others = notify(rep, 2)
    client.force_login(pm)

    response = client.post(reverse("notifications:mark_read"), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert unread_ids(pm) == set()
    assert unread_ids(rep) == {n.pk for n in others}


def test_mark_read_page_refuses_get_and_anonymous(client, pm):
    [own] = notify(pm, 1)

    anonymous = client.post(reverse("notifications:mark_read"), {"notification": own.pk})
    client.force_login(pm)
    get = client.get(reverse("notifications:mark_read"))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert get.status_code == 405
    assert unread_ids(pm) == {own.pk}


# --- The list page ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "rep"])
def test_list_shows_only_ones_own_notifications(client, request, who, pm, rep):
    user = request.getfixturevalue(who)
    other = rep if user == pm else pm
    notify(user, 2, prefix="Mine")
    notify(other, 2, prefix="Theirs")
    client.force_login(user)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Mine ") == 2
    assert "Theirs" not in html
    assert [n.title for n in response.context["page"]] == ["Mine 1", "Mine 0"]


def test_list_needs_login(client):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_list_is_paginated(client, pm):
    notify(pm, 55)
    client.force_login(pm)

    first = client.get(reverse("notifications:list"))
    second = client.get(reverse("notifications:list"), {"page": 2})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 5
    assert "?page=2" in first.content.decode()


@pytest.mark.parametrize("who", ["pm", "rep"])
def test_list_queries_do_not_grow_with_the_number_of_notifications(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    client.get(reverse("notifications:list"))  # fills the session and the per-user caches

    def queries_with(count: int) -> int:
        Notification.objects.filter(user=user).delete()
        notify(user, count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("notifications:list"))
        assert response.status_code == 200
        assert len(response.context["page"]) == count
        assert unread_badge(response.content.decode()) == count
        return len(captured)

    assert queries_with(3) == queries_with(30)


# --- Pruning ----------------------------------------------------------------------------------


def test_prune_deletes_only_read_notifications_older_than_180_days(pm, rep):
    now = timezone.now()
    old_read, recent_read, old_unread, edge_read, other_old_read = (
        notification_create(user=user, title=title)
        for user, title in [
            (pm, "old read"),
            (pm, "recent read"),
            (pm, "old unread"),
            (pm, "read 179 days ago"),
            (rep, "someone else's old read"),
        ]
    )
    Notification.objects.filter(pk__in=[old_read.pk, other_old_read.pk]).update(
        read_at=now - timedelta(days=181)
    )
    Notification.objects.filter(pk=recent_read.pk).update(read_at=now - timedelta(days=3))
    Notification.objects.filter(pk=edge_read.pk).update(read_at=now - timedelta(days=179))
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=400))

    assert notifications_prune() == 2

    assert set(Notification.objects.values_list("title", flat=True)) == {
        "recent read",
        "old unread",
        "read 179 days ago",
    }
