"""Survey campaigns and the automations that start them, invitations with a tokenised link, and
opt-outs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from feedback.models.surveys import SurveyTemplate, _nonce

__all__ = ["Campaign", "CampaignTrigger", "SurveyAutomation", "SurveyInvitation", "SurveyOptOut"]


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
    signed (feedback.tokens); opens, reminders, the response and an unsubscribe are
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
