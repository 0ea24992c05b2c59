"""Project templates: a project's plan kept apart from every project, to start new ones from.

A template is not a project (it has no client, no members, no status): nothing that lists,
counts or reports projects can ever see one. Its `plan` holds what projects.copying exported
from the source project, each date as a whole number of days from the source's start.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH


class ProjectTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    # {"version": 1, "parts": {part name: exported data}}, see projects.copying.
    plan = models.JSONField(_("plan"), default=dict)
    # The code of the project it was saved from (text: the project may be archived or gone).
    source_project_code = models.CharField(_("saved from"), max_length=32, blank=True)
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

    class Meta:
        verbose_name = _("project template")
        verbose_name_plural = _("project templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
