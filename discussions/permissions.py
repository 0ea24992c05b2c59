"""Who may read and write the discussion of an item (DESIGN.md's "submit feedback" row)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from discussions.registry import discussable_of
from projects.permissions import can_submit_feedback, can_view_internal_items, is_staff_member

if TYPE_CHECKING:
    from accounts.models import User


def can_view_discussion(user: User, target: Any) -> bool:
    return discussable_of(target).can_view(user, target)


def can_view_internal_notes(user: User, target: Any) -> bool:
    entry = discussable_of(target)
    return entry.can_view(user, target) and can_view_internal_items(user, entry.get_project(target))


def can_post_reply(user: User, target: Any) -> bool:
    entry = discussable_of(target)
    return entry.can_view(user, target) and can_submit_feedback(user, entry.get_project(target))


def can_post_internal_note(user: User, target: Any) -> bool:
    entry = discussable_of(target)
    return entry.can_view(user, target) and is_staff_member(user, entry.get_project(target))


def can_post_entry(user: User, target: Any) -> bool:
    return can_post_reply(user, target) or can_post_internal_note(user, target)
