from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.text import SHORT_TEXT_MAX_LENGTH
from projects.models.core import Phase, Project

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The PM's checklist for leaving each phase (the gate review before the next one).
GATE_CHECKLISTS: dict[str, list[str | _StrPromise]] = {
    Phase.INITIATION: [
        _("Objectives and success measures agreed with the client"),
        _("Stakeholders and their roles identified"),
        _("Budget and contract signed"),
    ],
    Phase.PLANNING: [
        _("Plan, milestones and deliverables baselined"),
        _("Risks identified with owners and responses"),
        _("Communication plan and status-report schedule agreed"),
    ],
    Phase.EXECUTION: [
        _("All deliverables submitted for acceptance"),
        _("Open issues have owners and dates"),
    ],
    Phase.MONITORING: [
        _("Deliverables accepted or deemed accepted"),
        _("Change requests closed"),
    ],
    # Leaving the closing phase is the closeout (the closeout app): a checklist computed from
    # the facts and the client admin's final acceptance, not a gate review.
}

NEXT_PHASE: dict[str, str] = {
    Phase.INITIATION: Phase.PLANNING,
    Phase.PLANNING: Phase.EXECUTION,
    Phase.EXECUTION: Phase.MONITORING,
    Phase.MONITORING: Phase.CLOSING,
    Phase.CLOSING: Phase.CLOSED,
}


class PhaseGate(models.Model):
    """A gate review: the PM's checklist for leaving a phase and, where the project requires it,
    the client admin's approval. Recorded with who and when, whatever the outcome."""

    class Status(models.TextChoices):
        AWAITING_CLIENT = "awaiting_client", _("Awaiting the client's approval")
        PASSED = "passed", _("Passed")
        REFUSED = "refused", _("Refused by the client")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="gates"
    )
    from_phase = models.CharField(
        pgettext_lazy("phase gate", "from"), max_length=16, choices=Phase.choices
    )
    to_phase = models.CharField(
        pgettext_lazy("phase gate", "to"), max_length=16, choices=Phase.choices
    )
    checklist = models.JSONField(_("checklist"), default=list)
    note = models.TextField(_("note"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
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
        verbose_name = _("phase gate")
        verbose_name_plural = _("phase gates")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="awaiting_client"),
                name="gate_single_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(comment=""),
                name="gate_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_phase} → {self.to_phase}"
