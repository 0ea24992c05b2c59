"""Feedback tickets (complaints with an SLA, suggestions, questions, praise) and the account
manager's account records (interactions with reminders, opportunities).

See feedback/services/tickets.py for the workflow and docs/architecture.md for the rules."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Project, Visibility
from projects.storage import DocumentStorage

__all__ = [
    "FeedbackTicket",
    "SlaTarget",
    "TicketAttachment",
    "TicketKind",
    "TicketSeverity",
    "TicketStatus",
]


class TicketKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    QUESTION = "question", _("Question")
    PRAISE = "praise", _("Praise")


class TicketSeverity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    HIGH = "high", pgettext_lazy("severity", "High")
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket", "New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Resolution confirmed")
    REOPENED = "reopened", _("Reopened")


OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.ACKNOWLEDGED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.REOPENED,
)


class SlaTarget(models.Model):
    """The SLA of complaints of one severity, in business hours (feedback.sla). Without
    a row the defaults of feedback.services.sla.DEFAULT_SLA_TARGETS apply."""

    severity = models.CharField(
        _("severity"), max_length=10, choices=TicketSeverity.choices, unique=True
    )
    first_response_hours = models.PositiveIntegerField(_("first response within (business hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution within (business hours)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_hours__gt=0)
                & models.Q(resolution_hours__gte=models.F("first_response_hours")),
                name="sla_target_sensible",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_severity_display()}: "
            f"{self.first_response_hours} h / {self.resolution_hours} h"
        )


class FeedbackTicket(Revisioned):
    """One piece of feedback about a project, numbered FB-n per project."""

    class Side(models.TextChoices):
        CLIENT = "client", _("Client")
        PROVIDER = "provider", _("Provider")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="feedback_tickets",
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=TicketKind.choices)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=TicketSeverity.choices,
        default=TicketSeverity.MEDIUM,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=14, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLIENT
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_side = models.CharField(_("raised by side"), max_length=8, choices=Side.choices)
    raised_at = models.DateTimeField(_("raised"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_feedback_tickets",
    )
    # SLA clocks: set for complaints only (business hours of the provider, feedback.sla).
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    first_responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    confirmed_at = models.DateTimeField(_("resolution confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0)
    # Breach flags: set once by the escalation task (feedback.services.sla), never cleared,
    # so that a breach is escalated exactly once and stays on the record.
    first_response_breached_at = models.DateTimeField(
        _("first response target breached"), null=True, blank=True
    )
    resolution_breached_at = models.DateTimeField(
        _("resolution target breached"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback ticket")
        verbose_name_plural = _("feedback tickets")
        ordering = ["-raised_at", "-number"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["kind", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="feedback_ticket_number"),
            models.CheckConstraint(
                condition=models.Q(kind="complaint")
                | models.Q(first_response_due_at__isnull=True, resolution_due_at__isnull=True),
                name="feedback_ticket_sla_for_complaints",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="feedback_ticket_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["resolved", "confirmed"])
                | models.Q(resolved_at__isnull=False),
                name="feedback_ticket_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"FB-{self.number}"

    @property
    def is_complaint(self) -> bool:
        return self.kind == TicketKind.COMPLAINT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def ticket_attachment_upload_to(instance: TicketAttachment, filename: str) -> str:
    """feedback/<project id>/<random uuid>: the name a person gave is kept in the database."""
    return f"feedback/{instance.ticket.project_id}/{uuid.uuid4().hex}"


class TicketAttachment(models.Model):
    """A file attached to a ticket, stored like project documents (never served directly)."""

    ticket = models.ForeignKey(
        FeedbackTicket,
        verbose_name=_("feedback ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"),
        storage=DocumentStorage(),
        upload_to=ticket_attachment_upload_to,
        max_length=200,
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
