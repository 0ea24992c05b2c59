"""Early warning and escalation.

- **Escalation**: an assessment that makes a risk critical, or raises it two levels or more, is
  marked `is_escalation`; `escalate` tells the project's PMs and AMs at once (in-app and through
  the outbox, in their language) and writes the `Escalation` row in the same transaction. The
  hourly sweep (`escalations_sweep`) catches any escalating assessment without its row; the row's
  uniqueness makes a second run, or a concurrent one, tell nobody again.
- **Reminders**: once per local day, at 08:00 or later in the owner's time zone, each owner of an
  active risk whose review is due or overdue, or of an open mitigation action due or overdue,
  gets one reminder listing them (`reminders_send_due`, run hourly). `Reminder` (person, local
  day) is unique, so running twice reminds once.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.models import CLIENT_ROLES, Membership, Phase, Role, Visibility
from risks.models import Assessment, Escalation, MitigationAction, Reminder, Risk

if TYPE_CHECKING:
    from accounts.models import User

REMINDER_LOCAL_TIME = time(8, 0)
SWEEP_WINDOW = timedelta(days=7)


def _escalation_recipients(risk: Risk) -> list[User]:
    memberships = Membership.objects.filter(
        project_id=risk.project_id, role__in=[Role.PM, Role.AM], user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def escalate(assessment: Assessment) -> bool:
    """Tell the PMs and AMs of an escalating assessment, once. Returns True if told now."""
    if not assessment.is_escalation:
        return False
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin only loses this insert
            Escalation.objects.create(assessment=assessment)
    except IntegrityError:
        return False
    risk = assessment.risk
    url = reverse("risks:risk", kwargs={"project_id": risk.project_id, "risk_id": risk.pk})
    for person in _escalation_recipients(risk):
        with translation.override(person.language):
            values = {
                "ref": risk.reference,
                "title": risk.title,
                "level": assessment.get_level_display(),
                "score": assessment.score,
                "project": risk.project.name,
            }
            if assessment.level == "critical":
                title = _("%(ref)s %(title)s is now critical (score %(score)s) in %(project)s")
            else:
                title = _("%(ref)s %(title)s rose to %(level)s (score %(score)s) in %(project)s")
            title = title % values
        notify(
            user=person,
            kind=NotificationKind.RISK,
            title=title,
            url=url,
            email_template="risks/email/risk_escalated",
            context={"risk": risk, "assessment": assessment, "project": risk.project},
            dedupe_key=f"risk-escalation:{assessment.pk}:{person.pk}",
        )
    return True


def escalations_sweep(*, now: datetime | None = None) -> int:
    """Escalating assessments of the last week that nobody was told of yet; returns how many
    were escalated now. Safe to run twice: the Escalation row is unique per assessment."""
    now = now or timezone.now()
    pending = (
        Assessment.objects.filter(
            is_escalation=True, escalation__isnull=True, assessed_at__gte=now - SWEEP_WINDOW
        )
        # A closed project is read-only: its escalations are not recorded nor sent.
        .exclude(risk__project__phase=Phase.CLOSED)
        .select_related("risk__project")
        .order_by("pk")
    )
    told = 0
    for assessment in pending:
        with transaction.atomic():
            if escalate(assessment):
                told += 1
    return told


# --- Reminders ----------------------------------------------------------------------------------


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def reminder_items_for(*, user: User, local_day: date) -> tuple[list[Risk], list[MitigationAction]]:
    """What to remind `user` of on their `local_day`: active risks they own whose review is due
    (on or before the day), and their open actions of active risks due on or before the day;
    as a client member, only client-visible risks."""
    client_projects = Membership.objects.filter(user=user, role__in=CLIENT_ROLES).values(
        "project_id"
    )
    hidden = Q(project_id__in=client_projects) & ~Q(visibility=Visibility.CLIENT)
    risks = list(
        Risk.objects.filter(owner=user, status__in=Risk.ACTIVE, next_review_date__lte=local_day)
        .exclude(hidden)
        .exclude(project__phase=Phase.CLOSED)
        .select_related("project")
        .order_by("next_review_date", "pk")
    )
    actions = list(
        MitigationAction.objects.filter(
            owner=user,
            is_done=False,
            due_date__lte=local_day,
            risk__status__in=Risk.ACTIVE,
        )
        .exclude(Q(risk__project_id__in=client_projects) & ~Q(risk__visibility=Visibility.CLIENT))
        .exclude(risk__project__phase=Phase.CLOSED)
        .select_related("risk__project")
        .order_by("due_date", "pk")
    )
    return risks, actions


def reminder_candidate_ids(*, now: datetime) -> list[int]:
    """People who own something due by tomorrow anywhere on Earth (UTC date + 1)."""
    horizon = timezone.localdate(now, timezone=zoneinfo.ZoneInfo("UTC")) + timedelta(days=1)
    owners = set(
        Risk.objects.filter(
            status__in=Risk.ACTIVE, next_review_date__lte=horizon, owner__is_active=True
        )
        .exclude(project__phase=Phase.CLOSED)
        .values_list("owner_id", flat=True)
    )
    owners |= set(
        MitigationAction.objects.filter(
            is_done=False,
            due_date__lte=horizon,
            risk__status__in=Risk.ACTIVE,
            owner__is_active=True,
        )
        .exclude(risk__project__phase=Phase.CLOSED)
        .values_list("owner_id", flat=True)
    )
    return sorted(owner for owner in owners if owner is not None)


def reminder_send(*, user_id: int, now: datetime) -> Reminder | None:
    """One person's reminder for their local day, if it is 08:00 or later there, they have
    something due and were not reminded today."""
    from accounts.models import User as UserModel

    user = UserModel.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    local = now.astimezone(_zone(user))
    if local.time() < REMINDER_LOCAL_TIME:
        return None
    local_day = local.date()
    if Reminder.objects.filter(user=user, local_date=local_day).exists():
        return None
    risks, actions = reminder_items_for(user=user, local_day=local_day)
    if not risks and not actions:
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    user=user,
                    local_date=local_day,
                    risk_count=len(risks),
                    action_count=len(actions),
                )
        except IntegrityError:
            return None
        side = "portal" if user.is_client_user else "staff"
        with translation.override(user.language):
            title = _("Risk reminders: %(reviews)s and %(actions)s") % {
                "reviews": ngettext("%(count)d review due", "%(count)d reviews due", len(risks))
                % {"count": len(risks)},
                "actions": ngettext(
                    "%(count)d mitigation action due",
                    "%(count)d mitigation actions due",
                    len(actions),
                )
                % {"count": len(actions)},
            }
        notify(
            user=user,
            kind=NotificationKind.RISK,
            title=title,
            url=_first_url(risks, actions, side),
            email_template="risks/email/risk_reminder",
            context={
                "risks": risks,
                "actions": actions,
                "day": local_day,
                "side": side,
                "urls": {risk.pk: _risk_url(risk, side) for risk in risks}
                | {action.risk.pk: _risk_url(action.risk, side) for action in actions},
            },
            dedupe_key=f"risk-reminder:{user.pk}:{local_day.isoformat()}",
        )
    return reminder


def _risk_url(risk: Risk, side: str) -> str:
    name = "risks:portal_risk" if side == "portal" else "risks:risk"
    return reverse(name, kwargs={"project_id": risk.project_id, "risk_id": risk.pk})


def _first_url(risks: list[Risk], actions: list[MitigationAction], side: str) -> str:
    first = risks[0] if risks else actions[0].risk
    return _risk_url(first, side)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Every owner whose reminder is due now; returns how many were reminded."""
    now = now or timezone.now()
    return sum(
        1 for user_id in reminder_candidate_ids(now=now) if reminder_send(user_id=user_id, now=now)
    )
