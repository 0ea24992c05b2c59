"""Reads of discussions, always scoped to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet

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
    `internal`; each carries its files as `files` (pk, original_name, size, oldest first). One
    query: the entries joined to their files, a row per file (one for an entry without any),
    so an internal note's files go with it. The caller has checked that the reader may see the
    item."""
    entries = Entry.objects.filter(
        thread__content_type=ContentType.objects.get_for_model(target),
        thread__object_id=target.pk,
    ).select_related("author")
    if not internal:
        entries = entries.filter(kind=Entry.Kind.REPLY)
    rows = entries.annotate(
        file_pk=F("attachments__pk"),
        file_name=F("attachments__original_name"),
        file_size=F("attachments__size"),
    ).order_by("created_at", "pk", "attachments__uploaded_at", "attachments__pk")
    listed: list[Entry] = []
    files: dict[int, list[Attachment]] = {}
    row: Any
    for row in rows:
        if row.pk not in files:
            listed.append(row)
            files[row.pk] = []
        if row.file_pk is not None:
            files[row.pk].append(
                Attachment(
                    pk=row.file_pk,
                    entry_id=row.pk,
                    original_name=row.file_name,
                    size=row.file_size,
                )
            )
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
