"""A client's account, kept by its account manager: interactions (with reminders of next
steps) and opportunities.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.text import LONG_TEXT_MAX_LENGTH

__all__ = ["Interaction", "Opportunity"]


class Interaction(models.Model):
    """A contact of the account manager with a client organisation: a visit, call, meeting or
    e-mail, with the people, notes and the next step (reminded once on its date)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("E-mail")

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    people = models.CharField(_("people"), max_length=300)
    notes = models.TextField(_("notes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    reminder_on = models.DateField(_("remind me on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["reminder_on", "reminded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_on__isnull=True) | ~models.Q(next_step=""),
                name="interaction_reminder_needs_next_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Opportunity(models.Model):
    """New business the account manager grows with a client."""

    class Stage(models.TextChoices):
        LEAD = "lead", _("Lead")
        QUALIFIED = "qualified", _("Qualified")
        PROPOSAL = "proposal", _("Proposal")
        NEGOTIATION = "negotiation", _("Negotiation")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="opportunities",
    )
    title = models.CharField(_("title"), max_length=200)
    value_estimate = models.DecimalField(
        _("value estimate"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.LEAD)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    expected_close_on = models.DateField(_("expected close"), null=True, blank=True)
    # When it last moved to Won (cleared if it moves off Won): the account manager's scorecard
    # counts the business won in each period by it.
    won_at = models.DateTimeField(_("won"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_estimate__isnull=True) | models.Q(value_estimate__gte=0),
                name="opportunity_value_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage not in (self.Stage.WON, self.Stage.LOST)
