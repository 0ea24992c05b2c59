"""Writes for a client's account: the account manager's interaction log (with reminders of next
steps) and opportunities.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization
from common.errors import InvalidInput, NotAllowed
from common.history import set_history_user
from common.text import clean_text
from feedback.models import (
    Interaction,
    Opportunity,
)
from feedback.permissions import (
    can_manage_account,
)
from notifications.models import NotificationKind
from notifications.services.notifications import notify

if TYPE_CHECKING:
    from accounts.models import User

# Business hours: (first response, resolution) per severity.


TEXT_MAX_LENGTH = 20_000

# --- The account: interactions and opportunities ----------------------------------------------


def _require_account(actor: User, organization: Organization) -> None:
    if not can_manage_account(actor, organization):
        raise NotAllowed()


@transaction.atomic
def interaction_record(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    occurred_on: date,
    people: str,
    notes: str = "",
    next_step: str = "",
    reminder_on: date | None = None,
) -> Interaction:
    """The AM logs a visit, call, meeting or e-mail with the client. A reminder date needs a
    next step and is not in the past; the AM is reminded on that date, once."""
    _require_account(actor, organization)
    if kind not in Interaction.Kind.values:
        raise InvalidInput(_("Choose the kind of interaction."), field="kind")
    people = clean_text(people, field="people", label=_("People"), max_length=300)
    notes = clean_text(
        notes, field="notes", label=_("The notes"), required=False, max_length=TEXT_MAX_LENGTH
    )
    next_step = clean_text(
        next_step, field="next_step", label=_("The next step"), required=False, max_length=300
    )
    if reminder_on is not None:
        if not next_step:
            raise InvalidInput(
                _("Say what the next step is, so the reminder says what to do."),
                field="next_step",
            )
        if reminder_on < timezone.localdate():
            raise InvalidInput(_("A reminder date is today or later."), field="reminder_on")
    return Interaction.objects.create(
        organization=organization,
        kind=kind,
        occurred_on=occurred_on,
        people=people,
        notes=notes,
        next_step=next_step,
        reminder_on=reminder_on,
        recorded_by=actor,
    )


def interaction_reminders_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind each AM of the next steps due today (in their time zone), once: the reminder is
    marked sent by a conditional UPDATE, so a second run — or a concurrent one — sends
    nothing. Returns how many reminders this run sent."""
    now = now or timezone.now()
    horizon = now.date() + timedelta(days=1)  # the earliest time zones are a day ahead of UTC
    candidates = list(
        Interaction.objects.filter(
            reminder_on__isnull=False, reminder_on__lte=horizon, reminded_at__isnull=True
        )
        .select_related("recorded_by", "organization")
        .order_by("reminder_on", "pk")[:limit]
    )
    sent = 0
    for interaction in candidates:
        person = interaction.recorded_by
        try:
            zone = zoneinfo.ZoneInfo(person.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        if interaction.reminder_on is None or interaction.reminder_on > now.astimezone(zone).date():
            continue
        with transaction.atomic():
            changed = Interaction.objects.filter(
                pk=interaction.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not changed or not person.is_active:
                continue
            if not can_manage_account(person, interaction.organization):
                continue
            with translation.override(person.language):
                title = _("Next step with %(client)s: %(step)s") % {
                    "client": interaction.organization.name,
                    "step": interaction.next_step,
                }
            notify(
                user=person,
                kind=NotificationKind.REMINDER,
                title=title,
                url=reverse(
                    "feedback:account", kwargs={"organization_id": interaction.organization_id}
                )
                + f"#interaction-{interaction.pk}",
                email_template="feedback/tickets/email/interaction_reminder",
                context={"interaction": interaction},
                dedupe_key=f"interaction-reminder:{interaction.pk}",
            )
            sent += 1
    return sent


def _opportunity_values(
    *,
    title: str,
    value_estimate: Decimal | None,
    currency: str,
    stage: str,
    next_step: str,
) -> dict[str, object]:
    title = clean_text(title, field="title", label=_("The title"), max_length=200)
    next_step = clean_text(
        next_step, field="next_step", label=_("The next step"), required=False, max_length=300
    )
    if value_estimate is not None and value_estimate < 0:
        raise InvalidInput(_("A value estimate is not negative."), field="value_estimate")
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(
            _("Give the currency as a three-letter code, such as EUR."), field="currency"
        )
    if stage not in Opportunity.Stage.values:
        raise InvalidInput(_("Unknown stage."), field="stage")
    return {
        "title": title,
        "value_estimate": value_estimate,
        "currency": currency,
        "stage": stage,
        "next_step": next_step,
    }


def _stamp_won(opportunity: Opportunity) -> None:
    """Won when it reaches Won (kept while it stays there); not won once it moves off."""
    if opportunity.stage != Opportunity.Stage.WON:
        opportunity.won_at = None
    elif opportunity.won_at is None:
        opportunity.won_at = timezone.now()


@transaction.atomic
def opportunity_create(
    *,
    actor: User,
    organization: Organization,
    title: str,
    value_estimate: Decimal | None = None,
    currency: str = "EUR",
    stage: str = Opportunity.Stage.LEAD,
    next_step: str = "",
    expected_close_on: date | None = None,
) -> Opportunity:
    """The AM records new business with the client."""
    _require_account(actor, organization)
    values = _opportunity_values(
        title=title,
        value_estimate=value_estimate,
        currency=currency,
        stage=stage,
        next_step=next_step,
    )
    opportunity = Opportunity(
        organization=organization, owner=actor, expected_close_on=expected_close_on, **values
    )
    _stamp_won(opportunity)
    set_history_user(opportunity, actor)
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity: Opportunity,
    title: str,
    value_estimate: Decimal | None,
    currency: str,
    stage: str,
    next_step: str,
    expected_close_on: date | None,
) -> Opportunity:
    """The AM moves an opportunity on (stage, value, next step, expected close)."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_account(actor, opportunity.organization)
    values = _opportunity_values(
        title=title,
        value_estimate=value_estimate,
        currency=currency,
        stage=stage,
        next_step=next_step,
    )
    for name, value in values.items():
        setattr(opportunity, name, value)
    opportunity.expected_close_on = expected_close_on
    _stamp_won(opportunity)
    set_history_user(opportunity, actor)
    opportunity.save()
    return opportunity
