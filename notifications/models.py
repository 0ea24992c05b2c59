from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One outgoing e-mail, written in the same transaction as the event that causes it and sent
    by Celery (notifications.services.outbox.outbox_send). Never lost: a failure keeps the row
    with its reason; never sent twice: a sender claims the row (`claimed_at`) before it sends, and
    a send the SMTP server accepted is recorded as sent even when recording it has to be
    retried."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    to_email = models.EmailField(_("to"))
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    language = models.CharField(_("language"), max_length=8)
    # The project the e-mail is about, if any (an id: notifications sits below projects). Its PMs
    # are told when the message fails and may send it again.
    project_id = models.BigIntegerField(_("project"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # Where the recipient's answer goes (a discussion's signed reply address), or empty.
    reply_to = models.EmailField(_("reply to"), blank=True, default="", db_default="")
    # Stable across retries, so that a receiving server can drop a copy it already has.
    message_id = models.CharField(max_length=255, unique=True, editable=False)
    # Set by the cause (an invitation, a report delivery ...) so that the same event never
    # queues the same e-mail twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # Set while a sender has the message (between its claim and the record of what happened);
    # another sender leaves it alone until the claim is older than OUTBOX_CLAIM_STALE_SECONDS.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            # A project's failed e-mails (its PM's "Undelivered e-mails").
            models.Index(fields=["project_id", "status"], name="outbox_project_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"

    @staticmethod
    def new_message_id() -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "rapport"
        return f"<{uuid.uuid4().hex}@{domain}>"


class Notification(models.Model):
    """An in-app notification; the header shows the number of unread ones."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationKind(models.TextChoices):
    """The kinds of notification a person chooses a delivery for (NotificationPreference)."""

    DISCUSSION = "discussion", _("Discussions")
    DELIVERABLE = "deliverable", _("Deliverables")
    REQUIREMENT = "requirement", _("Requirements")
    CHANGE_REQUEST = "change_request", _("Change requests")
    PHASE_GATE = "phase_gate", _("Phase gates")
    REMINDER = "reminder", _("Reminders")
    MEETING = "meeting", _("Meetings")
    RISK = "risk", _("Risks")
    FEEDBACK = "feedback", _("Feedback and complaints")
    SURVEY = "survey", _("Surveys")


NOTIFICATION_KINDS: list[str] = list(NotificationKind.values)


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail at once")
    DAILY_DIGEST = "daily_digest", _("Daily digest e-mail")
    OFF = "off", _("No e-mail")


class NotificationPreference(models.Model):
    """How a person wants the e-mails of one kind; without a row, at once. In-app notifications
    always appear."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"


class DigestItem(models.Model):
    """One line of a person's next daily digest, queued instead of an immediate e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    digest = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("digest e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_items",
    )

    class Meta:
        verbose_name = _("digest item")
        verbose_name_plural = _("digest items")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "sent_at"])]

    def __str__(self) -> str:
        return self.title
