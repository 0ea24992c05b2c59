"""Who may do what with surveys: the project's role predicates (projects.permissions) applied to
campaigns, responses and follow-ups. Satisfaction belongs to the project's PM and AM (DESIGN.md:
"satisfaction dashboards, complaint handling"); staff admins read everything; the client
answers through the tokenised link and sees only their own answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.permissions import is_staff_admin
from projects.models import Role
from projects.permissions import (
    can_view_satisfaction,
)

if TYPE_CHECKING:
    from accounts.models import User
    from feedback.models import DetractorFollowUp
    from projects.models import Project


def can_manage_surveys(user: User, project: Project) -> bool:
    """Send campaigns and set automations for the project: its PM and AM."""
    return bool(can_view_satisfaction(user, project))


def can_read_survey_results(user: User, project: Project) -> bool:
    """Read the project's campaigns, invitations and responses: its PM and AM, staff admins."""
    return bool(can_view_satisfaction(user, project) or is_staff_admin(user))


def can_close_follow_up(user: User, follow_up: DetractorFollowUp) -> bool:
    """The project's AM (the owner by default) or PM closes a detractor follow-up."""
    return bool(can_view_satisfaction(user, follow_up.project))


@rules.predicate
def manages_surveys_somewhere(user: User) -> bool:
    """PMs and AMs of any project and staff admins keep the survey templates."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff_admin or bool({Role.PM, Role.AM} & set(user.project_roles.values()))


rules.add_perm("feedback.manage_survey_templates", manages_surveys_somewhere)
rules.add_perm("feedback.manage_surveys", rules.predicate(can_manage_surveys))
rules.add_perm("feedback.read_survey_results", rules.predicate(can_read_survey_results))
