"""Writes for projects. Each service authorises its actor through projects.permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput, NotAllowed
from projects.models import CLIENT_ROLES, STAFF_ROLES, Membership, Project, Role
from projects.permissions import can_change_membership

if TYPE_CHECKING:
    from accounts.models import User


def membership_check_side(*, user: User, project: Project, role: str) -> None:
    """A client user may only join their own organisation's projects, with a client role;
    provider people only with provider roles. The database enforces the same (Membership)."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if role in CLIENT_ROLES:
        if not user.is_client_user or user.organization_id != project.client_id:
            raise InvalidInput(
                _("Client roles are for people of %(client)s only.")
                % {"client": project.client.name},
                field="role",
            )
    elif role in STAFF_ROLES and user.is_client_user:
        raise InvalidInput(_("Provider roles are for provider people only."), field="role")


@transaction.atomic
def membership_add(*, actor: User | None, project: Project, user: User, role: str) -> Membership:
    """Add `user` to `project` with `role`. `actor` None is the system (an accepted invitation,
    which was authorised when it was sent)."""
    if actor is not None and not can_change_membership(actor, project, role):
        raise NotAllowed()
    membership_check_side(user=user, project=project, role=role)
    if Membership.objects.filter(project=project, user=user).exists():
        raise Conflict(_("%(user)s is already a member of this project.") % {"user": user})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                project=project,
                user=user,
                role=role,
                member_organization_id=user.organization_id,
                member_side=user.side,
                project_client_id=project.client_id,
            )
    except IntegrityError as error:
        raise Conflict(
            _("%(user)s is already a member of this project.") % {"user": user}
        ) from error


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    project = membership.project
    if not (
        can_change_membership(actor, project, membership.role)
        and can_change_membership(actor, project, role)
    ):
        raise NotAllowed()
    membership_check_side(user=membership.user, project=project, role=role)
    _ensure_a_pm_remains(membership=membership, new_role=role)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if not can_change_membership(actor, membership.project, membership.role):
        raise NotAllowed()
    _ensure_a_pm_remains(membership=membership, new_role=None)
    membership.delete()


def _ensure_a_pm_remains(*, membership: Membership, new_role: str | None) -> None:
    if membership.role != Role.PM or new_role == Role.PM:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(project_id=membership.project_id, role=Role.PM)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise Conflict(_("A project needs at least one project manager."))
