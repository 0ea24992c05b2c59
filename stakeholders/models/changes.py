"""Change requests: a change of scope, schedule or cost asked by either side, assessed by the PM
and approved by both sides (the PM for the provider, the client admin for the client). An
approved change moves the current plan (milestones' due dates, the project's end date, the
budget) and, when its assessment says so, re-baselines the plan (projects.models.baselines)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Milestone, Project, Visibility


class ChangeRequest(Revisioned):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ASSESSED = "assessed", _("Assessed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("decision", "Rejected")

    class Side(models.TextChoices):
        CLIENT = "client", _("Client")
        PROVIDER = "provider", _("Provider")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="change_requests"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_side = models.CharField(_("requested by side"), max_length=8, choices=Side.choices)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    scope_impact = models.TextField(
        _("impact on scope"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    cost_impact = models.DecimalField(
        _("impact on cost"), max_digits=14, decimal_places=2, default=0
    )
    # The part of the cost impact that is contingency (no work of its own); the rest pays for
    # added scope. Earned value keeps the two apart (projects.earned_value).
    contingency_impact = models.DecimalField(
        _("of which contingency"), max_digits=14, decimal_places=2, default=0, db_default=0
    )
    rebaseline = models.BooleanField(
        _("re-baseline the plan when approved"),
        default=False,
        db_default=False,
        help_text=_(
            "The approved plan becomes the new baseline: health and slippage compare against it."
        ),
    )
    baseline = models.ForeignKey(
        "projects.Baseline",
        verbose_name=_("baseline set by this change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The team's own cost breakdown (effort, rates, margin): never shown to the client.
    internal_note = models.TextField(
        _("internal note (team only)"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    provider_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    provider_approved_at = models.DateTimeField(
        _("approved by the provider"), null=True, blank=True
    )
    client_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    client_approved_at = models.DateTimeField(_("approved by the client"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for the rejection"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    applied_at = models.DateTimeField(_("applied to the plan"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLIENT
    )
    # The requirements this change adds, alters or replaces. A client sees only the
    # client-visible ones (the selectors prefetch them per person).
    requirements = models.ManyToManyField(
        "stakeholders.Requirement",
        verbose_name=_("linked requirements"),
        blank=True,
        related_name="change_requests",
    )

    history = HistoricalRecords(excluded_fields=["internal_note", "baseline"])

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_request_number"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="change_request_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"CR-{self.number}"


class ScheduleImpact(models.Model):
    """How many days (negative: earlier) a change request moves one milestone of its project."""

    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="schedule_impacts",
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="+"
    )
    days = models.IntegerField(_("days"))

    class Meta:
        verbose_name = _("schedule impact")
        verbose_name_plural = _("schedule impacts")
        ordering = ["milestone__due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "milestone"], name="schedule_impact_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_request_id}: {self.milestone_id} {self.days:+d}"
