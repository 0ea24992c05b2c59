"""Reads of discussions, always scoped to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from config.errors import NotFound
from stakeholders.models import Entry
from stakeholders.permissions_discussions import can_view_discussion, can_view_internal_notes

if TYPE_CHECKING:
    from accounts.models import User


def entry_list_for(*, user: User, target: Any) -> QuerySet[Entry]:
    """The entries of the item's thread the user may read, oldest first: a client never gets
    an internal note. NotFound if the user may not see the item."""
    if not can_view_discussion(user, target):
        raise NotFound()
    entries = Entry.objects.filter(
        thread__content_type=ContentType.objects.get_for_model(target),
        thread__object_id=target.pk,
    ).select_related("author")
    if not can_view_internal_notes(user, target):
        entries = entries.filter(kind=Entry.Kind.REPLY)
    return entries.order_by("created_at", "pk")
