"""Time and cost: hourly rates, time entries and other cost entries of a project.

Labour cost is approved hours * the applicable rate: the person's own rate on the project if one
is set, else the rate of their role on the project (projects.earned_value computes it in SQL).
Rates are in the project's currency. Rules across rows (the person is on the team, the task is
of the same project, who may log or approve what) live in projects.services.costs; the check
constraints below keep each row sound on its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.core import Project, Role, Visibility
from projects.models.tasks import Task

MAX_HOURS_PER_ENTRY = Decimal(24)


class Rate(models.Model):
    """An hourly rate on a project, for a role or for one person (exactly one of the two)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="rates"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=10, decimal_places=2)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["project_id", "role", "user_id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=True) & ~models.Q(role=""))
                | (models.Q(user__isnull=False) & models.Q(role="")),
                name="rate_role_or_person",
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_rate__gte=0), name="rate_not_negative"
            ),
            models.UniqueConstraint(
                fields=["project", "role"],
                condition=models.Q(user__isnull=True),
                name="rate_unique_role",
            ),
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=models.Q(user__isnull=False),
                name="rate_unique_person",
            ),
        ]

    def __str__(self) -> str:
        who = self.user if self.user_id else self.get_role_display()
        return f"{who}: {self.hourly_rate}"


class TimeEntry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="time_entries"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_billable = models.BooleanField(_("billable"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["project", "date"]),
            models.Index(fields=["person", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=MAX_HOURS_PER_ENTRY),
                name="time_entry_hours_0_24",
            ),
            models.CheckConstraint(
                condition=models.Q(status="submitted")
                | models.Q(status="approved", approved_at__isnull=False),
                name="time_entry_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.date} · {self.hours} h"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class CostEntry(models.Model):
    """A cost other than the team's time (or labour bought in): internal unless shared."""

    class Category(models.TextChoices):
        LABOUR = "labour", _("Labour")
        MATERIALS = "materials", _("Materials")
        SERVICES = "services", _("Services")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="cost_entries"
    )
    date = models.DateField(_("date"))
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.OTHER
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
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
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cost_entry_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.get_category_display()} · {self.amount}"
