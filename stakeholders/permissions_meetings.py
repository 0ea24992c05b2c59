"""Who may do what with the register, the meetings and the decision log. Built from the role
predicates of projects.permissions; nothing here checks a role by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from projects.permissions import (
    can_view_internal_items,
    can_view_project,
    is_pm,
    is_team_member,
)

if TYPE_CHECKING:
    from accounts.models import User
    from stakeholders.models import ActionItem

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
