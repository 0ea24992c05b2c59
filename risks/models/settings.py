"""A project's risk settings: the descriptions of its probability and impact scales, the scores
from which a risk is medium, high or critical, and how late a review may be."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from risks.models.choices import Level


class RiskSettings(models.Model):
    """A project's risk scales and thresholds. Read with
    `risks.selectors.settings.risk_settings_of`,
    which gives the defaults (unsaved) until the PM first saves the settings page."""

    DEFAULT_MEDIUM_FROM = 5
    DEFAULT_HIGH_FROM = 10
    DEFAULT_CRITICAL_FROM = 16
    DEFAULT_REVIEW_TOLERANCE_DAYS = 7

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="risk_settings"
    )
    # Five descriptions each (for 1 to 5); a blank one shows the product's default wording.
    probability_scale = models.JSONField(_("probability scale"), default=list, blank=True)
    impact_scale = models.JSONField(_("impact scale"), default=list, blank=True)
    medium_from = models.PositiveSmallIntegerField(
        _("medium from score"), default=DEFAULT_MEDIUM_FROM
    )
    high_from = models.PositiveSmallIntegerField(_("high from score"), default=DEFAULT_HIGH_FROM)
    critical_from = models.PositiveSmallIntegerField(
        _("critical from score"), default=DEFAULT_CRITICAL_FROM
    )
    review_tolerance_days = models.PositiveSmallIntegerField(
        _("review tolerance (days)"), default=DEFAULT_REVIEW_TOLERANCE_DAYS
    )

    class Meta:
        verbose_name = _("risk settings")
        verbose_name_plural = _("risk settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(medium_from__gte=2)
                & Q(high_from__gt=models.F("medium_from"))
                & Q(critical_from__gt=models.F("high_from"))
                & Q(critical_from__lte=25),
                name="risk_settings_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(review_tolerance_days__lte=365),
                name="risk_settings_tolerance_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}"

    def level_for(self, score: int | None) -> str:
        if score is None:
            return ""
        if score >= self.critical_from:
            return Level.CRITICAL
        if score >= self.high_from:
            return Level.HIGH
        if score >= self.medium_from:
            return Level.MEDIUM
        return Level.LOW

    def probability_labels(self) -> list[str]:
        return _labels(self.probability_scale, DEFAULT_PROBABILITY)

    def impact_labels(self) -> list[str]:
        return _labels(self.impact_scale, DEFAULT_IMPACT)


DEFAULT_PROBABILITY = [
    _("Rare: less than 10 %"),
    _("Unlikely: 10–30 %"),
    _("Possible: 30–50 %"),
    _("Likely: 50–80 %"),
    _("Almost certain: more than 80 %"),
]
DEFAULT_IMPACT = [
    _("Negligible: a few hours late, no cost"),
    # xgettext:no-python-format
    _("Minor: up to a week late or 2 % over budget"),
    # xgettext:no-python-format
    _("Moderate: up to two weeks late or 5 % over budget"),
    # xgettext:no-python-format
    _("Major: up to a month late or 10 % over budget"),
    # xgettext:no-python-format
    _("Severe: more than a month late or more than 10 % over budget"),
]


def _labels(custom: object, defaults: list) -> list[str]:
    values = custom if isinstance(custom, list) else []
    return [
        (str(values[i]).strip() if i < len(values) and str(values[i]).strip() else str(d))
        for i, d in enumerate(defaults)
    ]
