"""The decision reminder (portal.services, portal.tasks): once an item has waited longer than
its project's client response time (business days), the person gets one e-mail through the
outbox, in their language, and never a second one for the same item."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.conf import settings

from notifications.models import Notification, NotificationPreference, OutboxMessage
from portal.models import DEFAULT_CLIENT_RESPONSE_DAYS, ClientResponseTime, DecisionReminder
from portal.services import client_response_days_set, decision_reminders_send_for
from portal.tasks import decision_reminders_task
from stakeholders.models import Requirement
from tests.portal.conftest import clarified_requirement, resolved_ticket

pytestmark = pytest.mark.django_db

# Waiting since Monday 2 November 2026: five business days later is Monday 9 November.
MONDAY = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.fixture
def waiting(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        requirement = clarified_requirement(cast, "Scan barcodes")
    Requirement.objects.filter(pk=requirement.pk).update(updated_at=MONDAY)
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()
    return requirement


def send(capture, person, today) -> int:
    with capture(execute=False):
        return decision_reminders_send_for(person=person, today=today)


def test_the_default_response_time_is_five_business_days():
    assert DEFAULT_CLIENT_RESPONSE_DAYS == 5


def test_no_reminder_until_the_response_time_has_passed(
    cast, waiting, django_capture_on_commit_callbacks
):
    # Due on Monday 9 November: not late on that day, late on the Tuesday.
    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 9)) == 0
    assert not OutboxMessage.objects.exists()
    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 10)) == 1


def test_the_reminder_is_an_email_in_the_persons_language_with_a_link(
    cast, waiting, django_capture_on_commit_callbacks
):
    cast.rep.language = "zh-hans"
    cast.rep.save(update_fields=["language"])

    send(django_capture_on_commit_callbacks, cast.client_admin, date(2026, 11, 10))
    send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 10))

    assert sorted(OutboxMessage.objects.values_list("kind", "to_email", "language")) == [
        ("decision_reminder", "admin@a.test", "en"),
        ("decision_reminder", "rep@a.test", "zh-hans"),
    ]
    english = OutboxMessage.objects.get(to_user=cast.client_admin)
    assert english.subject == f"Waiting for your answer: Confirm {waiting.reference}: Scan barcodes"
    url = f"/portal/projects/{cast.project.pk}/requirements/{waiting.pk}/"
    assert f"{settings.SITE_URL.rstrip('/')}{url}" in english.body_text
    assert "since Nov 2, 2026" in english.body_text
    assert "by Nov 9, 2026" in english.body_text
    assert (
        english.dedupe_key == f"decision-reminder:requirement:{waiting.pk}:{cast.client_admin.pk}"
    )
    assert Notification.objects.filter(user=cast.rep, url=url).count() == 1


def test_each_item_is_reminded_once_per_person(cast, waiting, django_capture_on_commit_callbacks):
    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 10)) == 1
    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 10)) == 0
    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 20)) == 0
    assert OutboxMessage.objects.count() == 1
    assert Notification.objects.count() == 1
    assert DecisionReminder.objects.count() == 1


def test_e_mail_preference_off_still_reminds_only_once(
    cast, waiting, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=cast.rep, kind="reminder", channel="off")

    send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 10))
    send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 11))

    assert not OutboxMessage.objects.exists()
    assert Notification.objects.filter(user=cast.rep).count() == 1


def test_the_projects_response_time_counts(cast, waiting, django_capture_on_commit_callbacks):
    client_response_days_set(actor=cast.pm, project=cast.project, days=10)

    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 10)) == 0
    assert send(django_capture_on_commit_callbacks, cast.rep, date(2026, 11, 17)) == 1


def test_only_the_pm_sets_the_response_time_and_within_bounds(cast):
    from common.errors import InvalidInput, NotAllowed

    with pytest.raises(NotAllowed):
        client_response_days_set(actor=cast.client_admin, project=cast.project, days=3)
    for days in (0, 61):
        with pytest.raises(InvalidInput) as error:
            client_response_days_set(actor=cast.pm, project=cast.project, days=days)
        assert error.value.field == "client_response_days"
    assert not ClientResponseTime.objects.exists()


def test_the_task_reminds_the_right_people_and_nobody_else(
    cast, waiting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        resolved_ticket(cast, "Slow search")
    OutboxMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=False):
        sent = decision_reminders_task(today="2026-11-10")

    # The requirement waits for client A's admin and representative; the ticket was resolved
    # just now, so it is not late. Viewers, the other client and the provider side get nothing.
    assert sent == 2
    assert sorted(OutboxMessage.objects.values_list("to_email", flat=True)) == [
        "admin@a.test",
        "rep@a.test",
    ]
    with django_capture_on_commit_callbacks(execute=False):
        assert decision_reminders_task(today="2026-11-10") == 0


def test_the_reminder_task_is_in_the_beat_schedule_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["portal-decision-reminders"]
    assert entry["task"] == "portal.tasks.decision_reminders_task"
    assert entry["schedule"].hour == {7}


def test_the_pm_sets_the_response_time_on_its_page(cast):
    from django.urls import reverse

    from tests.helpers import logged_in

    url = reverse("portal:response_time", args=[cast.project.pk])
    pm = logged_in(cast.pm)
    assert 'value="5"' in pm.get(url).content.decode()

    response = pm.post(url, {"client_response_days": "8"})

    assert response.status_code == 302
    assert ClientResponseTime.objects.get(project=cast.project).client_response_days == 8
    assert (
        'data-testid="client-response-time"'
        in pm.get(reverse("projects:detail", args=[cast.project.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter a whole number of business days."),
        ("two", "Enter a whole number of business days."),
        ("0", "The response time is between 1 and 60 business days."),
        ("61", "The response time is between 1 and 60 business days."),
    ],
)
def test_bad_response_times_are_refused_with_a_message(cast, value, message):
    from django.urls import reverse

    from tests.helpers import logged_in

    url = reverse("portal:response_time", args=[cast.project.pk])

    response = logged_in(cast.pm).post(url, {"client_response_days": value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClientResponseTime.objects.exists()


def test_only_the_pm_may_set_the_response_time(cast):
    from django.urls import reverse

    from tests.helpers import logged_in

    url = reverse("portal:response_time", args=[cast.project.pk])
    for person, status in ((cast.am, 403), (cast.teammate, 403), (cast.outsider, 404)):
        assert logged_in(person).post(url, {"client_response_days": "9"}).status_code == status
    assert not ClientResponseTime.objects.exists()


def test_internal_items_are_never_reminded(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        internal = clarified_requirement(cast, "Refactor the importer", visibility="internal")
    Requirement.objects.filter(pk=internal.pk).update(updated_at=MONDAY)
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()

    for person in (cast.rep, cast.client_admin, cast.viewer):
        assert send(django_capture_on_commit_callbacks, person, date(2026, 12, 1)) == 0

    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()
