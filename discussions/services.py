"""Writes of discussions: posting an entry, resolving its mentions, telling the people involved."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotAllowed, NotFound
from discussions.models import Attachment, EmailReply, Entry, Thread
from discussions.permissions import can_post_internal_note, can_post_reply
from discussions.registry import Discussable, discussable_of
from discussions.reply_address import reply_address_for, reply_address_parse
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.models import STAFF_ROLES, Membership
from projects.permissions import can_view_internal_items, is_pm
from projects.services.documents import CheckedFile, document_check_file

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User

BODY_MAX_LENGTH = 20_000


def _may_read(user: User, entry_kind: str, discussable: Discussable, target: Any) -> bool:
    if not user.is_active or not discussable.can_view(user, target):
        return False
    if entry_kind == Entry.Kind.INTERNAL_NOTE:
        return bool(can_view_internal_items(user, discussable.get_project(target)))
    return True


def mentions_resolve(*, body: str, target: Any, kind: str) -> list[User]:
    """The project members named in `body` as @display name or @e-mail who may read an entry
    of `kind` on `target` (an internal note: provider people only). Others stay plain text."""
    discussable = discussable_of(target)
    project = discussable.get_project(target)
    if "@" not in body:
        return []
    memberships = Membership.objects.filter(project=project).select_related("user")
    if kind == Entry.Kind.INTERNAL_NOTE:
        memberships = memberships.filter(role__in=sorted(STAFF_ROLES))
    text = body.casefold()
    found: list[User] = []
    for membership in memberships:
        person = membership.user
        names = [person.email, person.display_name]
        if (
            any(
                name and re.search(r"(?<![\w@])@" + re.escape(name.casefold()) + r"(?![\w@])", text)
                for name in names
            )
            and _may_read(person, kind, discussable, target)
            and person not in found
        ):
            found.append(person)
    return found


def thread_for(*, target: Any) -> Thread:
    discussable = discussable_of(target)
    thread, _created = Thread.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        defaults={"project": discussable.get_project(target)},
    )
    return thread


MAX_FILES = 10


def _checked_files(files: Sequence[File[Any]]) -> list[CheckedFile]:
    """Every file checked before anything is stored: one refused file refuses the whole post."""
    if len(files) > MAX_FILES:
        raise InvalidInput(
            _("Attach at most %(count)d files at a time.") % {"count": MAX_FILES}, field="files"
        )
    checked = []
    for file in files:
        try:
            checked.append(document_check_file(file=file))
        except InvalidInput as error:
            raise InvalidInput(error.message, field="files") from error
    return checked


def _store(
    *, actor: User, thread: Thread, entry: Entry | None, checked: list[CheckedFile]
) -> list[Attachment]:
    stored = []
    for one in checked:
        attachment = Attachment(
            thread=thread,
            entry=entry,
            original_name=one.name,
            size=len(one.content),
            media_type=one.file_type.content_type,
            sha256=one.sha256,
            uploaded_by=actor,
        )
        attachment.file.save(one.name, ContentFile(one.content), save=True)
        stored.append(attachment)
    return stored


@transaction.atomic
def attachments_add(*, actor: User, target: Any, files: Sequence[File[Any]]) -> list[Attachment]:
    """Attach files to the item itself (whoever sees the item sees them): anyone who may reply on
    it. Every file is checked first (size, type, not a program); nothing is stored otherwise."""
    if not can_post_reply(actor, target) and not can_post_internal_note(actor, target):
        raise NotAllowed()
    if not files:
        raise InvalidInput(_("Choose a file."), field="files")
    checked = _checked_files(files)
    return _store(actor=actor, thread=thread_for(target=target), entry=None, checked=checked)


def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    """The uploader, or a PM of the project, removes an attachment (with its file)."""
    if not (attachment.uploaded_by_id == actor.pk or is_pm(actor, attachment.thread.project)):
        raise NotAllowed()
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def entry_post(
    *,
    actor: User,
    target: Any,
    body: str,
    kind: str = Entry.Kind.REPLY,
    files: Sequence[File[Any]] = (),
) -> Entry:
    """Post a reply (everyone who sees the item reads it) or an internal note (provider side
    only), with its files (read by whoever reads the entry). Raises NotAllowed unless the actor
    may post that kind, InvalidInput for an empty text or a refused file (nothing is stored
    then). Mentioned people, earlier participants and the item's owners are notified, each only
    if they may read the entry, never the author."""
    if kind == Entry.Kind.INTERNAL_NOTE:
        allowed = can_post_internal_note(actor, target)
    elif kind == Entry.Kind.REPLY:
        allowed = can_post_reply(actor, target)
    else:
        raise InvalidInput()
    if not allowed:
        raise NotAllowed()
    body = (body or "").strip()
    if not body or len(body) > BODY_MAX_LENGTH:
        raise InvalidInput()
    checked = _checked_files(files)
    thread = thread_for(target=target)
    earlier_ids = set(thread.entries.values_list("author_id", flat=True))
    entry = Entry.objects.create(thread=thread, author=actor, kind=kind, body=body)
    _store(actor=actor, thread=thread, entry=entry, checked=checked)
    mentioned = mentions_resolve(body=body, target=target, kind=kind)
    entry.mentions.set(mentioned)
    _notify_involved(entry=entry, target=target, mentioned=mentioned, earlier_ids=earlier_ids)
    return entry


def _notify_involved(
    *, entry: Entry, target: Any, mentioned: list[User], earlier_ids: set[int]
) -> None:
    from accounts.models import User as UserModel

    discussable = discussable_of(target)
    people: dict[int, User] = {person.pk: person for person in mentioned}
    for person in UserModel.objects.filter(pk__in=earlier_ids):
        people.setdefault(person.pk, person)
    for person in discussable.get_owners(target):
        people.setdefault(person.pk, person)
    people.pop(entry.author_id, None)
    mentioned_ids = {person.pk for person in mentioned}
    # A reply by e-mail is always a reply everyone reads: an internal note's e-mail gets no reply
    # address, so that answering it cannot put internal matter into the shared thread.
    answerable = entry.kind == Entry.Kind.REPLY
    for person in people.values():
        if not _may_read(person, entry.kind, discussable, target):
            continue
        with translation.override(person.language):
            if person.pk in mentioned_ids:
                title = _("%(author)s mentioned you on %(item)s")
            else:
                title = _("%(author)s wrote on %(item)s")
            title = title % {"author": entry.author.display_name, "item": str(target)}
        notify(
            user=person,
            kind=NotificationKind.DISCUSSION,
            title=title,
            url=discussable.url_for(person, target) + f"#entry-{entry.pk}",
            email_template="discussions/email/discussion_entry",
            context={"entry": entry, "item": str(target)},
            dedupe_key=f"discussion:{entry.pk}:{person.pk}",
            reply_to=(
                reply_address_for(user_id=person.pk, thread_id=entry.thread_id)
                if answerable
                else ""
            ),
        )


@transaction.atomic
def entry_post_by_email(*, recipient: str, sender: str, message_id: str, body: str) -> Entry | None:
    """Post the text of a reply e-mail sent to `recipient` (a signed reply address of
    discussions.reply_address) from `sender` (the address of its From header), as that person,
    through `entry_post`: the same rules and notifications as the page. Always a reply, never
    an internal note, whoever sends it.

    Raises NotFound for an address that is not a valid reply address or whose person (active)
    or thread is gone; NotAllowed when `sender` is not that person's e-mail address
    (case-insensitive) or the person may no longer post a reply on the item; InvalidInput for an
    empty text; ProjectClosed once the project is closed. Returns None, posting nothing, when a
    message with this `message_id` was already taken into the thread (a repeated delivery)."""
    from accounts.models import User as UserModel

    address = reply_address_parse(recipient)
    if address is None:
        raise NotFound(_("This reply address is not valid."))
    person = UserModel.objects.filter(pk=address.user_id, is_active=True).first()
    thread = Thread.objects.filter(pk=address.thread_id).first()
    target = thread.target if thread is not None else None
    if person is None or thread is None or target is None:
        raise NotFound(_("This discussion no longer exists."))
    if sender.strip().casefold() != person.email.casefold():
        raise NotAllowed(_("Send your reply from the address the notification was sent to."))
    if not can_post_reply(person, target):
        raise NotAllowed(_("You may no longer reply in this discussion."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("The reply is empty."), field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise InvalidInput(_("The reply is too long."), field="body")
    try:
        with transaction.atomic():  # a savepoint: a delivery of the same message meanwhile wins
            record = EmailReply.objects.create(
                thread=thread, message_id=message_id[:255], author=person
            )
    except IntegrityError:
        return None
    entry = entry_post(actor=person, target=target, body=body, kind=Entry.Kind.REPLY)
    record.entry = entry
    record.save(update_fields=["entry"])
    return entry
