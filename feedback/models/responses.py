"""Survey responses with their answers, and the account manager's follow-up of a detractor.

A response copies its project, client, NPS and CSAT scores from its invitation and answers, so
that the dashboard aggregates one table in SQL (feedback.selectors.satisfaction).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.text import SHORT_TEXT_MAX_LENGTH
from feedback.models.campaigns import Campaign, SurveyInvitation
from feedback.models.surveys import SurveyQuestion

__all__ = ["DetractorFollowUp", "SurveyAnswer", "SurveyResponse"]


class SurveyResponse(models.Model):
    """The answers of one invitation (one response per invitation; it may be changed until the
    campaign closes). Project, client and the NPS and CSAT scores are copied here for the
    dashboard's SQL."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="response",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    client = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    nps = models.PositiveSmallIntegerField(_("NPS score"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("CSAT score"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    submitted_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "submitted_at"]),
            models.Index(fields=["client", "submitted_at"]),
            models.Index(fields=["submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__lte=10), name="survey_response_nps_range"
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | (Q(csat__gte=1) & Q(csat__lte=5)),
                name="survey_response_csat_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.respondent_id} {self.submitted_at:%Y-%m-%d}"

    @property
    def is_detractor(self) -> bool:
        return (self.nps is not None and self.nps <= 6) or (
            self.csat is not None and self.csat <= 2
        )


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    choices = models.JSONField(_("chosen"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__lte=10),
                name="survey_answer_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"

    @property
    def chosen_labels(self) -> list[str]:
        """The chosen choices' English labels (staff pages are read by the provider side)."""
        labels = self.question.choice_labels("en")
        return [labels[index] for index in self.choices if 0 <= index < len(labels)]


class DetractorFollowUp(models.Model):
    """An NPS 0-6 or CSAT 1-2 response opens a follow-up for the project's account manager; it
    counts on the dashboard until closed with a note. Internal: never shown to the client."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting follow-up")
        CLOSED = "closed", _("Closed")

    response = models.OneToOneField(
        SurveyResponse,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="follow_up",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="survey_follow_ups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_follow_ups",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("detractor follow-up")
        verbose_name_plural = _("detractor follow-ups")
        ordering = ["opened_at", "pk"]
        indexes = [models.Index(fields=["status", "project"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_at__isnull=False) & ~Q(note="")),
                name="survey_follow_up_closed_has_note",
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.status}"
