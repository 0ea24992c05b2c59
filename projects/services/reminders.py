"""Reminders to the client of deliverables about to count as accepted by silence."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.calendars import calendar_for_organization
from notifications.models import DigestItem, NotificationKind, OutboxMessage
from notifications.services.notifications import notify
from projects.calendar import business_days_between
from projects.models import AcceptanceRound, Deliverable, Membership, Phase, Role, Visibility
from projects.services.deliverables import client_today

# Remind when the deemed-acceptance day is at most this many business days away.
REMINDER_BUSINESS_DAYS = 2


def deemed_acceptance_reminder_candidates(*, now_date: date | None = None) -> list[int]:
    """Open rounds whose deemed-acceptance day may fall in some client's reminder window: a
    generous calendar range around today in UTC (weekends, time zones); each round is then
    checked in its own client's calendar."""
    today = now_date or timezone.now().date()
    return list(
        AcceptanceRound.objects.filter(
            decision="",
            deemed_acceptance_due__gte=today - timedelta(days=1),
            deemed_acceptance_due__lte=today + timedelta(days=REMINDER_BUSINESS_DAYS + 4),
            deliverable__status=Deliverable.Status.SUBMITTED,
            deliverable__visibility=Visibility.CLIENT,
            deliverable__milestone__visibility=Visibility.CLIENT,
        )
        .exclude(deliverable__project__phase=Phase.CLOSED)
        .order_by("deemed_acceptance_due", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def deemed_acceptance_remind(*, round_id: int, today: date | None = None) -> int:
    """E-mail (and notify in the app) the client admins and customer representatives of the
    project that this deliverable counts as accepted on its deemed-acceptance day, if that day
    is today or within the next two business days in the client's time zone.

    Safe to run twice, also concurrently: the round is locked, and each message has a dedupe
    key per round, person and reminder day, so each person gets at most one reminder a day.
    Never for internal deliverables (or deliverables of internal milestones). Returns how many
    reminders were newly queued.
    """
    acceptance_round = (
        AcceptanceRound.objects.select_for_update(of=("self",))
        .select_related("deliverable__project__client", "deliverable__milestone")
        .filter(pk=round_id, decision="")
        .first()
    )
    if acceptance_round is None or acceptance_round.deemed_acceptance_due is None:
        return 0
    deliverable = acceptance_round.deliverable
    if (
        deliverable.status != Deliverable.Status.SUBMITTED
        or deliverable.visibility != Visibility.CLIENT
        or deliverable.milestone.visibility != Visibility.CLIENT
    ):
        return 0
    project = deliverable.project
    today = today or client_today(project)
    due = acceptance_round.deemed_acceptance_due
    calendar = calendar_for_organization(project.client, around=today)
    business_days_left = business_days_between(today, due, calendar)
    if due < today or business_days_left > REMINDER_BUSINESS_DAYS:
        return 0
    url = reverse(
        "portal:deliverable", kwargs={"project_id": project.pk, "deliverable_id": deliverable.pk}
    )
    deciders = Membership.objects.filter(
        project=project, role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP], user__is_active=True
    ).select_related("user")
    keys = {
        membership.user_id: (
            f"deemed-acceptance-reminder:{acceptance_round.pk}:{membership.user_id}:"
            f"{today.isoformat()}"
        )
        for membership in deciders
    }
    # Told today already: at once (the outbox) or in the person's digest.
    already_sent = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    ) | set(
        DigestItem.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True)
    )
    queued = 0
    for membership in deciders:
        person = membership.user
        key = keys[person.pk]
        if key in already_sent:
            continue
        with translation.override(person.language):
            title = _("%(deliverable)s counts as accepted on %(date)s unless you answer") % {
                "deliverable": deliverable.name,
                "date": date_format(due, "DATE_FORMAT"),
            }
        notify(
            user=person,
            kind=NotificationKind.REMINDER,
            outbox_kind="deemed_acceptance_reminder",
            required=True,
            title=title,
            url=url,
            email_template="projects/email/deemed_acceptance_reminder",
            context={
                "person": person,
                "deliverable": deliverable,
                "project": project,
                "round": acceptance_round,
                "business_days_left": business_days_left,
                "path": url,
            },
            dedupe_key=key,
        )
        queued += 1
    return queued
