"""Assessing a risk: probability and impact give its score and level on the project's
thresholds, kept forever as an assessment. Escalation (critical, or two levels up) is decided
when an assessment is recorded and sent at once through the outbox (`risks.alerts.escalate`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidTransition, NotAllowed
from common.events import EventType, emit
from common.history import set_history_user
from projects.models import Visibility
from risks.models import LEVEL_RANK, Assessment, Level, Risk, RiskSettings
from risks.permissions import can_manage_risk
from risks.selectors.settings import risk_settings_of
from risks.services.checks import check_scale, lock_risk

if TYPE_CHECKING:
    from accounts.models import User


def _score(
    settings: RiskSettings, probability: int | None, impact: int | None
) -> tuple[int | None, str]:
    if probability is None or impact is None:
        return None, ""
    score = probability * impact
    return score, settings.level_for(score)


@transaction.atomic
def risk_assess(
    *,
    actor: User,
    risk: Risk,
    probability: int,
    impact: int,
    residual_probability: int | None = None,
    residual_impact: int | None = None,
    note: str = "",
    next_review_date: date | None = None,
) -> Assessment:
    """Record a (re-)assessment: probability and impact 1 to 5 give the score and, on the project's
    thresholds, the level; the residual pair (after the response) is optional and kept apart.
    The assessment is kept forever; becoming critical, or rising two levels or more, tells the
    PM and the AM at once (through the outbox, once)."""
    risk = lock_risk(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    if not risk.is_active:
        raise InvalidTransition(_("Only an open or monitored risk is assessed."))
    probability = check_scale(probability, "probability", required=True)  # type: ignore[assignment]
    impact = check_scale(impact, "impact", required=True)  # type: ignore[assignment]
    residual_probability = check_scale(
        residual_probability, "residual_probability", required=residual_impact is not None
    )
    residual_impact = check_scale(
        residual_impact, "residual_impact", required=residual_probability is not None
    )
    if next_review_date is not None:
        risk.next_review_date = next_review_date
    return record_assessment(
        actor=actor,
        risk=risk,
        probability=probability,
        impact=impact,
        residual_probability=residual_probability,
        residual_impact=residual_impact,
        note=note,
    )


def record_assessment(
    *,
    actor: User,
    risk: Risk,
    probability: int,
    impact: int,
    residual_probability: int | None,
    residual_impact: int | None,
    note: str,
) -> Assessment:
    from risks.alerts import escalate

    settings = risk_settings_of(risk.project)
    score = probability * impact
    level = settings.level_for(score)
    residual_score, residual_level = _score(settings, residual_probability, residual_impact)
    previous = risk.level
    rank_before = LEVEL_RANK.get(previous, 0) if previous else 0
    rises = LEVEL_RANK[Level(level)] - rank_before
    is_escalation = (level == Level.CRITICAL and previous != Level.CRITICAL) or (
        bool(previous) and rises >= 2
    )
    now = timezone.now()
    assessment = Assessment.objects.create(
        risk=risk,
        probability=probability,
        impact=impact,
        score=score,
        level=level,
        residual_probability=residual_probability,
        residual_impact=residual_impact,
        residual_score=residual_score,
        residual_level=residual_level,
        note=(note or "").strip(),
        previous_level=previous,
        is_escalation=is_escalation,
        assessed_by=actor,
        assessed_at=now,
    )
    risk.probability, risk.impact, risk.score, risk.level = probability, impact, score, level
    risk.residual_probability, risk.residual_impact = residual_probability, residual_impact
    risk.residual_score, risk.residual_level = residual_score, residual_level
    risk.assessed_at = now
    set_history_user(risk, actor)
    risk.save()
    if is_escalation:
        escalate(assessment)
    if level == Level.CRITICAL and previous != Level.CRITICAL:
        emit(
            EventType.RISK_BECAME_CRITICAL,
            project=risk.project,
            client_visible=risk.visibility == Visibility.CLIENT,
            data={
                "risk": {
                    "id": risk.pk,
                    "number": risk.number,
                    "title": risk.title,
                    "level": risk.level,
                    "score": risk.score,
                    "previous_level": previous or None,
                }
            },
        )
    return assessment
