"""Who may register and look after webhooks.

Staff admins look after every endpoint, those of an organisation as a whole included. A
project's PM looks after the endpoints of that project (the provider's, or its client's, made
for the client by the team). Client people do not see endpoints: their organisation's are set up
by the provider, who hands over the secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import is_provider_user, is_staff_admin
from projects.permissions import can_create_project, is_pm

if TYPE_CHECKING:
    from accounts.models import User
    from integrations.models import WebhookEndpoint
    from projects.models import Project


def can_use_webhooks(user: User) -> bool:
    """May open the webhooks page: anyone of the provider (it lists the endpoints they look
    after, and registers only for what they may)."""
    return bool(is_provider_user(user))


def can_register_webhook(user: User, project: Project | None) -> bool:
    """An endpoint for `project` (or, without one, for a whole organisation)."""
    if is_staff_admin(user):
        return True
    return project is not None and bool(is_pm(user, project))


def can_manage_webhook(user: User, endpoint: WebhookEndpoint) -> bool:
    return can_register_webhook(user, endpoint.project)


def can_export_archive(user: User, project: Project) -> bool:
    """Download the project's archive: its PM or a staff admin (it holds internal items, so
    client people never do)."""
    return bool(is_staff_admin(user)) or bool(is_pm(user, project))


def can_import_archive(user: User) -> bool:
    """Start a new project from an archive: whoever may start a project (and becomes its PM)."""
    return bool(can_create_project(user))
