"""The risk register: risks scored probability x impact on the project's own scales, their
assessments over time and their mitigation actions.

A risk's `score` and `level` (and the residual ones) are stored, computed by the services from the
project's `RiskSettings` thresholds, so that lists, the heat map, the portfolio and the health
signal filter and count them in SQL. Changing the thresholds recomputes them
(`risks.services.settings.risk_settings_update`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Milestone, Project, Visibility
from risks.models.choices import Category, Level, Side, Strategy


class Risk(Revisioned):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("risk status", "Open")
        MONITORING = "monitoring", pgettext_lazy("risk status", "Monitoring")
        OCCURRED = "occurred", _("Occurred")
        CLOSED = "closed", _("Closed")

    ACTIVE = (Status.OPEN, Status.MONITORING)

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.SCHEDULE
    )
    cause = models.TextField(_("cause"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    effect = models.TextField(_("effect"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    # Inherent risk: before the response. Blank until someone assessed it (a client-raised risk
    # arrives unassessed for the PM).
    probability = models.PositiveSmallIntegerField(_("probability"), null=True, blank=True)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    # Residual risk: what remains once the response works.
    residual_probability = models.PositiveSmallIntegerField(
        _("residual probability"), null=True, blank=True
    )
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"), null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(_("residual score"), null=True, blank=True)
    residual_level = models.CharField(
        _("residual level"), max_length=10, choices=Level.choices, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_risks",
    )
    strategy = models.CharField(
        _("response strategy"), max_length=10, choices=Strategy.choices, blank=True
    )
    contingency_plan = models.TextField(
        _("contingency plan"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    trigger = models.TextField(
        _("trigger / early-warning signs"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    proximity = models.DateField(_("could happen by"), null=True, blank=True)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_reason = models.TextField(
        _("reason for closing"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    occurred_at = models.DateTimeField(_("occurred"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    # The team's own remarks (commercial exposure, who to blame): never shown to the client.
    internal_note = models.TextField(
        _("internal note (team only)"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_side = models.CharField(_("raised by side"), max_length=8, choices=Side.choices)
    assessed_at = models.DateTimeField(_("last assessed"), null=True, blank=True)
    requirements = models.ManyToManyField(
        "stakeholders.Requirement", verbose_name=_("requirements"), blank=True, related_name="+"
    )
    milestones = models.ManyToManyField(
        Milestone, verbose_name=_("milestones"), blank=True, related_name="+"
    )
    change_requests = models.ManyToManyField(
        "stakeholders.ChangeRequest",
        verbose_name=_("change requests"),
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["internal_note", "updated_at"])

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-score", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="risk_number"),
            models.CheckConstraint(
                condition=(Q(probability__isnull=True) | Q(probability__gte=1, probability__lte=5))
                & (Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=5))
                & (
                    Q(residual_probability__isnull=True)
                    | Q(residual_probability__gte=1, residual_probability__lte=5)
                )
                & (
                    Q(residual_impact__isnull=True)
                    | Q(residual_impact__gte=1, residual_impact__lte=5)
                ),
                name="risk_scales_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closed_reason=""),
                name="risk_closed_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["project", "status", "level"], name="risk_register_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"RISK-{self.number}"

    @property
    def is_client_raised(self) -> bool:
        return self.raised_side == Side.CLIENT

    @property
    def is_assessed(self) -> bool:
        return self.score is not None

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Assessment(models.Model):
    """One assessment of a risk, never changed: inherent (and residual) probability and impact,
    the score and level they gave on the thresholds of that day, and why."""

    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.CASCADE, related_name="assessments"
    )
    probability = models.PositiveSmallIntegerField(_("probability"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    score = models.PositiveSmallIntegerField(_("score"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    residual_probability = models.PositiveSmallIntegerField(
        _("residual probability"), null=True, blank=True
    )
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"), null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(_("residual score"), null=True, blank=True)
    residual_level = models.CharField(
        _("residual level"), max_length=10, choices=Level.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    previous_level = models.CharField(
        _("previous level"), max_length=10, choices=Level.choices, blank=True
    )
    # True when this assessment made the risk critical or raised it by two levels or more: the
    # PM and the AM are told (once: see Escalation).
    is_escalation = models.BooleanField(_("escalation"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"))

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["assessed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=5, impact__gte=1, impact__lte=5),
                name="assessment_scales_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk_id}: {self.probability}x{self.impact}"


class MitigationAction(models.Model):
    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mitigation action")
        verbose_name_plural = _("mitigation actions")
        ordering = ["is_done", "due_date", "id"]

    def __str__(self) -> str:
        return self.text
