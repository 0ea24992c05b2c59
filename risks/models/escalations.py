"""The rows that make escalations and daily reminders happen once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from risks.models.register import Assessment


class Escalation(models.Model):
    """Written once per escalating assessment, in the same transaction as the notifications to
    the PM and the AM: a second run of the sweep finds it and tells nobody again."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="escalation"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.assessment_id}"


class Reminder(models.Model):
    """One daily reminder per person and local day (reviews and actions due or overdue)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    risk_count = models.PositiveIntegerField(default=0)
    action_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk reminder")
        verbose_name_plural = _("risk reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "local_date"], name="risk_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.local_date}"
