"""Reads of discussions, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, F, IntegerField, QuerySet, Value

from accounts.models import User
from common.errors import NotFound
from discussions.models import Attachment, Entry
from discussions.permissions import can_view_discussion, can_view_internal_notes


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


_DISCUSSION_COLUMNS = (
    "d_entry",
    "d_kind",
    "d_body",
    "d_created",
    "d_edited",
    "d_person",
    "d_person_name",
    "d_file",
    "d_file_name",
    "d_file_size",
    "d_file_at",
)


@dataclass(frozen=True)
class ItemDiscussion:
    """What an item's page shows of its discussion: the item's own files (each with
    `uploaded_by`'s name) and the thread's entries (each with its `files`), oldest first."""

    files: list[Attachment]
    entries: list[Entry]


def _discussion_order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The item's files first, by upload time and pk; then the entries as their model orders
    them (created, pk), each entry's files by upload time and pk (an entry without a file has
    one row)."""
    entry_pk, created, file_pk, file_at = row[0], row[3], row[7], row[10]
    return (entry_pk is not None, created, entry_pk or 0, file_at is None, file_at, file_pk or 0)


def item_discussion_of(*, target: Any, internal: bool) -> ItemDiscussion:
    """The item's files and its thread's entries, without the internal notes unless
    `internal`, in one query: the entries joined to their files (a row per file, one for an
    entry without any, so an internal note's files go with it) and the item's own files. Read
    once per item instance: the page's attachments and its thread share it. The caller has
    checked that the reader may see the item."""
    cache: dict[bool, ItemDiscussion] = target.__dict__.setdefault("_discussion_cache", {})
    if internal in cache:
        return cache[internal]
    thread = {
        "thread__content_type": ContentType.objects.get_for_model(target),
        "thread__object_id": target.pk,
    }
    entries = Entry.objects.filter(**thread)
    if not internal:
        entries = entries.filter(kind=Entry.Kind.REPLY)
    nothing = Value(None, output_field=IntegerField())
    rows = (
        entries.order_by()
        .annotate(
            d_entry=F("pk"),
            d_kind=F("kind"),
            d_body=F("body"),
            d_created=F("created_at"),
            d_edited=F("edited_at"),
            d_person=F("author_id"),
            d_person_name=F("author__display_name"),
            d_file=F("attachments__pk"),
            d_file_name=F("attachments__original_name"),
            d_file_size=F("attachments__size"),
            d_file_at=F("attachments__uploaded_at"),
        )
        .values_list(*_DISCUSSION_COLUMNS)
        .union(
            Attachment.objects.filter(**thread, entry__isnull=True)
            .order_by()
            .annotate(
                d_entry=nothing,
                d_kind=Value(""),
                d_body=Value(""),
                d_created=F("uploaded_at"),
                d_edited=Value(None, output_field=DateTimeField()),
                d_person=F("uploaded_by_id"),
                d_person_name=F("uploaded_by__display_name"),
                d_file=F("pk"),
                d_file_name=F("original_name"),
                d_file_size=F("size"),
                d_file_at=F("uploaded_at"),
            )
            .values_list(*_DISCUSSION_COLUMNS),
            all=True,
        )
    )
    files: list[Attachment] = []
    listed: dict[int, Entry] = {}
    for entry_pk, kind, body, created, edited, person, name, file_pk, file_name, size, at in sorted(
        rows, key=_discussion_order
    ):
        people = User(pk=person, display_name=name)
        if entry_pk is None:
            attachment = Attachment(
                pk=file_pk,
                original_name=file_name,
                size=size,
                uploaded_at=at,
                uploaded_by_id=person,
            )
            attachment.uploaded_by = people
            files.append(attachment)
            continue
        entry = listed.get(entry_pk)
        if entry is None:
            entry = Entry(
                pk=entry_pk,
                kind=kind,
                body=body,
                created_at=created,
                edited_at=edited,
                author_id=person,
            )
            entry.author = people
            entry.files = []  # type: ignore[attr-defined]
            listed[entry_pk] = entry
        if file_pk is not None:
            entry.files.append(  # type: ignore[attr-defined]
                Attachment(pk=file_pk, entry_id=entry_pk, original_name=file_name, size=size)
            )
    cache[internal] = ItemDiscussion(files=files, entries=list(listed.values()))
    return cache[internal]


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
