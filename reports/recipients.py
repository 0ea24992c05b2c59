"""Who receives a project's status report: the project's client members in the chosen roles,
the recipients of the chosen line of the communication plan, and extra addresses; each once (by
e-mail address, case-insensitively), each in their own language."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from projects.models import CLIENT_ROLES, Membership
from reports.models import ReportSchedule


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
    project = schedule.project
    found: dict[str, Recipient] = {}

    def add(recipient: Recipient) -> None:
        found.setdefault(recipient.email.lower(), recipient)

    roles = [role for role in schedule.recipient_roles if role in CLIENT_ROLES]
    members = (
        Membership.objects.filter(project=project, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    member_ids = set()
    for membership in members:
        user = membership.user
        member_ids.add(user.pk)
        add(Recipient(user.email, user.display_name, user.language, user.pk, "member"))
    if schedule.communication_item_id:
        default_language = project.client.language
        stakeholders = schedule.communication_item.recipients.select_related("user").filter(  # type: ignore[union-attr]
            project=project
        )
        project_member_ids = set(
            Membership.objects.filter(project=project, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        for stakeholder in stakeholders.order_by("name", "id"):
            user = stakeholder.user
            if user is not None and user.pk in project_member_ids:
                add(Recipient(user.email, user.display_name, user.language, user.pk, "plan"))
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
    for extra in schedule.extra_recipients.all():
        add(Recipient(extra.email, extra.name, extra.language, None, "extra"))
    return list(found.values())
