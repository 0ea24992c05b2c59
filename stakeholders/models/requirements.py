"""Requirements: what the client needs, triaged by the PM, confirmed (signed off) by the client,
traced to the milestones and deliverables that fulfil it.

What the client signs off is a requirement's content: its title, description, priority and
acceptance notes (Requirement.SIGNED_FIELDS). Every change of them makes a new RequirementVersion,
and a Confirmation records exactly which version and content the client signed off. A version
also records whether the requirement was client-visible when it was made: a client reads only
those versions, never the wording the team drafted while the requirement was internal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Deliverable, Milestone, Project, Visibility


class Requirement(Revisioned):
    class Source(models.TextChoices):
        CLIENT = "client", _("Client")
        INTERNAL = "internal", _("Internal")

    class Priority(models.TextChoices):
        MUST = "must", _("Must have")
        SHOULD = "should", _("Should have")
        COULD = "could", _("Could have")
        WONT = "wont", _("Won't have (this time)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CLARIFIED = "clarified", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        ACCEPTED = "accepted", _("Accepted")
        DEFERRED = "deferred", _("Deferred")
        REJECTED = "rejected", pgettext_lazy("decision", "Rejected")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="requirements"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.INTERNAL
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.SHOULD
    )
    acceptance_notes = models.TextField(
        _("acceptance notes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLIENT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    status_reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    version = models.PositiveIntegerField(_("version"), default=1)
    milestones = models.ManyToManyField(
        Milestone, verbose_name=_("milestones"), blank=True, related_name="requirements"
    )
    deliverables = models.ManyToManyField(
        Deliverable, verbose_name=_("deliverables"), blank=True, related_name="requirements"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # The content the client's confirmation covers: a change of any of them makes a new version
    # and asks the client to confirm again.
    SIGNED_FIELDS = ("title", "description", "priority", "acceptance_notes")

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="requirement_unique_number_per_project"
            )
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"REQ-{self.number}"

    @property
    def is_visible_to_client(self) -> bool:
        return self.visibility == Visibility.CLIENT


class RequirementVersion(models.Model):
    """The content of a requirement as it stood at one version; never changed afterwards.
    `visibility` is the requirement's when the version was made: a client sees only the
    client-visible versions."""

    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=Requirement.Priority.choices,
        default=Requirement.Priority.SHOULD,
    )
    acceptance_notes = models.TextField(
        _("acceptance notes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("requirement version")
        verbose_name_plural = _("requirement versions")
        ordering = ["requirement_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "number"], name="requirement_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement.reference} v{self.number}"


class Confirmation(models.Model):
    """The client's sign-off of one version of a requirement, with the exact content they saw."""

    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Requirement.Priority.choices, blank=True
    )
    acceptance_notes = models.TextField(
        _("acceptance notes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        ordering = ["requirement_id", "-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.requirement.reference} v{self.version}"
