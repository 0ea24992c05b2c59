from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicTaskRun(models.Model):
    """When a task of the beat schedule last succeeded: one row per task name, written by the
    worker (operations.receivers.record_periodic_success)."""

    task = models.CharField(_("task"), max_length=200, unique=True)
    last_success_at = models.DateTimeField(_("last success"))

    class Meta:
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")
        ordering = ["task"]

    def __str__(self) -> str:
        return f"{self.task}: {self.last_success_at:%Y-%m-%d %H:%M}"
