"""Closeout: the PM's waivers of open points, the request for final acceptance and the client
admin's answer (the signed-off record), and reopenings by a staff admin.

The checklist itself is never stored as ticks: closeout.checklist computes it from the facts each
time; a request and its answer keep a copy of it as it stood (`checklist`, `accepted_checklist`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import SHORT_TEXT_MAX_LENGTH
from projects.models import Phase, Project


class Point(models.TextChoices):
    """The points of the closeout checklist, in the order they are shown."""

    DELIVERABLES = "deliverables", _("Every deliverable accepted")
    REQUIREMENTS = "requirements", _("Requirements delivered, accepted, deferred or rejected")
    CHANGE_REQUESTS = "change_requests", _("Change requests decided")
    RISKS = "risks", _("Risks closed or transferred")
    COMPLAINTS = "complaints", _("Complaints resolved and confirmed by the client")
    ACTION_ITEMS = "action_items", _("Action items done")
    FINAL_REPORT = "final_report", _("Final status report sent")
    FINAL_SURVEY = "final_survey", _("Final satisfaction survey sent (or set to go on close)")
    DOCUMENTS = "documents", _("Documents archived (every document has its file)")
    TIME = "time", _("Time entries approved")


class Waiver(models.Model):
    """The PM lets one open item (`object_id`) or a whole point (`object_id` 0) count as done,
    with a reason. The reason is internal: the client sees only that a point was waived, with
    `client_note` if the PM wrote one for them."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="waivers"
    )
    point = models.CharField(_("point"), max_length=20, choices=Point.choices)
    object_id = models.PositiveBigIntegerField(_("item"), default=0)
    reason = models.TextField(_("reason (internal)"), max_length=SHORT_TEXT_MAX_LENGTH)
    client_note = models.TextField(
        _("note for the client"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    waived_at = models.DateTimeField(_("waived"), auto_now_add=True)

    class Meta:
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        ordering = ["point", "object_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "point", "object_id"], name="closeout_waiver_unique"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="closeout_waiver_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.point} {self.object_id or ''}".strip()


class ClosureRequest(models.Model):
    """The PM asks the client admin for final acceptance; the client admin accepts (the project
    closes; this row is the signed-off record) or refuses with a reason (the closeout goes on)."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting final acceptance")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused by the client")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="closure_requests",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AWAITING
    )
    note = models.TextField(_("note for the client"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    checklist = models.JSONField(_("checklist when requested"), default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    accepted_checklist = models.JSONField(_("checklist when accepted"), default=list)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="awaiting"),
                name="closeout_single_open_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(comment=""),
                name="closeout_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.status}"


class Reopening(models.Model):
    """A staff admin reopened a closed project, with a reason, into `to_phase`."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reopenings"
    )
    to_phase = models.CharField(_("into phase"), max_length=16, choices=Phase.choices)
    reason = models.TextField(_("reason"), max_length=SHORT_TEXT_MAX_LENGTH)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened"), auto_now_add=True)

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["-reopened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="closeout_reopen_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.reopened_at:%Y-%m-%d}"
