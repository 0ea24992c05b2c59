"""Who may do what with a risk: the project's role predicates (projects.permissions) applied to
one risk. A client member sees a risk only when it is client-visible; the provider side sees all.

- raise: the team (internal or client-visible), the client admin and customer representative
  (always client-visible, as client-raised: `can_raise_risk`);
- manage (edit, assess, change status, add actions): the PM, and the risk's owner when they are
  on the provider side;
- tick a mitigation action done: whoever manages the risk, and the action's owner;
- settings and issues: the PM (`can_edit_plan`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.models import Visibility
from projects.permissions import (
    can_edit_plan,
    can_raise_risk,
    can_view_internal_items,
    can_view_project,
)

if TYPE_CHECKING:
    from accounts.models import User
    from risks.models import MitigationAction, Risk


def can_view_risk(user: User, risk: Risk) -> bool:
    project = risk.project
    if not can_view_project(user, project):
        return False
    return risk.visibility == Visibility.CLIENT or bool(can_view_internal_items(user, project))


def can_manage_risk(user: User, risk: Risk) -> bool:
    project = risk.project
    if can_edit_plan(user, project):
        return True
    return bool(
        risk.owner_id is not None
        and risk.owner_id == getattr(user, "pk", None)
        and can_view_internal_items(user, project)
    )


def can_complete_action(user: User, action: MitigationAction) -> bool:
    if can_manage_risk(user, action.risk):
        return True
    return bool(
        action.owner_id is not None
        and action.owner_id == getattr(user, "pk", None)
        and can_view_risk(user, action.risk)
    )


def can_manage_risk_settings(user: User, project: object) -> bool:
    return bool(can_edit_plan(user, project))


def can_raise_client_risk(user: User, project: object) -> bool:
    """The portal's "raise a risk": a client admin or customer representative."""
    return bool(can_raise_risk(user, project)) and not bool(can_view_internal_items(user, project))
