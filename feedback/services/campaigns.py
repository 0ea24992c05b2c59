"""Writes for survey campaigns: create one (sent now or scheduled), start it, close it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.tasks import enqueue_after_commit
from common.text import clean_text
from feedback.models import (
    Campaign,
    CampaignTrigger,
    SurveyAutomation,
    SurveyTemplate,
)
from feedback.permissions import can_manage_surveys
from projects.models import Deliverable, Project

if TYPE_CHECKING:
    from accounts.models import User


NAME_MAX = 200
MAX_OPEN_DAYS = 90
MAX_REMINDERS = 5

# --- Campaigns ----------------------------------------------------------------------------------


def campaign_check_template(template: SurveyTemplate) -> None:
    if template.is_archived:
        raise InvalidInput(_("This template is archived."), field="template")
    if not template.questions.exists():
        raise InvalidInput(_("This template has no questions yet."), field="template")


def campaign_check_reminders(reminder_after_days: int, reminder_max: int) -> None:
    if not 1 <= reminder_after_days <= MAX_OPEN_DAYS:
        raise InvalidInput(
            _("Remind after 1 to %(max)d days.") % {"max": MAX_OPEN_DAYS},
            field="reminder_after_days",
        )
    if not 0 <= reminder_max <= MAX_REMINDERS:
        raise InvalidInput(
            _("Send at most %(max)d reminders.") % {"max": MAX_REMINDERS}, field="reminder_max"
        )


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    project: Project,
    template: SurveyTemplate,
    name: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    reminder_after_days: int = 5,
    reminder_max: int = 2,
) -> Campaign:
    """The PM or AM sends a survey to the project's client contacts by hand: at once (no
    `opens_at`, or one in the past) or when its window opens. Celery sends it after commit."""
    if not can_manage_surveys(actor, project):
        raise NotAllowed()
    name = clean_text(name, field="name", label=_("The name"), max_length=NAME_MAX)
    campaign_check_template(template)
    now = timezone.now()
    opens_at = max(opens_at or now, now)
    if closes_at <= opens_at:
        raise InvalidInput(_("The survey must close after it opens."), field="closes_at")
    if closes_at - opens_at > timedelta(days=MAX_OPEN_DAYS):
        raise InvalidInput(
            _("A survey stays open at most %(days)d days.") % {"days": MAX_OPEN_DAYS},
            field="closes_at",
        )
    campaign_check_reminders(reminder_after_days, reminder_max)
    if project.is_archived:
        raise InvalidTransition(_("An archived project is not surveyed."))
    campaign = Campaign.objects.create(
        project=project,
        template=template,
        name=name,
        trigger=CampaignTrigger.MANUAL,
        opens_at=opens_at,
        closes_at=closes_at,
        reminder_after_days=reminder_after_days,
        reminder_max=reminder_max,
        created_by=actor,
    )
    campaign_queue_send(campaign)
    return campaign


def campaign_queue_send(campaign: Campaign) -> None:
    if campaign.opens_at <= timezone.now():
        from feedback.tasks import campaign_send_task

        # With the broker down the caller still succeeds: the survey tick sends it.
        enqueue_after_commit(campaign_send_task, campaign.pk)


@transaction.atomic
def campaign_start(
    *,
    project: Project,
    automation: SurveyAutomation,
    trigger_key: str,
    deliverable: Deliverable | None = None,
    now: datetime | None = None,
) -> Campaign | None:
    """An automation starts a campaign (the system acts). The trigger key makes a second start
    for the same event return the first campaign; an inactive automation, an archived template
    or project starts nothing."""
    existing = Campaign.objects.filter(trigger_key=trigger_key).first()
    if existing is not None:
        return existing
    if not automation.is_active or automation.template.is_archived or project.is_archived:
        return None
    now = now or timezone.now()
    if automation.trigger == CampaignTrigger.DELIVERABLE_ACCEPTED and deliverable is not None:
        name = _("Feedback on %(deliverable)s") % {"deliverable": deliverable.name}
    elif automation.trigger == CampaignTrigger.PROJECT_CLOSED:
        name = _("Feedback on the project %(project)s") % {"project": project.name}
    else:
        name = _("%(project)s: satisfaction survey %(month)s") % {
            "project": project.name,
            "month": now.strftime("%Y-%m"),
        }
    with transaction.atomic():
        campaign, created = Campaign.objects.get_or_create(
            trigger_key=trigger_key,
            defaults={
                "project": project,
                "template": automation.template,
                "automation": automation,
                "deliverable": deliverable,
                "name": name[:NAME_MAX],
                "trigger": automation.trigger,
                "opens_at": now,
                "closes_at": now + timedelta(days=automation.open_days),
                "reminder_after_days": automation.reminder_after_days,
                "reminder_max": automation.reminder_max,
            },
        )
    if created:
        campaign_queue_send(campaign)
    return campaign


@transaction.atomic
def campaign_close(
    *, actor: User | None, campaign: Campaign, now: datetime | None = None
) -> Campaign:
    """Close a campaign (the PM or AM early, or the system when the window ends): answers can no
    longer be given or changed, and no reminder goes out. Closing again changes nothing."""
    campaign = Campaign.objects.select_for_update().select_related("project").get(pk=campaign.pk)
    if actor is not None and not can_manage_surveys(actor, campaign.project):
        raise NotAllowed()
    if campaign.status == Campaign.Status.CLOSED:
        return campaign
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    return campaign
