"""Satisfaction surveys: templates and their questions (campaigns in feedback.models.campaigns,
responses in feedback.models.responses)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.text import LONG_TEXT_MAX_LENGTH

__all__ = ["QuestionKind", "SurveyQuestion", "SurveyTemplate", "Topic"]


class QuestionKind(models.TextChoices):
    NPS = "nps", _("Net Promoter Score (0–10)")
    CSAT = "csat", _("Customer satisfaction (1–5)")
    TOPIC_RATING = "topic_rating", _("Rating of a topic (1–5)")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    FREE_TEXT = "free_text", _("Free text")


RATING_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.TOPIC_RATING)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Topic(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    QUALITY = "quality", _("Quality")
    TIMELINESS = "timeliness", _("Timeliness")
    VALUE = "value", _("Value")


def _nonce() -> str:
    return secrets.token_urlsafe(12)


class SurveyTemplate(models.Model):
    """An ordered questionnaire the provider reuses across campaigns. Exactly one may be the
    default, offered first when a campaign is created."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    is_default = models.BooleanField(_("default template"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
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
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="survey_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    """One question, in English and Simplified Chinese. Choices (for the choice kinds) are a list
    of {"en": ..., "zh-hans": ...}; an answer stores their indexes."""

    template = models.ForeignKey(
        SurveyTemplate,
        verbose_name=_("template"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    text = models.CharField(_("question (English)"), max_length=500)
    text_zh_hans = models.CharField(_("question (Simplified Chinese)"), max_length=500, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["template", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="survey_question_position_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="topic_rating") | ~Q(topic=""),
                name="survey_topic_rating_has_topic",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def text_for(self, language: str) -> str:
        if language.lower().startswith("zh") and self.text_zh_hans:
            return self.text_zh_hans
        return self.text

    def choice_labels(self, language: str) -> list[str]:
        key = "zh-hans" if language.lower().startswith("zh") else "en"
        return [str(choice.get(key) or choice.get("en", "")) for choice in self.choices]

    @property
    def scale(self) -> range:
        if self.kind == QuestionKind.NPS:
            return range(0, 11)
        return range(1, 6)
