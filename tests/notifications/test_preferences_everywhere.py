"""The person's choice per kind applies to every notice of the product, not only discussions:
deliverables awaiting acceptance, phase gates, requirements, change requests, reminders. A
warning that silence will count as acceptance still arrives by e-mail when the kind is off."""

from __future__ import annotations

from datetime import date

import pytest

from notifications.models import Channel, DigestItem, Notification, OutboxMessage
from notifications.services.preferences import preferences_set
from projects.services.deliverables import (
    client_today,
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.milestones import milestone_create
from projects.services.reminders import deemed_acceptance_remind
from stakeholders.services.changes import change_request_create
from stakeholders.services.requirements import requirement_create, requirement_transition

pytestmark = pytest.mark.django_db


def _submitted(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 31)
    )
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Scanner setup", criteria=["ok"]
    )
    quality_review_record(actor=cast.teammate, deliverable=deliverable, passed=True)
    return deliverable_submit(actor=cast.pm, deliverable=deliverable)


def _mails(person, kind_prefix=""):
    return OutboxMessage.objects.filter(to_user=person, kind__startswith=kind_prefix)


def test_deliverable_notices_follow_the_choice(cast):
    preferences_set(actor=cast.client_admin, channels={"deliverable": Channel.DAILY_DIGEST})
    preferences_set(actor=cast.rep, channels={"deliverable": Channel.OFF})
    _submitted(cast)
    # Everyone still sees it in the app.
    for person in (cast.client_admin, cast.rep):
        assert Notification.objects.filter(user=person).count() == 1
    assert not _mails(cast.client_admin).exists()
    assert DigestItem.objects.filter(user=cast.client_admin, kind="deliverable").count() == 1
    assert not _mails(cast.rep).exists()
    assert not DigestItem.objects.filter(user=cast.rep).exists()
    # Nobody chose anything for the viewer, who is not asked to decide: nothing for them.
    assert not Notification.objects.filter(user=cast.viewer).exists()


def test_requirement_and_change_request_notices_follow_the_choice(cast):
    preferences_set(actor=cast.pm, channels={"requirement": Channel.OFF})
    requirement = requirement_create(actor=cast.rep, project=cast.project, title="Dark mode")
    assert Notification.objects.filter(user=cast.pm).count() == 1
    assert not _mails(cast.pm, "requirement").exists()

    preferences_set(actor=cast.rep, channels={"requirement": Channel.DAILY_DIGEST})
    requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
    assert not _mails(cast.rep, "requirement").exists()
    assert DigestItem.objects.filter(user=cast.rep, kind="requirement").count() == 1
    assert _mails(cast.client_admin, "requirement_clarified").count() == 1  # default: at once

    preferences_set(actor=cast.pm, channels={"change_request": Channel.DAILY_DIGEST})
    change_request_create(actor=cast.rep, project=cast.project, title="More reports")
    assert not _mails(cast.pm, "change_request").exists()
    assert DigestItem.objects.filter(user=cast.pm, kind="change_request").count() == 1


def test_a_deemed_acceptance_warning_ignores_off_but_honours_the_digest(cast):
    acceptance_round = _submitted(cast)
    OutboxMessage.objects.all().delete()
    preferences_set(actor=cast.rep, channels={"reminder": Channel.OFF})
    preferences_set(actor=cast.client_admin, channels={"reminder": Channel.DAILY_DIGEST})
    today = client_today(cast.project)
    acceptance_round.deemed_acceptance_due = today
    acceptance_round.save(update_fields=["deemed_acceptance_due"])

    assert deemed_acceptance_remind(round_id=acceptance_round.pk, today=today) == 2
    assert _mails(cast.rep, "deemed_acceptance_reminder").count() == 1
    assert not _mails(cast.client_admin).exists()
    assert DigestItem.objects.filter(user=cast.client_admin, kind="reminder").count() == 1
    # Run again the same day: nobody is told twice, by either way.
    assert deemed_acceptance_remind(round_id=acceptance_round.pk, today=today) == 0
    assert _mails(cast.rep, "deemed_acceptance_reminder").count() == 1
    assert DigestItem.objects.filter(user=cast.client_admin, kind="reminder").count() == 1
