"""Who may do what in the stakeholders app, built from the role predicates of
projects.permissions (nothing here checks a role by hand): a requirement, which a client sees
only when it is client-visible; the register, the meetings and the decision log, whose
predicates are also the app's `rules` permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from projects.models import Visibility
from projects.permissions import (
    can_confirm_requirement,
    can_edit_plan,
    can_view_internal_items,
    can_view_project,
    is_pm,
    is_team_member,
)

if TYPE_CHECKING:
    from accounts.models import User
    from stakeholders.models import ActionItem, Requirement


def can_view_requirement(user: User, requirement: Requirement) -> bool:
    project = requirement.project
    if not can_view_project(user, project):
        return False
    return requirement.visibility == Visibility.CLIENT or bool(
        can_view_internal_items(user, project)
    )


def can_triage_requirement(user: User, requirement: Requirement) -> bool:
    """The PM edits, links and moves a requirement through the provider's steps."""
    return bool(can_edit_plan(user, requirement.project))


def can_decide_requirement(user: User, requirement: Requirement) -> bool:
    """The client's deciders (client admin, customer rep) confirm and accept what they see."""
    return bool(
        requirement.visibility == Visibility.CLIENT
        and can_confirm_requirement(user, requirement.project)
    )


# The register (with attitudes) is the team's tool: the PM edits, the provider side reads.
can_edit_register = is_pm
can_view_register = can_view_internal_items
# The communication plan, the RACI and the decision log: every member reads the client-visible
# part (selectors narrow it), the PM edits.
can_view_plan = can_view_project
# The PM and the team hold meetings and record their decisions and action items.
can_manage_meetings = is_pm | is_team_member
can_view_meetings = can_view_project
can_view_decisions = can_view_project


def can_complete_action_item(user: User, item: ActionItem) -> bool:
    """The owner ticks their own item; the PM and the team tick any item of their project."""
    project = item.meeting.project
    if not can_view_project(user, project):
        return False
    return item.owner_id == user.pk or can_manage_meetings(user, project)


STAKEHOLDER_PERMISSIONS: dict[str, rules.Predicate] = {
    "edit_register": can_edit_register,
    "view_register": can_view_register,
    "manage_meetings": can_manage_meetings,
}

for _name, _predicate in STAKEHOLDER_PERMISSIONS.items():
    rules.add_perm(f"stakeholders.{_name}", _predicate)
