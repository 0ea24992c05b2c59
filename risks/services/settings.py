"""A project's risk settings: scale descriptions, level thresholds and review tolerance; a new
threshold recomputes every risk's level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotAllowed
from projects.models import Project
from risks.models import Level, Risk, RiskSettings
from risks.permissions import can_manage_risk_settings

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def risk_settings_update(
    *,
    actor: User,
    project: Project,
    probability_scale: list[str],
    impact_scale: list[str],
    medium_from: int,
    high_from: int,
    critical_from: int,
    review_tolerance_days: int,
) -> RiskSettings:
    """The PM sets the project's scale descriptions, level thresholds (scores from which a risk
    is medium, high, critical) and review tolerance. Every risk's level (and residual level) is
    recomputed on the new thresholds in one statement; past assessments keep theirs."""
    if not can_manage_risk_settings(actor, project):
        raise NotAllowed()
    for field, scale in (("probability_scale", probability_scale), ("impact_scale", impact_scale)):
        if len(scale) != 5 or any(len(str(text)) > 200 for text in scale):
            raise InvalidInput(_("Give five descriptions of at most 200 characters."), field=field)
    if not 2 <= medium_from < high_from < critical_from <= 25:
        raise InvalidInput(
            _("The thresholds must rise: 2 ≤ medium < high < critical ≤ 25."),
            field="high_from",
        )
    if not 0 <= review_tolerance_days <= 365:
        raise InvalidInput(_("The tolerance is from 0 to 365 days."), field="review_tolerance_days")
    settings, _created = RiskSettings.objects.select_for_update().get_or_create(project=project)
    settings.probability_scale = [str(text).strip() for text in probability_scale]
    settings.impact_scale = [str(text).strip() for text in impact_scale]
    settings.medium_from, settings.high_from = medium_from, high_from
    settings.critical_from = critical_from
    settings.review_tolerance_days = review_tolerance_days
    settings.save()
    for score_field, level_field in (("score", "level"), ("residual_score", "residual_level")):
        Risk.objects.filter(project=project, **{f"{score_field}__isnull": False}).update(
            **{level_field: _level_case(settings, score_field)}
        )
    return settings


def _level_case(settings: RiskSettings, field: str) -> Case:
    return Case(
        When(**{f"{field}__gte": settings.critical_from}, then=Value(Level.CRITICAL.value)),
        When(**{f"{field}__gte": settings.high_from}, then=Value(Level.HIGH.value)),
        When(**{f"{field}__gte": settings.medium_from}, then=Value(Level.MEDIUM.value)),
        default=Value(Level.LOW.value),
    )
