"""Sending surveys through the outbox: invitations, reminders and the beat's tick.

A person is not sent a survey again within `RAPPORT_SURVEY_QUIET_DAYS` of the last one they
were sent, across all campaigns, nor ever after they unsubscribed; they are recorded as skipped.
Sending is idempotent: a campaign is locked while it is sent and sends once; every e-mail has a
dedupe key (invitation, reminder number), so a task that runs twice sends once. Reminders go
after `reminder_after_days` without a response, at most `reminder_max`, and stop as soon as the
person responded or unsubscribed, or the campaign closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from feedback.models import (
    Campaign,
    SurveyInvitation,
    SurveyOptOut,
)
from feedback.services.automations import automations_catch_up, automations_run_periodic
from feedback.services.campaigns import campaign_close
from feedback.tokens import invitation_token
from notifications.services.outbox import outbox_enqueue
from projects.models import CLIENT_ROLES, Membership, Project

if TYPE_CHECKING:
    from accounts.models import User


def _client_contacts(project: Project) -> list[User]:
    memberships = (
        Membership.objects.filter(project=project, role__in=CLIENT_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return [m.user for m in memberships]


def _survey_path(invitation: SurveyInvitation) -> str:
    return reverse("feedback:survey_answer", kwargs={"token": invitation_token(invitation)})


def _send_invitation_email(invitation: SurveyInvitation, *, event: str) -> None:
    campaign = invitation.campaign
    person = invitation.person
    outbox_enqueue(
        kind="survey",
        to_email=invitation.email,
        to_user=person,
        language=invitation.language,
        time_zone=person.time_zone,
        template="feedback/surveys/email/invitation",
        context={
            "person": person,
            "campaign": campaign,
            "project": campaign.project,
            "path": _survey_path(invitation),
            "is_reminder": event != "invite",
        },
        dedupe_key=f"survey:{invitation.pk}:{event}",
    )


@transaction.atomic
def campaign_send(*, campaign_id: int, now: datetime | None = None) -> int:
    """Send a due campaign: an invitation to every active client contact of the project, except
    those surveyed within the quiet period or unsubscribed (recorded as skipped). Returns how many
    were sent; a campaign already sent, not due yet, or being sent by another worker sends none."""
    now = now or timezone.now()
    campaign = (
        Campaign.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("project")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or campaign.sent_at is not None:
        return 0
    if campaign.status != Campaign.Status.SCHEDULED or campaign.opens_at > now:
        return 0
    if campaign.closes_at <= now:
        campaign.status = Campaign.Status.CLOSED
        campaign.closed_at = now
        campaign.save(update_fields=["status", "closed_at"])
        return 0
    people = _client_contacts(campaign.project)
    quiet_since = now - timedelta(days=settings.RAPPORT_SURVEY_QUIET_DAYS)
    recently = set(
        SurveyInvitation.objects.filter(person__in=people, sent_at__gte=quiet_since).values_list(
            "person_id", flat=True
        )
    )
    opted_out = set(
        SurveyOptOut.objects.filter(person__in=people).values_list("person_id", flat=True)
    )
    sent = 0
    for person in people:
        skipped = ""
        if person.pk in opted_out:
            skipped = SurveyInvitation.Skipped.UNSUBSCRIBED
        elif person.pk in recently:
            skipped = SurveyInvitation.Skipped.QUIET_PERIOD
        invitation, _created = SurveyInvitation.objects.get_or_create(
            campaign=campaign,
            person=person,
            defaults={
                "email": person.email,
                "language": person.language,
                "skipped_reason": skipped,
                "sent_at": None if skipped else now,
            },
        )
        if invitation.sent_at is not None and not skipped:
            invitation.campaign = campaign
            _send_invitation_email(invitation, event="invite")
            sent += 1
    campaign.status = Campaign.Status.OPEN
    campaign.sent_at = now
    campaign.save(update_fields=["status", "sent_at"])
    return sent


def campaign_remind(*, campaign_id: int, now: datetime | None = None) -> int:
    """Send the reminders due in an open campaign; returns how many. Each invitation is locked
    while it is reminded and each reminder has its own dedupe key, so running twice sends once."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("project").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.OPEN or campaign.closes_at <= now:
        return 0
    if campaign.reminder_max == 0:
        return 0
    due_before = now - timedelta(days=campaign.reminder_after_days)
    sent = 0
    with transaction.atomic():
        invitations = (
            SurveyInvitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person")
            .filter(
                campaign=campaign,
                sent_at__isnull=False,
                responded_at__isnull=True,
                unsubscribed_at__isnull=True,
                reminders_sent__lt=campaign.reminder_max,
            )
            .filter(
                Q(last_reminded_at__isnull=True, sent_at__lte=due_before)
                | Q(last_reminded_at__lte=due_before)
            )
            .exclude(person__survey_opt_out__isnull=False)
        )
        for invitation in invitations:
            invitation.campaign = campaign
            invitation.reminders_sent += 1
            invitation.last_reminded_at = now
            invitation.save(update_fields=["reminders_sent", "last_reminded_at"])
            _send_invitation_email(invitation, event=f"reminder-{invitation.reminders_sent}")
            sent += 1
    return sent


def survey_campaigns_tick(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: start due periodic campaigns, send campaigns whose window opened, remind,
    and close campaigns whose window ended. Each step is safe to run twice."""
    now = now or timezone.now()
    counts = {
        "started": automations_run_periodic(today=timezone.localdate(now)),
        "caught_up": automations_catch_up(now=now),
    }
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, opens_at__lte=now).values_list(
        "pk", flat=True
    )[:200]
    counts["sent"] = sum(campaign_send(campaign_id=pk, now=now) for pk in list(due))
    ending = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN, closes_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    for campaign_id in ending:
        campaign_close(actor=None, campaign=Campaign(pk=campaign_id), now=now)
    counts["closed"] = len(ending)
    open_ids = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN).values_list("pk", flat=True)[:500]
    )
    counts["reminded"] = sum(campaign_remind(campaign_id=pk, now=now) for pk in open_ids)
    return counts
