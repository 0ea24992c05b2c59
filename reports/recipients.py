"""Who receives a project's status report: the project's client members in the chosen roles,
the recipients of the chosen line of the communication plan, and extra addresses; each once (by
e-mail address, case-insensitively), each in their own language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from projects.models import CLIENT_ROLES, Membership
from reports.models import ExtraRecipient, ReportSchedule


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    user_id: int | None
    source: str  # "member", "plan" or "extra"


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def recipients_of(schedule: ReportSchedule) -> list[Recipient]:
    """The recipients, members first. Three queries whatever their number."""
    return recipients_many([schedule])[schedule.pk]


def recipients_many(schedules: Sequence[ReportSchedule]) -> dict[int, list[Recipient]]:
    """recipients_of of several schedules, by schedule id: the members and the extra addresses
    of all of them in two queries; a schedule that follows a line of the communication plan
    reads that line's stakeholders (two queries more for it)."""
    wanted_roles = {
        role for schedule in schedules for role in schedule.recipient_roles if role in CLIENT_ROLES
    }
    members: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(
            project__in=[schedule.project_id for schedule in schedules],
            role__in=wanted_roles,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email", "pk")
    ):
        members.setdefault(membership.project_id, []).append(membership)
    extras: dict[int, list[ExtraRecipient]] = {}
    for extra in ExtraRecipient.objects.filter(schedule__in=[s.pk for s in schedules]).order_by(
        "email", "pk"
    ):
        extras.setdefault(extra.schedule_id, []).append(extra)
    return {
        schedule.pk: _recipients(
            schedule, members.get(schedule.project_id, []), extras.get(schedule.pk, [])
        )
        for schedule in schedules
    }


def _recipients(
    schedule: ReportSchedule, members: list[Membership], extras: list[ExtraRecipient]
) -> list[Recipient]:
    project = schedule.project
    found: dict[str, Recipient] = {}

    def add(recipient: Recipient) -> None:
        found.setdefault(recipient.email.lower(), recipient)

    roles = {role for role in schedule.recipient_roles if role in CLIENT_ROLES}
    for membership in members:
        if membership.role not in roles:
            continue
        user = membership.user
        add(Recipient(user.email, user.display_name, user.language, user.pk, "member"))
    item = schedule.communication_item
    if item is not None:
        default_language = project.client.language
        stakeholders = item.recipients.select_related("user").filter(project=project)
        project_member_ids = set(
            Membership.objects.filter(project=project, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        for stakeholder in stakeholders.order_by("name", "id"):
            person = stakeholder.user
            if person is not None and person.pk in project_member_ids:
                add(
                    Recipient(person.email, person.display_name, person.language, person.pk, "plan")
                )
            elif _is_email(stakeholder.contact.strip()):
                add(
                    Recipient(
                        stakeholder.contact.strip(),
                        stakeholder.name,
                        default_language,
                        None,
                        "plan",
                    )
                )
    for extra in extras:
        add(Recipient(extra.email, extra.name, extra.language, None, "extra"))
    return list(found.values())
