"""Reads of discussions, always scoped to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from common.errors import NotFound
from discussions.models import Attachment, Entry
from discussions.permissions import can_view_discussion, can_view_internal_notes

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
    return entries.prefetch_related("attachments").order_by("created_at", "pk")


def thread_entries_for(*, target: Any, internal: bool) -> list[Entry]:
    """The entries of the item's thread, oldest first, without the internal notes unless
    `internal`; each carries its files as `files`, oldest first. Two queries whether or not the
    thread has entries (a prefetch would skip the second for none); the files are read for the
    thread and kept only on the entries listed, so an internal note's files go with it. The
    caller has checked that the reader may see the item."""
    thread = Q(
        thread__content_type=ContentType.objects.get_for_model(target),
        thread__object_id=target.pk,
    )
    entries = Entry.objects.filter(thread).select_related("author")
    if not internal:
        entries = entries.filter(kind=Entry.Kind.REPLY)
    listed = list(entries.order_by("created_at", "pk"))
    files: dict[int, list[Attachment]] = {entry.pk: [] for entry in listed}
    for attachment in Attachment.objects.filter(thread, entry__isnull=False).order_by(
        "uploaded_at", "pk"
    ):
        if attachment.entry_id in files:
            files[attachment.entry_id].append(attachment)
    for entry in listed:
        entry.files = files[entry.pk]  # type: ignore[attr-defined]
    return listed


def item_attachments_for(*, user: User, target: Any) -> QuerySet[Attachment]:
    """The files of the item itself (not of an entry), oldest first; NotFound if the user may
    not see the item."""
    if not can_view_discussion(user, target):
        raise NotFound()
    return item_attachments_of(target)


def item_attachments_of(target: Any) -> QuerySet[Attachment]:
    """The files of the item itself (not of an entry), oldest first; the caller has checked
    that the reader may see the item."""
    return Attachment.objects.filter(
        thread__content_type=ContentType.objects.get_for_model(target),
        thread__object_id=target.pk,
        entry__isnull=True,
    ).select_related("uploaded_by")


def attachment_get_for(*, user: User, attachment_id: int) -> Attachment:
    """One attachment if the user may see it: the item's files for whoever sees the item, an
    entry's files for whoever reads the entry. NotFound alike for a missing and a hidden one."""
    attachment = (
        Attachment.objects.select_related("thread", "entry").filter(pk=attachment_id).first()
    )
    target = attachment.thread.target if attachment is not None else None
    if attachment is None or target is None or not can_view_discussion(user, target):
        raise NotFound()
    entry = attachment.entry
    if (
        entry is not None
        and entry.kind == Entry.Kind.INTERNAL_NOTE
        and not can_view_internal_notes(user, target)
    ):
        raise NotFound()
    return attachment
