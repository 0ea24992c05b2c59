"""Telling a project's PMs about an event: the active ones only, each in their own language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import translation

from notifications.services.notifications import notification_create, notify
from projects.models import Membership, Project, Role

if TYPE_CHECKING:
    from accounts.models import User


def project_pms(project: Project | int) -> list[User]:
    """The project's active PMs."""
    project_id = project.pk if isinstance(project, Project) else project
    memberships = Membership.objects.filter(
        project_id=project_id, role=Role.PM, user__is_active=True
    ).select_related("user")
    return [membership.user for membership in memberships]


def notify_pms(
    project: Project | int,
    *,
    title: Callable[[], str],
    url: str,
    body: str = "",
    kind: str = "",
    email_template: str = "",
    context: dict[str, Any] | None = None,
    dedupe_key: str = "",
    outbox_kind: str = "",
) -> list[User]:
    """Tell each active PM of the project; `title()` is called in that PM's language.

    Without a `kind` the notice is in the app only (with `body`). With one, it goes through
    notifications.notify (in the app, and by e-mail as the PM chose for `kind`) with
    `email_template`, `context` and `outbox_kind`; each PM's dedupe key is
    `<dedupe_key>:<user id>`. Returns the PMs told."""
    people = project_pms(project)
    for person in people:
        with translation.override(person.language):
            text = title()
        if kind:
            notify(
                user=person,
                kind=kind,
                title=text,
                url=url,
                email_template=email_template,
                context=context or {},
                dedupe_key=f"{dedupe_key}:{person.pk}",
                outbox_kind=outbox_kind,
            )
        else:
            notification_create(user=person, title=text, body=body, url=url)
    return people
