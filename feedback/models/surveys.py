"""Satisfaction surveys: templates and their questions, campaigns (and the automations that start
them), invitations with a tokenised link, responses with their answers, and the account
manager's follow-up of a detractor.

A response copies its project, client, NPS and CSAT scores from its invitation and answers, so
that the dashboard aggregates one table in SQL (feedback.surveys.selectors).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Campaign",
    "CampaignTrigger",
    "DetractorFollowUp",
    "QuestionKind",
    "SurveyAnswer",
    "SurveyAutomation",
    "SurveyInvitation",
    "SurveyOptOut",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTemplate",
    "Topic",
]


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
    description = models.TextField(_("description"), blank=True)
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


class CampaignTrigger(models.TextChoices):
    MANUAL = "manual", _("Sent by hand")
    DELIVERABLE_ACCEPTED = "deliverable_accepted", _("On deliverable acceptance")
    PROJECT_CLOSED = "project_closed", _("On project close")
    PERIODIC = "periodic", _("Periodically")


class SurveyAutomation(models.Model):
    """A project's standing rule that starts a campaign by itself: on each deliverable's
    acceptance, when the project closes, or every `interval_months` (from `next_run_on`)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="survey_automations",
    )
    template = models.ForeignKey(
        SurveyTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="automations",
    )
    trigger = models.CharField(
        _("trigger"),
        max_length=30,
        choices=[c for c in CampaignTrigger.choices if c[0] != CampaignTrigger.MANUAL],
    )
    open_days = models.PositiveSmallIntegerField(_("open for (days)"), default=14)
    reminder_after_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=5)
    reminder_max = models.PositiveSmallIntegerField(_("at most (reminders)"), default=2)
    interval_months = models.PositiveSmallIntegerField(_("every (months)"), null=True, blank=True)
    next_run_on = models.DateField(_("next run"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey automation")
        verbose_name_plural = _("survey automations")
        ordering = ["project", "trigger", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(trigger="periodic")
                | (Q(interval_months__gte=1) & Q(next_run_on__isnull=False)),
                name="survey_periodic_has_interval",
            ),
            models.CheckConstraint(
                condition=Q(open_days__gte=1), name="survey_automation_open_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.get_trigger_display()}"


class Campaign(models.Model):
    """One sending of a survey to a project's client contacts, open in a window: invitations go
    out at `opens_at` (by Celery), reminders follow after `reminder_after_days` (at most
    `reminder_max`), and answers may be given or changed until it closes."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="survey_campaigns",
    )
    template = models.ForeignKey(
        SurveyTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    automation = models.ForeignKey(
        SurveyAutomation,
        verbose_name=_("automation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    deliverable = models.ForeignKey(
        "projects.Deliverable",
        verbose_name=_("deliverable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_campaigns",
    )
    name = models.CharField(_("name"), max_length=200)
    trigger = models.CharField(
        _("trigger"), max_length=30, choices=CampaignTrigger.choices, default=CampaignTrigger.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    reminder_after_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=5)
    reminder_max = models.PositiveSmallIntegerField(_("at most (reminders)"), default=2)
    # Set once, so that a second trigger of the same event never starts a second campaign.
    trigger_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
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
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["status", "opens_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="survey_campaign_window"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SurveyInvitation(models.Model):
    """One person asked to answer one campaign. The link carries the invitation's id and nonce,
    signed (feedback.surveys.tokens); opens, reminders, the response and an unsubscribe are
    recorded here. `skipped_reason` says why a contact was not sent the survey."""

    class Skipped(models.TextChoices):
        QUIET_PERIOD = "quiet_period", _("Surveyed recently (quiet period)")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from surveys")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, default="en")
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    skipped_reason = models.CharField(
        _("not sent because"), max_length=20, choices=Skipped.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("opens"), default=0)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["campaign", "pk"]
        indexes = [
            models.Index(fields=["person", "sent_at"]),
            models.Index(fields=["sent_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="survey_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.email}"


class SurveyOptOut(models.Model):
    """A person who asked (through a survey link) never to be surveyed again."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="survey_opt_out",
    )
    invitation = models.ForeignKey(
        SurveyInvitation,
        verbose_name=_("from the invitation"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return str(self.person_id)


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
    text = models.TextField(_("text"), blank=True)

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
    note = models.TextField(_("note"), blank=True)

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
