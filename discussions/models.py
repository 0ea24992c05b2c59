"""Discussion threads on any item of a project that an app registers through
discussions.registry.register_discussable (deliverables, requirements, change requests, risks,
feedback tickets). The tables keep the names they had when they belonged to the stakeholders
app."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH
from projects.storage import DocumentStorage


class Thread(models.Model):
    """The one discussion of an item; `project` copies the item's project for scoping."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="threads",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "stakeholders_thread"
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="thread_one_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"


class Entry(models.Model):
    """One contribution: a reply everyone who sees the item reads, or an internal note the
    client never sees."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        INTERNAL_NOTE = "internal_note", _("Internal note")

    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="discussion_entries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPLY)
    body = models.TextField(
        _("text"),
        help_text=_("Markdown; mention people with @name."),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned"),
        blank=True,
        related_name="discussion_mentions",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        db_table = "stakeholders_entry"
        verbose_name = _("discussion entry")
        verbose_name_plural = _("discussion entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "kind", "created_at"])]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def project(self) -> Any:
        """The item's project (search hits name it); select_related("thread__project")."""
        return self.thread.project

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL_NOTE


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """<project id>/attachments/<random uuid>: the name a person gave the file stays in the
    database only."""
    return f"{instance.thread.project_id}/attachments/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file on a discussed item: of the item itself (`entry` empty: seen by whoever sees the
    item) or of one entry (seen by whoever reads the entry, so an internal note's files stay on
    the provider side). Stored like documents: outside MEDIA_ROOT, with no URL, served only by
    the permission-checked download views."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="attachments"
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("discussion entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"), storage=DocumentStorage(), upload_to=attachment_upload_to, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    media_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        db_table = "stakeholders_attachment"
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EmailReply(models.Model):
    """A reply e-mail taken into a thread, kept by its Message-ID so that a server delivering
    the same message again (a retry after a lost answer) never posts it twice."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="+"
    )
    message_id = models.CharField(_("Message-ID"), max_length=255)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Kept when the entry is deleted: the same message delivered again stays refused.
    entry = models.OneToOneField(
        Entry,
        verbose_name=_("discussion entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_reply",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply by e-mail")
        verbose_name_plural = _("replies by e-mail")
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "message_id"], name="email_reply_once_per_thread"
            )
        ]

    def __str__(self) -> str:
        return self.message_id
