"""Who may do what with a requirement: the project's role predicates (projects.permissions)
applied to one requirement, which a client sees only when it is client-visible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.models import Visibility
from projects.permissions import (
    can_confirm_requirement,
    can_edit_plan,
    can_view_internal_items,
    can_view_project,
)

if TYPE_CHECKING:
    from accounts.models import User
    from stakeholders.models import Requirement


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
