"""Who may read and write lessons learned (docs/architecture.md, "Lessons learned").

- The project's provider members (PM, AM, team member) and staff admins add lessons and read
  all of the project's lessons, internal ones included.
- The client admin and the customer representative add lessons (always client-visible) and,
  with the client viewer, read the project's client-visible lessons only.
- The author and the project's PM edit and delete a lesson.
- The library (every project's lessons) is the provider's knowledge base: every active
  provider person reads it; clients never do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.permissions import is_staff_admin
from projects.models import Role, Visibility
from projects.permissions import can_view_internal_items, can_view_project, has_role, is_pm

if TYPE_CHECKING:
    from accounts.models import User
    from lessons.models import Lesson
    from projects.models import Project

can_add_provider_lesson = has_role(Role.PM, Role.AM, Role.TEAM_MEMBER) | is_staff_admin
can_add_client_lesson = has_role(Role.CLIENT_ADMIN, Role.CUSTOMER_REP)
can_add_lesson = can_add_provider_lesson | can_add_client_lesson
can_view_project_lessons = can_view_project
can_view_internal_lessons = can_view_internal_items


def can_view_lesson(user: User, lesson: Lesson) -> bool:
    project = lesson.project
    if not can_view_project_lessons(user, project):
        return False
    return lesson.visibility == Visibility.CLIENT or bool(can_view_internal_lessons(user, project))


def can_change_lesson(user: User, lesson: Lesson) -> bool:
    """The author (while still in the project) and the project's PM edit and delete it."""
    if not can_view_lesson(user, lesson):
        return False
    if is_pm(user, lesson.project):
        return True
    return lesson.author_id == user.pk and bool(can_add_lesson(user, lesson.project))


@rules.predicate
def can_view_library(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active) and bool(
        user.is_provider_user
    )


def may_choose_visibility(user: User, project: Project) -> bool:
    """A provider lesson is internal unless its author shares it; a client's is always shared."""
    return bool(can_add_provider_lesson(user, project))


rules.add_perm("lessons.add_lesson", can_add_lesson)
rules.add_perm("lessons.view_lessons", can_view_project_lessons)
rules.add_perm("lessons.view_library", can_view_library)
