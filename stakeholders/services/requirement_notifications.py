"""Notifications of the requirements workflow: the client's deciders when a requirement awaits
their confirmation, the PMs when the client submitted, confirmed or accepted one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Field
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.models import Membership, Role
from projects.services.notify import notify_pms
from stakeholders.models import Requirement

if TYPE_CHECKING:
    from accounts.models import User


_PM_TITLES = {
    "submitted": gettext_lazy("%(person)s submitted %(reference)s"),
    "confirmed": gettext_lazy("%(person)s confirmed %(reference)s"),
    "accepted": gettext_lazy("%(person)s accepted %(reference)s"),
}


def _field_label(name: str) -> str:
    """The verbose name of a field of Requirement, in the active language."""
    field = Requirement._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


def tell_deciders(
    requirement: Requirement,
    *,
    changed: Sequence[str] = (),
    signed_version: int | None = None,
) -> None:
    """The client admins and customer reps: a requirement awaits their confirmation. After an
    edit, `changed` names the fields that changed and `signed_version` the version they had
    confirmed (if they had), which their confirmation no longer covers."""
    deciders = Membership.objects.filter(
        project_id=requirement.project_id,
        role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP],
        user__is_active=True,
    ).select_related("user")
    url = reverse(
        "portal:requirement",
        kwargs={"project_id": requirement.project_id, "requirement_id": requirement.pk},
    )
    for membership in deciders:
        person = membership.user
        with translation.override(person.language):
            title = _("%(reference)s awaits your confirmation") % {
                "reference": requirement.reference
            }
            changed_labels = ", ".join(_field_label(name) for name in changed)
        notify(
            user=person,
            kind=NotificationKind.REQUIREMENT,
            outbox_kind="requirement_clarified",
            title=title,
            url=url,
            email_template="stakeholders/email/requirement_clarified",
            context={
                "person": person,
                "requirement": requirement,
                "project": requirement.project,
                "path": url,
                "changed": changed_labels,
                "signed_version": signed_version,
            },
            dedupe_key=f"requirement-clarified:{requirement.pk}:{requirement.version}:{person.pk}",
        )


def tell_pm(requirement: Requirement, *, event: str, by: User) -> None:
    """The project's PMs: the client submitted, confirmed or accepted a requirement."""
    url = reverse(
        "stakeholders:requirement",
        kwargs={"project_id": requirement.project_id, "requirement_id": requirement.pk},
    )
    message = _PM_TITLES[event]
    values = {"person": by.display_name, "reference": requirement.reference}
    notify_pms(
        requirement.project_id,
        title=lambda: str(message) % values,
        url=url,
        kind=NotificationKind.REQUIREMENT,
        outbox_kind=f"requirement_{event}",
        email_template=f"stakeholders/email/requirement_{event}",
        context={
            "by": by,
            "requirement": requirement,
            "project": requirement.project,
            "path": url,
        },
        dedupe_key=f"requirement-{event}:{requirement.pk}:{requirement.version}",
    )
