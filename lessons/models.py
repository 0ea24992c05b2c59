"""A lesson learned on a project: what went well, what went wrong and what to do next time.

`client` copies the project's client and `side` the author's side when the lesson is written,
so that the library filters without a join. `search_document` is written by the service (see
lessons.text): the texts with every run of CJK characters also written as overlapping bigrams,
indexed by a GIN index on to_tsvector('simple', search_document) (PostgreSQL only, made by
migration 0001_initial).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Phase, Visibility

TITLE_MAX_LENGTH = 200


class Category(models.TextChoices):
    SCOPE = "scope", _("Scope")
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    QUALITY = "quality", _("Quality")
    COMMUNICATION = "communication", _("Communication")
    RISK = "risk", _("Risk")
    TEAM = "team", _("Team")
    CLIENT_RELATIONSHIP = "client_relationship", _("Client relationship")
    TECHNICAL = "technical", _("Technical")
    PROCESS = "process", _("Process")


class Side(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    CLIENT = "client", _("Client")


class Lesson(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="lessons",
    )
    client = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    what_went_well = models.TextField(
        _("what went well"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    what_went_wrong = models.TextField(
        _("what went wrong"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    recommendation = models.TextField(
        _("recommendation"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    search_document = models.TextField(_("search document"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="lesson_client_recent"),
            models.Index(fields=["project", "-created_at"], name="lesson_project_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_client_visible(self) -> bool:
        return self.visibility == Visibility.CLIENT
