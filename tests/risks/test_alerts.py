"""Early warning and escalation: the PM and the AM hear of a risk that becomes critical or rises
two levels, once, even when the beat task runs twice; reminders go out once per owner and local
day, from 08:00 in the owner's time zone; the health signal and its client version."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from common.errors import InvalidInput
from notifications.models import (
    Channel,
    DigestItem,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from projects.health import project_health
from projects.models import HealthStatus, Visibility
from risks.alerts import escalations_sweep, reminders_send_due
from risks.models import Assessment, Escalation, Reminder
from risks.services.actions import mitigation_action_add
from risks.services.assessments import risk_assess
from risks.services.register import risk_create, risk_update
from risks.tasks import risk_escalations_task, risk_reminders_task

pytestmark = pytest.mark.django_db


def _escalation_mails():
    return OutboxMessage.objects.filter(kind="risk", subject__contains="critical")


def test_becoming_critical_tells_the_pm_and_the_am_at_once(pm, am, teammate, project):
    risk = risk_create(actor=pm, project=project, title="Vendor insolvent", probability=2, impact=3)
    assert not Escalation.objects.exists()
    risk_assess(actor=pm, risk=risk, probability=4, impact=5, note="Vendor filed")
    assert set(_escalation_mails().values_list("to_email", flat=True)) == {
        pm.email,
        am.email,
    }
    assert not OutboxMessage.objects.filter(to_email=teammate.email).exists()
    message = _escalation_mails().get(to_email=am.email)
    assert "RISK-1 Vendor insolvent is now critical (score 20)" in message.subject
    assert "Vendor filed" in message.body_text
    assert Notification.objects.filter(user=am, title__contains="critical").count() == 1


def test_escalation_fires_once_even_when_the_beat_task_runs_twice(pm, am, project):
    risk = risk_create(actor=pm, project=project, title="r", probability=1, impact=1)
    # An escalating assessment recorded without its escalation (as if the notifying
    # transaction had been lost), then two runs of the beat task.
    risk_assess(actor=pm, risk=risk, probability=5, impact=5)
    Escalation.objects.all().delete()
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()
    assert risk_escalations_task() == 1
    assert risk_escalations_task() == 0
    assert escalations_sweep() == 0
    assert _escalation_mails().filter(to_email=am.email).count() == 1
    assert Notification.objects.filter(user=am).count() == 1
    assert Escalation.objects.count() == 1


def test_already_critical_does_not_escalate_again(pm, am, project):
    risk = risk_create(actor=pm, project=project, title="r", probability=5, impact=4)
    risk_assess(actor=pm, risk=risk, probability=5, impact=5)
    assert list(Assessment.objects.values_list("is_escalation", flat=True)) == [True, False]
    assert _escalation_mails().filter(to_email=am.email).count() == 1


def test_rising_two_levels_escalates_one_level_does_not(pm, am, project):
    risk = risk_create(actor=pm, project=project, title="r", probability=1, impact=2)  # low
    risk_assess(actor=pm, risk=risk, probability=2, impact=3)  # medium: one level
    assert not OutboxMessage.objects.filter(to_email=am.email).exists()
    risk_assess(actor=pm, risk=risk, probability=1, impact=2)  # low again
    risk_assess(actor=pm, risk=risk, probability=3, impact=4)  # high: two levels
    message = OutboxMessage.objects.get(to_email=am.email)
    assert "rose to High (score 12)" in message.subject


def test_escalation_respects_a_daily_digest_preference(pm, am, project):
    NotificationPreference.objects.create(user=am, kind="risk", channel=Channel.DAILY_DIGEST)
    risk = risk_create(actor=pm, project=project, title="r", probability=1, impact=1)
    risk_assess(actor=pm, risk=risk, probability=5, impact=5)
    assert not OutboxMessage.objects.filter(to_email=am.email).exists()
    assert DigestItem.objects.filter(user=am, kind="risk").count() == 1


# --- Reminders ----------------------------------------------------------------------------------


@pytest.fixture
def owners(pm, teammate, project):
    pm.time_zone = "Asia/Shanghai"  # UTC+8
    pm.save()
    teammate.time_zone = "America/New_York"  # UTC-5 in November
    teammate.save()
    return pm, teammate


def test_reminders_go_out_at_8_local_time_once_a_day(owners, project):
    pm, teammate = owners
    review_day = date(2026, 11, 23)
    risk_create(
        actor=pm, project=project, title="Shanghai's", owner=pm, next_review_date=review_day
    )
    risk_create(
        actor=pm,
        project=project,
        title="New York's",
        owner=teammate,
        next_review_date=review_day,
    )
    # 00:30 UTC = 08:30 in Shanghai, 19:30 the day before in New York (not yet due there).
    assert reminders_send_due(now=datetime(2026, 11, 23, 0, 30, tzinfo=UTC)) == 1
    assert list(Reminder.objects.values_list("user__email", "local_date")) == [
        (pm.email, review_day)
    ]
    # An hour later the task runs again: nobody is reminded twice.
    assert reminders_send_due(now=datetime(2026, 11, 23, 1, 30, tzinfo=UTC)) == 0
    # 12:00 UTC = 07:00 in New York: still too early there.
    assert reminders_send_due(now=datetime(2026, 11, 23, 12, 0, tzinfo=UTC)) == 0
    # 13:00 UTC = 08:00 in New York.
    assert reminders_send_due(now=datetime(2026, 11, 23, 13, 0, tzinfo=UTC)) == 1
    assert reminders_send_due(now=datetime(2026, 11, 23, 13, 0, tzinfo=UTC)) == 0
    message = OutboxMessage.objects.get(to_email=teammate.email, kind="risk")
    assert "1 review due" in message.subject
    assert "New York's" in message.body_text
    assert "Shanghai's" not in message.body_text


def test_reminders_list_due_actions_and_the_next_day_reminds_again(owners, project):
    pm, teammate = owners
    risk = risk_create(actor=pm, project=project, title="r", owner=pm)
    mitigation_action_add(
        actor=pm, risk=risk, text="Call the vendor", owner=teammate, due_date=date(2026, 11, 20)
    )
    mitigation_action_add(
        actor=pm, risk=risk, text="Later", owner=teammate, due_date=date(2026, 12, 20)
    )
    day_one = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert reminders_send_due(now=day_one) == 1
    message = OutboxMessage.objects.get(to_email=teammate.email, kind="risk")
    assert "1 mitigation action due" in message.subject
    assert "Call the vendor" in message.body_text
    assert "Later" not in message.body_text
    assert reminders_send_due(now=day_one + timedelta(days=1)) == 1
    assert Reminder.objects.filter(user=teammate).count() == 2


def test_a_client_owner_is_reminded_only_of_client_visible_risks(pm, rep, project):
    shared = risk_create(
        actor=pm,
        project=project,
        title="Shared",
        owner=rep,
        visibility=Visibility.CLIENT,
        next_review_date=date(2026, 11, 1),
    )
    # Making it internal while a client member owns it is refused.
    with pytest.raises(InvalidInput):
        risk_update(actor=pm, risk=shared, visibility=Visibility.INTERNAL)
    internal = risk_create(actor=pm, project=project, title="Internal")
    mitigation_action_add(actor=pm, risk=internal, text="x", due_date=date(2026, 11, 1))
    assert reminders_send_due(now=datetime(2026, 11, 23, 12, 0, tzinfo=UTC)) == 1
    message = OutboxMessage.objects.get(to_email=rep.email, kind="risk")
    assert "/portal/" in message.body_text
    assert "Internal" not in message.body_text


# --- Health -------------------------------------------------------------------------------------


def test_overdue_review_beyond_tolerance_feeds_health_and_hides_internal_reasons(pm, project):
    today = date(2026, 11, 23)
    risk_create(
        actor=pm, project=project, title="Internal", next_review_date=today - timedelta(days=7)
    )
    health = project_health(project, today=today)
    assert health.reasons == []  # exactly at the tolerance: not yet
    risk_create(
        actor=pm, project=project, title="Internal 2", next_review_date=today - timedelta(days=8)
    )
    health = project_health(project, today=today)
    assert [r.reason for r in health.reasons] == ["1 risk review is overdue beyond the tolerance."]
    assert health.status == HealthStatus.AMBER
    # The client's view rests only on client-visible risks: none here.
    assert health.client_reasons == []
    assert health.client_status == HealthStatus.GREEN


def test_health_counts_client_visible_risks_for_the_client(pm, project):
    today = date(2026, 11, 23)
    for visibility in (Visibility.CLIENT, Visibility.INTERNAL):
        risk_create(
            actor=pm,
            project=project,
            title="r",
            probability=5,
            impact=5,
            visibility=visibility,
        )
    health = project_health(project, today=today)
    assert [r.reason for r in health.reasons] == ["2 open critical risks."]
    assert [r.reason for r in health.client_reasons] == ["1 open critical risk."]
    assert health.client_status == HealthStatus.RED


def test_review_tolerance_is_per_project(pm, project):
    from risks.services.settings import risk_settings_update

    today = date(2026, 11, 23)
    risk_create(actor=pm, project=project, title="r", next_review_date=today - timedelta(days=3))
    assert project_health(project, today=today).reasons == []
    risk_settings_update(
        actor=pm,
        project=project,
        probability_scale=[""] * 5,
        impact_scale=[""] * 5,
        medium_from=5,
        high_from=10,
        critical_from=16,
        review_tolerance_days=2,
    )
    assert len(project_health(project, today=today).reasons) == 1


def test_the_reminder_task_runs_the_service(pm, project, settings):
    risk_create(actor=pm, project=project, title="r", owner=pm, next_review_date=date(2000, 1, 1))
    # A time zone where it is 08:00 or later now: UTC from 08:00 UTC, else UTC+14 (14:00 on).
    pm.time_zone = "UTC" if timezone.now().hour >= 8 else "Pacific/Kiritimati"
    pm.save()
    assert risk_reminders_task() == 1
    assert risk_reminders_task() == 0


def test_the_portfolios_read_brings_the_counts_and_another_day_counts_again(
    pm, project, django_assert_num_queries
):
    """Read with the portfolio's columns (the overview, the portfolio), a project's risk counts
    cost the signal no query and give what the signal's own read gives; read on another day,
    they are counted again for that day."""
    from projects.models import Project
    from projects.selectors.portfolio import annotate_portfolio
    from risks.health import risk_health

    today = date(2026, 11, 23)
    for days, visibility in (
        (8, Visibility.CLIENT),
        (9, Visibility.INTERNAL),
        (2, Visibility.CLIENT),
    ):
        risk_create(
            actor=pm,
            project=project,
            title=f"Review {days}",
            next_review_date=today - timedelta(days=days),
            visibility=visibility,
        )
    risk_create(actor=pm, project=project, title="Critical", probability=5, impact=5)
    read = annotate_portfolio(Project.objects.filter(pk=project.pk), today=today).get()
    with django_assert_num_queries(0):
        annotated = risk_health([read], today=today)
    alone = risk_health([Project.objects.get(pk=project.pk)], today=today)
    with translation.override("en"):
        assert [str(f.reason) for f in annotated[project.pk]] == [
            str(f.reason) for f in alone[project.pk]
        ]
        assert [(str(f.reason), f.audience) for f in annotated[project.pk]] == [
            ("1 open critical risk.", "staff"),
            ("2 risk reviews are overdue beyond the tolerance.", "staff"),
            ("1 risk review is overdue beyond the tolerance.", "client"),
        ]
    # Six days later the review of two days ago is overdue too (8 days > 7), counted afresh.
    with django_assert_num_queries(1):
        later = risk_health([read], today=today + timedelta(days=6))
    with translation.override("en"):
        assert "3 risk reviews are overdue beyond the tolerance." in [
            str(f.reason) for f in later[project.pk]
        ]
