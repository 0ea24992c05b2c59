"""The stakeholder register, the communication plan and the RACI of a project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH
from projects.models import Deliverable, Project, Visibility


class Attitude(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    SUPPORTIVE = "supportive", _("Supportive")
    NEUTRAL = "neutral", _("Neutral")
    RESISTANT = "resistant", _("Resistant")
    UNAWARE = "unaware", _("Unaware")


class Stakeholder(Revisioned):
    """A person or group with a stake in the project. Internal by default: the register with
    attitudes and strategies is the team's tool."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stakeholders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    influence = models.PositiveSmallIntegerField(_("influence"), default=3)
    interest = models.PositiveSmallIntegerField(_("interest"), default=3)
    attitude = models.CharField(
        _("attitude"), max_length=12, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    engagement_strategy = models.TextField(
        _("engagement strategy"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5),
                name="stakeholder_influence_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(interest__gte=1, interest__lte=5),
                name="stakeholder_interest_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommunicationItem(Revisioned):
    """A line of the communication plan: what, to whom, by whom, how and how often. Client
    visible by default (the status-report schedule will read its recipients from here)."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="communication_items",
    )
    what = models.CharField(_("what"), max_length=200)
    recipients = models.ManyToManyField(
        Stakeholder, verbose_name=_("to whom"), related_name="communication_items", blank=True
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by whom"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=100, blank=True)
    frequency = models.CharField(_("frequency"), max_length=100, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLIENT
    )

    class Meta:
        verbose_name = _("communication item")
        verbose_name_plural = _("communication items")
        ordering = ["what", "id"]

    def __str__(self) -> str:
        return self.what


class RaciLetter(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


class RaciAssignment(models.Model):
    """One cell of the RACI matrix: a row (a work area, or a deliverable) and a person (a
    stakeholder or a member). Exactly one A per row is kept by raci_assign."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="raci"
    )
    work_area = models.CharField(_("work area"), max_length=200, blank=True)
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    letter = models.CharField(_("letter"), max_length=1, choices=RaciLetter.choices)

    class Meta:
        verbose_name = _("RACI assignment")
        verbose_name_plural = _("RACI assignments")
        ordering = ["work_area", "deliverable_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(deliverable__isnull=True) & ~models.Q(work_area="")
                    | models.Q(deliverable__isnull=False) & models.Q(work_area="")
                ),
                name="raci_row_is_area_or_deliverable",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(stakeholder__isnull=True, user__isnull=False)
                    | models.Q(stakeholder__isnull=False, user__isnull=True)
                ),
                name="raci_person_is_stakeholder_or_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row_label}: {self.letter}"

    @property
    def row_label(self) -> str:
        return self.work_area or (self.deliverable.name if self.deliverable else "")

    @property
    def person_label(self) -> str:
        if self.stakeholder is not None:
            return self.stakeholder.name
        return self.user.get_full_name() or str(self.user) if self.user else ""
