"""Scheduled status reports: a schedule per project, immutable report snapshots, their PDFs
(rendered once per report and language) and one delivery row per report and recipient.

Deliveries are rows of their own rather than `notifications.OutboxMessage`s: each carries the
report's PDF (shared by every recipient of that language, not copied into each message), the
"sending" claim that the sweeper recovers after a crash, the difference between a permanent
refusal (a bounce the PM must see) and a transient one, and a resend by the PM. They follow the
outbox's rules all the same: written in the transaction that creates the report, sent by Celery
after the commit, locked while claimed, retried with the outbox's back-off.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Language
from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH
from projects.models import Project
from stakeholders.models import CommunicationItem


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ReportSchedule(Revisioned):
    """When a project's status report goes out, in the client's time zone, and to whom.

    `next_run_at` (UTC) is computed by `reports.schedule.next_run_after` whenever the schedule
    changes or runs; the dispatcher reads only that column (indexed), so finding the due
    schedules costs the same whatever their number."""

    project = models.OneToOneField(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="report_schedule",
    )
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("For a monthly report; in shorter months, the last day of the month."),
    )
    hour = models.PositiveSmallIntegerField(
        _("hour"),
        default=9,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text=_("In the client's time zone."),
    )
    # The Monday of the week counted as week 0 (every two weeks: weeks 0, 2, 4 ...).
    anchor_date = models.DateField(_("first week"))
    recipient_roles = models.JSONField(_("client roles that receive it"), default=list, blank=True)
    communication_item = models.ForeignKey(
        CommunicationItem,
        verbose_name=_("communication plan line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Its recipients receive the report too."),
    )
    is_active = models.BooleanField(_("on"), default=True)
    next_run_at = models.DateTimeField(_("next report"), null=True, blank=True)
    summary = models.TextField(
        _("summary for the next report"),
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=_("Markdown. The next report takes it as written, then it starts blank again."),
    )
    summary_updated_at = models.DateTimeField(null=True, blank=True)
    summary_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["summary", "next_run_at", "summary_updated_at"])

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        indexes = [models.Index(fields=["is_active", "next_run_at"], name="report_schedule_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hour__gte=0, hour__lte=23), name="report_schedule_hour"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6),
                name="report_schedule_weekday",
            ),
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=31),
                name="report_schedule_day_of_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_cadence_display()}"


class ExtraRecipient(models.Model):
    """An address that receives the report besides the project's members (a sponsor without an
    account, a shared mailbox), with the language it is written in."""

    schedule = models.ForeignKey(
        ReportSchedule,
        verbose_name=_("schedule"),
        on_delete=models.CASCADE,
        related_name="extra_recipients",
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )

    class Meta:
        verbose_name = _("extra recipient")
        verbose_name_plural = _("extra recipients")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "email"], name="report_extra_unique")
        ]

    def __str__(self) -> str:
        return self.email


class Report(models.Model):
    """One status report: a snapshot frozen when it was created, never changed afterwards.

    The unique (project, period_end) is what makes a second dispatcher, a retried task or a
    restarted beat unable to create a second report for the same period."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", pgettext_lazy("report schedule", "Schedule")
        MANUAL = "manual", _("Sent by the project manager")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_end"], name="report_one_per_project_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="report_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period_end}"


class ReportRendition(models.Model):
    """A report in one language, rendered once and shared by every delivery in that language:
    the e-mail's subject, text and HTML, and the PDF attached to it. Kept in the database:
    written in one transaction, readable by every worker without a shared volume."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="renditions")
    language = models.CharField(max_length=8, choices=Language.choices)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField()
    pdf = models.BinaryField()
    pdf_size = models.PositiveIntegerField()
    pdf_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report rendition")
        verbose_name_plural = _("report renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language"], name="report_rendition_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.language})"


class ReportDelivery(models.Model):
    """The report's e-mail to one recipient: queued → sending → sent, or failed with the
    reason. `sending` is a claim: a worker that dies leaves it, and the sweeper queues it
    again once the claim is older than REPORTS_SENDING_STALE_SECONDS."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("reason"), blank=True)
    is_bounced = models.BooleanField(_("address refused"), default=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(max_length=255, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["email", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="report_delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["report", "email"], name="report_delivery_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="report_delivery_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.email}"

    @staticmethod
    def new_message_id() -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "rapport"
        return f"<report.{uuid.uuid4().hex}@{domain}>"
