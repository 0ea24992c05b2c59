"""Campaigns: who is sent the survey (quiet period, unsubscribes), reminders, triggers, and
every sending step run twice sends once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from feedback.models import Campaign, CampaignTrigger, SurveyInvitation
from feedback.services.automations import (
    automation_create,
    automations_run_periodic,
    campaigns_on_deliverable_accepted,
    campaigns_on_project_closed,
)
from feedback.services.campaigns import campaign_close
from feedback.services.responses import invitation_unsubscribe
from feedback.services.sending import campaign_remind, campaign_send, survey_campaigns_tick
from feedback.services.survey_templates import survey_template_default
from feedback.tasks import campaign_send_task, survey_campaigns_tick_task
from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_send
from tests.feedback.surveys.helpers import answer, make_template, send_campaign

pytestmark = pytest.mark.django_db


def _survey_mails(to: str | None = None) -> list[OutboxMessage]:
    messages = OutboxMessage.objects.filter(kind="survey").order_by("pk")
    if to:
        messages = messages.filter(to_email=to)
    return list(messages)


def test_campaign_goes_to_every_client_contact_and_no_one_else(am, pm, teammate, cast):
    campaign = send_campaign(am, cast.project, make_template(am))
    invited = set(
        SurveyInvitation.objects.filter(campaign=campaign).values_list("person__email", flat=True)
    )
    assert invited == {"admin@a.test", "rep@a.test", "viewer@a.test"}
    assert {m.to_email for m in _survey_mails()} == invited
    assert campaign.status == Campaign.Status.OPEN
    mail = _survey_mails("rep@a.test")[0]
    assert "/surveys/" in mail.body_text
    assert "A One" in mail.subject


def test_sending_twice_sends_once(am, rep, project):
    campaign = send_campaign(am, project, make_template(am))
    assert len(_survey_mails()) == 1
    assert campaign_send(campaign_id=campaign.pk) == 0
    assert campaign_send_task.run(campaign.pk) == 0
    assert len(_survey_mails()) == 1
    assert SurveyInvitation.objects.filter(campaign=campaign).count() == 1


def test_quiet_period_skips_people_surveyed_recently_across_campaigns(
    am, rep, project, other_project, settings
):
    settings.RAPPORT_SURVEY_QUIET_DAYS = 30
    template = make_template(am)
    now = timezone.now()
    first = send_campaign(am, project, template, now=now - timedelta(days=10), name="First")
    second = send_campaign(am, project, template, now=now, name="Second")
    skipped = SurveyInvitation.objects.get(campaign=second, person=rep)
    assert skipped.skipped_reason == SurveyInvitation.Skipped.QUIET_PERIOD
    assert skipped.sent_at is None
    assert [m.dedupe_key for m in _survey_mails(rep.email)] == [
        f"survey:{SurveyInvitation.objects.get(campaign=first).pk}:invite"
    ]
    # After the quiet period the person is surveyed again.
    third = send_campaign(am, project, template, now=now + timedelta(days=25), name="Third")
    assert SurveyInvitation.objects.get(campaign=third, person=rep).sent_at is not None
    assert len(_survey_mails(rep.email)) == 2


def test_an_unsubscribed_person_is_never_surveyed_again(am, rep, project):
    template = make_template(am)
    now = timezone.now()
    first = send_campaign(am, project, template, now=now - timedelta(days=60), days=70)
    invitation_unsubscribe(invitation=SurveyInvitation.objects.get(campaign=first))
    later = send_campaign(am, project, template, now=now, name="Later")
    invitation = SurveyInvitation.objects.get(campaign=later)
    assert invitation.skipped_reason == SurveyInvitation.Skipped.UNSUBSCRIBED
    assert len(_survey_mails(rep.email)) == 1


def test_reminders_after_n_days_at_most_m_and_each_once(am, rep, project):
    now = timezone.now()
    campaign = send_campaign(
        am, project, make_template(am), now=now, days=30, reminder_after_days=3, reminder_max=2
    )
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=2)) == 0
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=3)) == 1
    # Run again at the same moment: nothing more (idempotent).
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=3)) == 0
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=5)) == 0
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=6)) == 1
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=20)) == 0
    keys = [m.dedupe_key for m in _survey_mails(rep.email)]
    invitation = SurveyInvitation.objects.get(campaign=campaign)
    assert keys == [
        f"survey:{invitation.pk}:invite",
        f"survey:{invitation.pk}:reminder-1",
        f"survey:{invitation.pk}:reminder-2",
    ]
    assert "Reminder" in _survey_mails(rep.email)[1].subject


def test_reminders_stop_after_a_response(am, rep, client_admin, project):
    now = timezone.now()
    campaign = send_campaign(am, project, make_template(am), now=now, reminder_after_days=2)
    answer(SurveyInvitation.objects.get(campaign=campaign, person=rep), nps=9, now=now)
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=2)) == 1
    assert len(_survey_mails(rep.email)) == 1  # only the invitation
    assert len(_survey_mails(client_admin.email)) == 2


def test_reminders_stop_after_unsubscribe_and_close(am, rep, project):
    now = timezone.now()
    campaign = send_campaign(am, project, make_template(am), now=now, reminder_after_days=1)
    invitation_unsubscribe(invitation=SurveyInvitation.objects.get(campaign=campaign))
    assert campaign_remind(campaign_id=campaign.pk, now=now + timedelta(days=1)) == 0
    other = send_campaign(am, project, make_template(am, name="Other"), now=now, name="Other")
    campaign_close(actor=am, campaign=other)
    assert campaign_remind(campaign_id=other.pk, now=now + timedelta(days=2)) == 0


def test_a_scheduled_campaign_is_sent_by_the_tick_when_its_window_opens(am, rep, project):
    from feedback.services.campaigns import campaign_create

    now = timezone.now()
    campaign = campaign_create(
        actor=am,
        project=project,
        template=make_template(am),
        name="Later",
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=9),
    )
    assert survey_campaigns_tick(now=now)["sent"] == 0
    assert _survey_mails() == []
    assert survey_campaigns_tick(now=now + timedelta(days=2, minutes=1))["sent"] == 1
    assert survey_campaigns_tick(now=now + timedelta(days=2, minutes=2))["sent"] == 0
    survey_campaigns_tick_task.run()
    assert len(_survey_mails()) == 1
    # The window ends: the tick closes it.
    survey_campaigns_tick(now=now + timedelta(days=10))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_deliverable_acceptance_starts_one_campaign_per_deliverable(am, pm, rep, project):
    from projects.services.deliverables import deliverable_create
    from projects.services.milestones import milestone_create

    template = survey_template_default()
    automation_create(
        actor=am, project=project, template=template, trigger=CampaignTrigger.DELIVERABLE_ACCEPTED
    )
    milestone = milestone_create(actor=pm, project=project, name="M1", due_date=date(2027, 1, 1))
    deliverable = deliverable_create(actor=pm, milestone=milestone, name="Runbook", criteria=[])
    first = campaigns_on_deliverable_accepted(deliverable_id=deliverable.pk)
    again = campaigns_on_deliverable_accepted(deliverable_id=deliverable.pk)
    assert len(first) == 1
    assert again == first
    campaign = first[0]
    assert campaign.trigger == CampaignTrigger.DELIVERABLE_ACCEPTED
    assert campaign.deliverable_id == deliverable.pk
    assert Campaign.objects.count() == 1


def test_the_tick_starts_the_campaigns_whose_event_task_was_lost(am, pm, rep, project):
    """A deliverable accepted and a project closed while the broker was down: their tasks never
    ran; the tick starts each campaign once, after the grace, and never for older events."""
    from projects.models import Deliverable, Phase, Project
    from projects.services.deliverables import deliverable_create
    from projects.services.milestones import milestone_create

    template = survey_template_default()
    on_acceptance = automation_create(
        actor=am, project=project, template=template, trigger=CampaignTrigger.DELIVERABLE_ACCEPTED
    )
    on_close = automation_create(
        actor=am, project=project, template=template, trigger=CampaignTrigger.PROJECT_CLOSED
    )
    milestone = milestone_create(actor=pm, project=project, name="M1", due_date=date(2027, 1, 1))
    lost = deliverable_create(actor=pm, milestone=milestone, name="Runbook", criteria=[])
    recent = deliverable_create(actor=pm, milestone=milestone, name="Manual", criteria=[])
    before = deliverable_create(actor=pm, milestone=milestone, name="Old", criteria=[])
    now = timezone.now()
    # Both set up an hour ago.
    type(on_close).objects.filter(pk__in=[on_acceptance.pk, on_close.pk]).update(
        created_at=now - timedelta(hours=1)
    )
    Deliverable.objects.filter(pk=lost.pk).update(
        status=Deliverable.Status.ACCEPTED, accepted_at=now - timedelta(minutes=20)
    )
    Deliverable.objects.filter(pk=recent.pk).update(
        status=Deliverable.Status.DEEMED_ACCEPTED, accepted_at=now - timedelta(minutes=2)
    )
    # Accepted before the automation was set up: not surveyed after the fact.
    Deliverable.objects.filter(pk=before.pk).update(
        status=Deliverable.Status.ACCEPTED, accepted_at=now - timedelta(days=1)
    )
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSED)

    assert survey_campaigns_tick(now=now)["caught_up"] == 2
    started = Campaign.objects.order_by("pk")
    assert [(c.trigger, c.deliverable_id) for c in started] == [
        (CampaignTrigger.DELIVERABLE_ACCEPTED, lost.pk),
        (CampaignTrigger.PROJECT_CLOSED, None),
    ]
    # The recent one is its task's, until the grace has passed; nothing is started twice.
    assert survey_campaigns_tick(now=now)["caught_up"] == 0
    assert survey_campaigns_tick(now=now + timedelta(minutes=9))["caught_up"] == 1
    assert survey_campaigns_tick(now=now + timedelta(minutes=30))["caught_up"] == 0
    # The event's own task, late after all, finds the campaign the tick started.
    assert campaigns_on_deliverable_accepted(deliverable_id=lost.pk)[0] == started[0]
    assert Campaign.objects.count() == 3


def test_project_close_starts_its_campaign_once(am, rep, project):
    template = survey_template_default()
    automation_create(
        actor=am, project=project, template=template, trigger=CampaignTrigger.PROJECT_CLOSED
    )
    assert len(campaigns_on_project_closed(project_id=project.pk)) == 1
    assert len(campaigns_on_project_closed(project_id=project.pk)) == 1
    assert Campaign.objects.filter(trigger=CampaignTrigger.PROJECT_CLOSED).count() == 1


def test_periodic_automation_runs_once_per_due_date_and_moves_on(am, rep, project):
    template = survey_template_default()
    today = timezone.localdate()
    automation = automation_create(
        actor=am,
        project=project,
        template=template,
        trigger=CampaignTrigger.PERIODIC,
        interval_months=3,
        first_run_on=today,
    )
    assert automations_run_periodic(today=today) == 1
    assert automations_run_periodic(today=today) == 0
    automation.refresh_from_db()
    assert automation.next_run_on > today
    assert Campaign.objects.filter(automation=automation).count() == 1


def test_the_acceptance_signal_queues_the_task_after_commit(
    am, pm, rep, project, task_queue, django_capture_on_commit_callbacks
):
    from projects.signals import deliverable_accepted, send_after_commit

    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit(deliverable_accepted, deliverable_id=12345)
    assert task_queue.tasks() == [
        ("feedback.surveys.tasks.campaigns_on_deliverable_accepted_task", [12345])
    ]


def test_invitation_is_delivered_over_smtp_once(am, rep, project, smtp_server):
    send_campaign(am, project, make_template(am))
    message = _survey_mails(rep.email)[0]
    outbox_send(message_id=message.pk)
    outbox_send(message_id=message.pk)
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0]["To"] == rep.email
