from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models.core import Project, Visibility


class Milestone(Revisioned):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    baseline_due_date = models.DateField(_("baseline due date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLIENT
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "position", "id"]
        indexes = [models.Index(fields=["project", "due_date"])]
        constraints = [
            # Target of the composite key that keeps a deliverable in its milestone's project.
            models.UniqueConstraint(fields=["id", "project"], name="milestone_id_project"),
        ]

    def __str__(self) -> str:
        return self.name


class Deliverable(Revisioned):
    """Something the team hands over and the client accepts (or rejects, with reasons)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Awaiting acceptance")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted")
        DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted")

    ACCEPTED_STATES = frozenset({Status.ACCEPTED, Status.DEEMED_ACCEPTED})

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deliverables"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_deliverables",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLIENT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(
        pgettext_lazy("deliverable", "accepted"), null=True, blank=True
    )
    # An internal deliverable is never put to the client: the PM accepts it for the team after
    # a passed quality review (projects.services.deliverables.deliverable_accept_internally).
    internally_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted internally by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    internally_accepted_at = models.DateTimeField(_("accepted internally"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accepted(self) -> bool:
        return self.status in self.ACCEPTED_STATES

    @property
    def is_client_visible(self) -> bool:
        """The client sees a deliverable only if it and its milestone are client-visible."""
        return (
            self.visibility == Visibility.CLIENT and self.milestone.visibility == Visibility.CLIENT
        )


class AcceptanceCriterion(models.Model):
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    text = models.CharField(_("criterion"), max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("acceptance criterion")
        verbose_name_plural = _("acceptance criteria")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class QualityReview(models.Model):
    """The team's internal review of a deliverable against its criteria before submission."""

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="quality_reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    passed = models.BooleanField(_("passed"))
    notes = models.TextField(_("notes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.deliverable_id}: {'passed' if self.passed else 'failed'}"


class AcceptanceRound(models.Model):
    """One submission of a deliverable to the client, and the client's answer to it."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted")

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="rounds",
    )
    number = models.PositiveIntegerField(_("round"))
    quality_review = models.ForeignKey(
        QualityReview, on_delete=models.PROTECT, related_name="+", verbose_name=_("quality review")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    note = models.TextField(_("note to the client"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    deemed_acceptance_due = models.DateField(_("deemed accepted on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("acceptance round")
        verbose_name_plural = _("acceptance rounds")
        ordering = ["deliverable_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "number"], name="round_unique_number"),
            # At most one open round per deliverable.
            models.UniqueConstraint(
                fields=["deliverable"],
                condition=models.Q(decision=""),
                name="round_single_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable_id} #{self.number}"


class CriterionResult(models.Model):
    """The client's verdict on one criterion in a round; a failed one carries its reason."""

    round = models.ForeignKey(
        AcceptanceRound, on_delete=models.CASCADE, related_name="criterion_results"
    )
    criterion = models.ForeignKey(
        AcceptanceCriterion, on_delete=models.CASCADE, related_name="results"
    )
    passed = models.BooleanField(_("met"))
    reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "criterion"], name="criterion_result_once"),
            models.CheckConstraint(
                condition=models.Q(passed=True) | ~models.Q(reason=""),
                name="failed_criterion_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.passed}"
