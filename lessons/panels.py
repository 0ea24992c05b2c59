"""The "Lessons from other projects" panel of the staff project overview (projects.overview)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessons.selectors import lessons_relevant_to

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


def relevant_lessons_panel(*, user: User, project: Project) -> dict[str, Any] | None:
    """Provider people only: up to five lessons of the client's other projects or of projects
    sharing a tag; one query."""
    if not user.is_provider_user:
        return None
    return {"lessons": lessons_relevant_to(user=user, project=project, limit=5)}


def register() -> None:
    from projects.overview import register_overview_panel

    register_overview_panel("lessons", "lessons/_relevant_lessons.html", relevant_lessons_panel)
