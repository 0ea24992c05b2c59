"""Who sees which scorecard (docs/architecture.md, "Scorecards").

- Everyone provider-side who is a PM or an AM on a project sees their own scorecard(s).
- Staff admins see every scorecard and the team view that ranks people side by side.
- A PM's scorecard is also open to the account managers of that PM's projects.
- Clients never see a scorecard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Exists, OuterRef

from projects.models import Membership, Role

if TYPE_CHECKING:
    from accounts.models import User

SCORED_ROLES = (Role.PM, Role.AM)


def _provider(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_provider_user
    )


def holds_role(person: User, role: str) -> bool:
    return Membership.objects.filter(user=person, role=role).exists()


def managed_by(viewer: User) -> Exists:
    """For a person read from the users' table: whether they are PM of a project where `viewer`
    is the AM (can_view_scorecard's `manages`, read with the person)."""
    managed = Membership.objects.filter(user=viewer, role=Role.AM).values("project_id")
    return Exists(
        Membership.objects.filter(user=OuterRef("pk"), role=Role.PM, project_id__in=managed)
    )


def can_view_scorecard(
    viewer: User, person: User, role: str, *, manages: bool | None = None
) -> bool:
    """`person`'s scorecard as `role` (pm or am). `manages` is whether `viewer` is the AM of a
    project `person` leads, when it was read with the person (managed_by); otherwise it is
    read here."""
    if role not in SCORED_ROLES or not _provider(viewer) or not person.is_provider_user:
        return False
    if viewer.is_staff_admin or viewer.pk == person.pk:
        return True
    if role != Role.PM:
        return False
    if manages is not None:
        return manages
    led = Membership.objects.filter(user=person, role=Role.PM).values("project_id")
    return Membership.objects.filter(user=viewer, role=Role.AM, project_id__in=led).exists()


@rules.predicate
def can_view_scorecards(user: User) -> bool:
    """The scorecards' page and menu entry: staff admins, and every PM or AM (from the roles
    the request has already read: no query of its own on a page that shows the menu)."""
    if not _provider(user):
        return False
    return bool(
        user.is_staff_admin or any(role in SCORED_ROLES for role in user.project_roles.values())
    )


@rules.predicate
def can_view_team(user: User) -> bool:
    return _provider(user) and bool(user.is_staff_admin)


rules.add_perm("scorecards.view_scorecards", can_view_scorecards)
rules.add_perm("scorecards.view_team", can_view_team)
