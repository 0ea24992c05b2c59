"""Baselines and budget changes.

A **baseline** is a saved version of the plan: the project's dates, budget and scope, and the
dates of its milestones and tasks then (`BaselineEntry`). The PM sets the first; after that only a
change request approved by both sides re-baselines (its assessment says it will). The newest
baseline is the current approved one: its dates are also copied onto the project
(`baseline_start_date`, `baseline_end_date`), each milestone (`baseline_due_date`) and each task
(`baseline_start_date`, `baseline_due_date`), which health, SPI and slippage compare against.
Earlier baselines stay as they were, to view and compare.

A **budget change** is the part of an approved change request's cost that changed the budget,
split into the part that pays for added scope (whose planned work is the tasks that point to it)
and the part that is contingency (no work of its own), so that the earned value of work already
done does not move when the budget does (projects.earned_value).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models.core import Project, Visibility
from projects.models.delivery import Milestone
from projects.models.tasks import Task


class Baseline(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="baselines"
    )
    number = models.PositiveIntegerField(_("number"))
    # Why it was set: the PM's words for the first, the change request's reference and title
    # for a re-baseline. Everyone on the project reads it.
    reason = models.CharField(_("reason"), max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    change_reference = models.CharField(_("change request"), max_length=20, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    scope_statement = models.TextField(_("scope"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["project_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} B{self.number}"


class BaselineEntry(models.Model):
    """A milestone's or a task's planned dates in a baseline (its name and visibility then, so
    that a baseline still reads after the item is renamed or deleted)."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        TASK = "task", _("Task")

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=9, choices=Kind.choices)
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices)
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("baseline entry")
        verbose_name_plural = _("baseline entries")
        ordering = ["baseline_id", "kind", "position", "id"]
        indexes = [models.Index(fields=["baseline", "kind"])]

    def __str__(self) -> str:
        return self.name


class BudgetChange(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="budget_changes",
    )
    change_reference = models.CharField(_("change request"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    scope_amount = models.DecimalField(_("added scope"), max_digits=14, decimal_places=2, default=0)
    contingency_amount = models.DecimalField(
        _("contingency"), max_digits=14, decimal_places=2, default=0
    )
    created_at = models.DateTimeField(_("approved"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget change")
        verbose_name_plural = _("budget changes")
        ordering = ["project_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.change_reference} {self.title}"
