"""Meetings, what they decided and the action items they gave people."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from projects.models import Project, Visibility

from .register import Stakeholder


class Side(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    CLIENT = "client", _("Client")
    JOINT = "joint", _("Both sides")


class Meeting(Revisioned):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    visibility = models.CharField(
        _("visible to"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        help_text=_(
            "An internal meeting is never shown to the client; a client-visible one shows only "
            "its client-visible attendees."
        ),
    )
    starts_at = models.DateTimeField(_("starts"))
    location = models.CharField(_("location or link"), max_length=500, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+", blank=True
    )
    stakeholder_attendees = models.ManyToManyField(
        Stakeholder, verbose_name=_("stakeholders attending"), related_name="meetings", blank=True
    )
    agenda = models.TextField(_("agenda"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    minutes = models.TextField(_("minutes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    minutes_visibility = models.CharField(
        _("minutes visible to"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["project", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_client_visible(self) -> bool:
        return self.visibility == Visibility.CLIENT

    @property
    def minutes_are_client_visible(self) -> bool:
        return self.is_client_visible and self.minutes_visibility == Visibility.CLIENT


class MeetingDecision(models.Model):
    """A decision taken in a meeting; client visible when the meeting's minutes are."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"), max_length=SHORT_TEXT_MAX_LENGTH)
    decided_by = models.CharField(
        _("decided by"), max_length=8, choices=Side.choices, default=Side.JOINT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.TextField(_("action"), max_length=SHORT_TEXT_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "is_done"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_done=False, done_at__isnull=True)
                | models.Q(is_done=True, done_at__isnull=False),
                name="action_item_done_at_when_done",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
