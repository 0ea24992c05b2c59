"""Survey automations: the rules that start campaigns by themselves (periodically, when a
deliverable is accepted, when the project closes).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput, NotAllowed
from feedback.models import (
    Campaign,
    CampaignTrigger,
    SurveyAutomation,
    SurveyTemplate,
)
from feedback.permissions import can_manage_surveys
from feedback.services.campaigns import (
    campaign_check_reminders,
    campaign_check_template,
    campaign_start,
)
from projects.models import Deliverable, Phase, Project

if TYPE_CHECKING:
    from accounts.models import User


MAX_OPEN_DAYS = 90


@transaction.atomic
def automation_create(
    *,
    actor: User,
    project: Project,
    template: SurveyTemplate,
    trigger: str,
    open_days: int = 14,
    reminder_after_days: int = 5,
    reminder_max: int = 2,
    interval_months: int | None = None,
    first_run_on: date | None = None,
) -> SurveyAutomation:
    """The PM or AM sets a project to survey its client on each deliverable's acceptance, when it
    closes, or every `interval_months` from `first_run_on`."""
    if not can_manage_surveys(actor, project):
        raise NotAllowed()
    valid = [c for c in CampaignTrigger.values if c != CampaignTrigger.MANUAL]
    if trigger not in valid:
        raise InvalidInput(_("Choose when the survey is sent."), field="trigger")
    campaign_check_template(template)
    if not 1 <= open_days <= MAX_OPEN_DAYS:
        raise InvalidInput(
            _("A survey stays open 1 to %(days)d days.") % {"days": MAX_OPEN_DAYS},
            field="open_days",
        )
    campaign_check_reminders(reminder_after_days, reminder_max)
    if trigger == CampaignTrigger.PERIODIC:
        if not interval_months or not 1 <= interval_months <= 24:
            raise InvalidInput(_("Say every how many months (1 to 24)."), field="interval_months")
        if first_run_on is None:
            raise InvalidInput(_("Say when the first survey goes out."), field="first_run_on")
        if first_run_on < timezone.localdate():
            raise InvalidInput(_("The first survey cannot be in the past."), field="first_run_on")
    else:
        interval_months, first_run_on = None, None
    if SurveyAutomation.objects.filter(project=project, trigger=trigger, is_active=True).exists():
        raise Conflict(_("The project already has this automation."), field="trigger")
    return SurveyAutomation.objects.create(
        project=project,
        template=template,
        trigger=trigger,
        open_days=open_days,
        reminder_after_days=reminder_after_days,
        reminder_max=reminder_max,
        interval_months=interval_months,
        next_run_on=first_run_on,
        created_by=actor,
    )


@transaction.atomic
def automation_stop(*, actor: User, automation: SurveyAutomation) -> SurveyAutomation:
    if not can_manage_surveys(actor, automation.project):
        raise NotAllowed()
    automation.is_active = False
    automation.save(update_fields=["is_active"])
    return automation


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)


def automations_run_periodic(*, today: date | None = None, limit: int = 200) -> int:
    """Start a campaign for every active periodic automation due today or earlier, once per
    due date (the trigger key names it), and move its next date on."""
    today = today or timezone.localdate()
    started = 0
    due = list(
        SurveyAutomation.objects.filter(
            trigger=CampaignTrigger.PERIODIC, is_active=True, next_run_on__lte=today
        )
        # A closed project is read-only: its periodic surveys stop (the final one is sent by
        # the automation on close).
        .exclude(project__phase=Phase.CLOSED)
        .values_list("pk", flat=True)[:limit]
    )
    for automation_id in due:
        with transaction.atomic():
            automation = (
                SurveyAutomation.objects.select_for_update(skip_locked=True)
                .select_related("project", "template")
                .filter(pk=automation_id, next_run_on__lte=today, is_active=True)
                .first()
            )
            if automation is None or automation.next_run_on is None:
                continue
            campaign_start(
                project=automation.project,
                automation=automation,
                trigger_key=f"auto:{automation.pk}:periodic:{automation.next_run_on.isoformat()}",
            )
            next_run = automation.next_run_on
            while next_run <= today:
                next_run = _add_months(next_run, automation.interval_months or 3)
            automation.next_run_on = next_run
            automation.save(update_fields=["next_run_on"])
            started += 1
    return started


def campaigns_on_deliverable_accepted(*, deliverable_id: int) -> list[Campaign]:
    """Called after a deliverable's acceptance is committed: each active automation of its
    project that surveys on acceptance starts a campaign (once per deliverable)."""
    deliverable = Deliverable.objects.select_related("project").filter(pk=deliverable_id).first()
    if deliverable is None:
        return []
    started = []
    for automation in SurveyAutomation.objects.filter(
        project=deliverable.project,
        trigger=CampaignTrigger.DELIVERABLE_ACCEPTED,
        is_active=True,
    ).select_related("template"):
        campaign = campaign_start(
            project=deliverable.project,
            automation=automation,
            deliverable=deliverable,
            trigger_key=f"auto:{automation.pk}:deliverable:{deliverable.pk}",
        )
        if campaign is not None:
            started.append(campaign)
    return started


# How long an event's own task has to start its campaign before the tick does it instead.
CATCH_UP_GRACE = timedelta(minutes=10)


def automations_catch_up(*, now: datetime | None = None, limit: int = 200) -> int:
    """Start the campaigns whose event's task was lost (a broker down when a deliverable was
    accepted or the project closed): every deliverable accepted after its automation was set up,
    more than CATCH_UP_GRACE ago, and every closed project, with no campaign for that automation
    and event yet. The trigger keys make a campaign the task starts after all a no-op."""
    now = now or timezone.now()
    started = 0
    on_acceptance = SurveyAutomation.objects.filter(
        trigger=CampaignTrigger.DELIVERABLE_ACCEPTED, is_active=True
    ).select_related("project", "template")
    for automation in on_acceptance[:limit]:
        keys = set(
            Campaign.objects.filter(
                automation=automation, trigger_key__startswith=f"auto:{automation.pk}:deliverable:"
            ).values_list("trigger_key", flat=True)
        )
        missed = Deliverable.objects.filter(
            project=automation.project,
            status__in=Deliverable.ACCEPTED_STATES,
            accepted_at__gte=automation.created_at,
            accepted_at__lte=now - CATCH_UP_GRACE,
        ).order_by("pk")
        for deliverable in missed:
            key = f"auto:{automation.pk}:deliverable:{deliverable.pk}"
            if key in keys:
                continue
            if campaign_start(
                project=automation.project,
                automation=automation,
                deliverable=deliverable,
                trigger_key=key,
            ):
                started += 1
    on_close = SurveyAutomation.objects.filter(
        trigger=CampaignTrigger.PROJECT_CLOSED,
        is_active=True,
        project__phase=Phase.CLOSED,
        created_at__lte=now - CATCH_UP_GRACE,
    ).select_related("project", "template")
    for automation in on_close[:limit]:
        key = f"auto:{automation.pk}:closed"
        if Campaign.objects.filter(trigger_key=key).exists():
            continue
        if campaign_start(project=automation.project, automation=automation, trigger_key=key):
            started += 1
    return started


def campaigns_on_project_closed(*, project_id: int) -> list[Campaign]:
    """Called after a project's close is committed: once per automation and project."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return []
    started = []
    for automation in SurveyAutomation.objects.filter(
        project=project, trigger=CampaignTrigger.PROJECT_CLOSED, is_active=True
    ).select_related("template"):
        campaign = campaign_start(
            project=project, automation=automation, trigger_key=f"auto:{automation.pk}:closed"
        )
        if campaign is not None:
            started.append(campaign)
    return started
