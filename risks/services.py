"""Writes for the risk register: raise, edit, assess, change status (occurred → an issue in the
log, closed with a reason), mitigation actions, the issue log and the project's risk settings.

Every service authorizes the actor with the predicates of `risks.permissions`, validates its
input (InvalidInput naming the field: nothing is changed or cut short) and hands the actor to
django-simple-history. Escalation (critical, or two levels up) is decided when an assessment is
recorded and sent at once through the outbox (`risks.alerts.escalate`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from notifications.models import NotificationKind
from projects.models import CLIENT_ROLES, Membership, Project, Visibility
from projects.permissions import can_raise_risk, can_view_internal_items
from projects.services.notify import notify_pms
from risks.models import (
    LEVEL_RANK,
    Assessment,
    Category,
    Issue,
    Level,
    MitigationAction,
    Risk,
    RiskSettings,
    Side,
    Strategy,
)
from risks.permissions import (
    can_complete_action,
    can_manage_risk,
    can_manage_risk_settings,
)
from risks.selectors import risk_settings_of

if TYPE_CHECKING:
    from accounts.models import User

TITLE_MAX = 200
ACTION_MAX = 300

# Fields of a risk a manager edits directly (assessments and status have their own services).
EDITABLE = (
    "title",
    "description",
    "category",
    "cause",
    "effect",
    "owner",
    "strategy",
    "contingency_plan",
    "trigger",
    "proximity",
    "next_review_date",
    "visibility",
    "internal_note",
)


# --- Validation helpers -------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the risk a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX},
            field="title",
        )
    return title


def _check_choice(value: str, choices: list[str], field: str, *, blank: bool = False) -> None:
    if blank and value == "":
        return
    if value not in choices:
        raise InvalidInput(_("Unknown value: %(value)s.") % {"value": value}, field=field)


def _check_scale(value: Any, field: str, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(_("Choose a value from 1 to 5."), field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(_("Choose a value from 1 to 5."), field=field)
    return value


def _check_owner(owner: User | None, project: Project, visibility: str, field: str = "owner"):
    """An owner is a member of the project; a client member only owns a client-visible risk."""
    if owner is None:
        return
    role = Membership.objects.filter(project=project, user=owner).values_list("role", flat=True)
    role_name = role.first()
    if role_name is None or not owner.is_active:
        raise InvalidInput(_("The owner must be a member of this project."), field=field)
    if role_name in CLIENT_ROLES and visibility != Visibility.CLIENT:
        raise InvalidInput(
            _("A client member can only own a risk that is visible to the client."), field=field
        )


def _check_links(project: Project, links: dict[str, list[Any] | None]) -> None:
    """Requirements, milestones and change requests linked to a risk belong to its project."""
    for field, items in links.items():
        if items and any(getattr(item, "project_id", None) != project.pk for item in items):
            raise InvalidInput(_("Link only items of this project."), field=field)


def _lock(risk: Risk) -> Risk:
    return Risk.objects.select_for_update(of=("self",)).select_related("project").get(pk=risk.pk)


def _score(settings: RiskSettings, probability: int | None, impact: int | None):
    if probability is None or impact is None:
        return None, ""
    score = probability * impact
    return score, settings.level_for(score)


# --- Risks --------------------------------------------------------------------------------------


@transaction.atomic
def risk_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str = "",
    category: str = Category.SCHEDULE,
    cause: str = "",
    effect: str = "",
    probability: int | None = None,
    impact: int | None = None,
    residual_probability: int | None = None,
    residual_impact: int | None = None,
    owner: User | None = None,
    strategy: str = "",
    contingency_plan: str = "",
    trigger: str = "",
    proximity: date | None = None,
    next_review_date: date | None = None,
    visibility: str = Visibility.INTERNAL,
    internal_note: str = "",
    note: str = "",
    requirements: list[Any] | None = None,
    milestones: list[Any] | None = None,
    change_requests: list[Any] | None = None,
) -> Risk:
    """Raise a risk. The team raises internal (default) or client-visible risks and may assess
    them at once (probability and impact together, which records the first assessment). A client
    admin or customer representative raises a client-raised, client-visible risk that only says
    what and why: the PM assesses it, and is told of it."""
    if not can_raise_risk(actor, project):
        raise NotAllowed()
    provider_side = bool(can_view_internal_items(actor, project))
    title = _clean_title(title)
    _check_choice(category, Category.values, "category")
    _check_choice(visibility, Visibility.values, "visibility")
    if not provider_side:
        # The client says what worries them; the team owns the assessment and the response.
        visibility = Visibility.CLIENT
        probability = impact = residual_probability = residual_impact = None
        owner, strategy, contingency_plan, internal_note = None, "", "", ""
        requirements = milestones = change_requests = None
    _check_choice(strategy, Strategy.values, "strategy", blank=True)
    probability = _check_scale(probability, "probability", required=impact is not None)
    impact = _check_scale(impact, "impact", required=probability is not None)
    residual_probability = _check_scale(
        residual_probability, "residual_probability", required=residual_impact is not None
    )
    residual_impact = _check_scale(
        residual_impact, "residual_impact", required=residual_probability is not None
    )
    if residual_probability is not None and probability is None:
        raise InvalidInput(_("Assess the inherent risk first."), field="probability")
    _check_owner(owner, project, visibility)
    links = {
        "requirements": requirements,
        "milestones": milestones,
        "change_requests": change_requests,
    }
    _check_links(project, links)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    last = Risk.objects.filter(project=locked).aggregate(last=Max("number"))["last"] or 0
    risk = Risk(
        project=locked,
        number=last + 1,
        title=title,
        description=(description or "").strip(),
        category=category,
        cause=(cause or "").strip(),
        effect=(effect or "").strip(),
        owner=owner,
        strategy=strategy,
        contingency_plan=(contingency_plan or "").strip(),
        trigger=(trigger or "").strip(),
        proximity=proximity,
        next_review_date=next_review_date,
        visibility=visibility,
        internal_note=(internal_note or "").strip(),
        raised_by=actor,
        raised_side=Side.PROVIDER if provider_side else Side.CLIENT,
    )
    risk._history_user = actor  # type: ignore[attr-defined]
    risk.save()
    for field, items in links.items():
        if items:
            getattr(risk, field).set(items)
    if probability is not None and impact is not None:
        _record_assessment(
            actor=actor,
            risk=risk,
            probability=probability,
            impact=impact,
            residual_probability=residual_probability,
            residual_impact=residual_impact,
            note=note,
        )
    if not provider_side:
        _tell_pms_of_client_risk(risk, by=actor)
    return risk


@transaction.atomic
def risk_update(*, actor: User, risk: Risk, **values: Any) -> Risk:
    """A manager of the risk edits its description, owner, response and review date, its
    visibility and links. Unknown fields are refused; a risk the client raised, or one linked to
    an issue the client knows, stays client-visible."""
    risk = _lock(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    links = {
        k: values.pop(k) for k in ("requirements", "milestones", "change_requests") if k in values
    }
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown field."), field=sorted(unknown)[0])
    if "title" in values:
        values["title"] = _clean_title(values["title"])
    if "category" in values:
        _check_choice(values["category"], Category.values, "category")
    if "strategy" in values:
        _check_choice(values["strategy"] or "", Strategy.values, "strategy", blank=True)
        values["strategy"] = values["strategy"] or ""
    if "visibility" in values:
        _check_choice(values["visibility"], Visibility.values, "visibility")
        if values["visibility"] == Visibility.INTERNAL and risk.is_client_raised:
            raise InvalidInput(
                _("The client raised this risk: it stays visible to the client."),
                field="visibility",
            )
    visibility = values.get("visibility", risk.visibility)
    owner = values.get("owner", risk.owner)
    _check_owner(owner, risk.project, visibility)
    _check_links(risk.project, links)
    for field, value in values.items():
        if isinstance(value, str) and field != "visibility":
            value = value.strip()
        setattr(risk, field, value)
    risk._history_user = actor  # type: ignore[attr-defined]
    risk.save()
    for field, items in links.items():
        getattr(risk, field).set(items or [])
    return risk


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
    risk = _lock(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    if not risk.is_active:
        raise InvalidTransition(_("Only an open or monitored risk is assessed."))
    probability = _check_scale(probability, "probability", required=True)  # type: ignore[assignment]
    impact = _check_scale(impact, "impact", required=True)  # type: ignore[assignment]
    residual_probability = _check_scale(
        residual_probability, "residual_probability", required=residual_impact is not None
    )
    residual_impact = _check_scale(
        residual_impact, "residual_impact", required=residual_probability is not None
    )
    if next_review_date is not None:
        risk.next_review_date = next_review_date
    return _record_assessment(
        actor=actor,
        risk=risk,
        probability=probability,
        impact=impact,
        residual_probability=residual_probability,
        residual_impact=residual_impact,
        note=note,
    )


def _record_assessment(
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
    score, level = _score(settings, probability, impact)
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
    risk._history_user = actor  # type: ignore[attr-defined]
    risk.save()
    if is_escalation:
        escalate(assessment)
    return assessment


@transaction.atomic
def risk_transition(
    *, actor: User, risk: Risk, status: str, reason: str = "", impact: str = ""
) -> Risk:
    """Open ↔ monitoring; an active risk that occurred becomes an issue in the log with the
    impact it had (`impact` required); any risk is closed with a reason; a closed risk may be
    reopened (an occurred one stays in the issue log)."""
    risk = _lock(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    _check_choice(status, Risk.Status.values, "status")
    now = timezone.now()
    if status in Risk.ACTIVE:
        if risk.status == Risk.Status.OCCURRED:
            raise InvalidTransition(_("A risk that occurred is handled as an issue."))
        risk.closed_at, risk.closed_reason = None, ""
    elif status == Risk.Status.OCCURRED:
        if not risk.is_active:
            raise InvalidTransition(_("Only an open or monitored risk can occur."))
        impact = (impact or "").strip()
        if not impact:
            raise InvalidInput(_("Record the impact the risk had."), field="impact")
        risk.occurred_at = now
        last = Issue.objects.filter(project=risk.project).aggregate(last=Max("number"))["last"]
        issue = Issue(
            project=risk.project,
            number=(last or 0) + 1,
            risk=risk,
            title=risk.title,
            description=risk.description,
            impact=impact,
            owner=risk.owner,
            visibility=risk.visibility,
        )
        issue._history_user = actor  # type: ignore[attr-defined]
        issue.save()
    else:  # closed
        if risk.status == Risk.Status.CLOSED:
            raise InvalidTransition(_("This risk is already closed."))
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(_("Say why the risk is closed."), field="reason")
        risk.closed_reason, risk.closed_at = reason, now
    risk.status = status
    risk._history_user = actor  # type: ignore[attr-defined]
    risk.save()
    return risk


# --- Mitigation actions -------------------------------------------------------------------------


@transaction.atomic
def mitigation_action_add(
    *,
    actor: User,
    risk: Risk,
    text: str,
    owner: User | None = None,
    due_date: date | None = None,
) -> MitigationAction:
    risk = _lock(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Say what the action is."), field="text")
    if len(text) > ACTION_MAX:
        raise InvalidInput(
            _("The action is too long: at most %(max)d characters.") % {"max": ACTION_MAX},
            field="text",
        )
    _check_owner(owner, risk.project, risk.visibility)
    action = MitigationAction(risk=risk, text=text, owner=owner, due_date=due_date)
    action._history_user = actor  # type: ignore[attr-defined]
    action.save()
    return action


@transaction.atomic
def mitigation_action_set_done(
    *, actor: User, action: MitigationAction, done: bool = True
) -> MitigationAction:
    action = (
        MitigationAction.objects.select_for_update(of=("self",))
        .select_related("risk__project")
        .get(pk=action.pk)
    )
    if not can_complete_action(actor, action):
        raise NotAllowed()
    if action.is_done == done:
        return action
    action.is_done = done
    action.done_at = timezone.now() if done else None
    action._history_user = actor  # type: ignore[attr-defined]
    action.save()
    return action


# --- Issues -------------------------------------------------------------------------------------


@transaction.atomic
def issue_resolve(*, actor: User, issue: Issue, resolution: str) -> Issue:
    issue = Issue.objects.select_for_update(of=("self",)).select_related("project").get(pk=issue.pk)
    if not can_manage_risk_settings(actor, issue.project):
        raise NotAllowed()
    if issue.status == Issue.Status.RESOLVED:
        raise InvalidTransition(_("This issue is already resolved."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise InvalidInput(_("Say how the issue was resolved."), field="resolution")
    issue.status, issue.resolution, issue.resolved_at = (
        Issue.Status.RESOLVED,
        resolution,
        timezone.now(),
    )
    issue._history_user = actor  # type: ignore[attr-defined]
    issue.save()
    return issue


# --- Settings -----------------------------------------------------------------------------------


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


# --- Notifications ------------------------------------------------------------------------------


def _tell_pms_of_client_risk(risk: Risk, *, by: User) -> None:
    notify_pms(
        risk.project_id,
        title=lambda: (
            _("%(person)s raised %(ref)s: %(title)s; it awaits your assessment")
            % {"person": by.display_name, "ref": risk.reference, "title": risk.title}
        ),
        url=reverse("risks:risk", kwargs={"project_id": risk.project_id, "risk_id": risk.pk}),
        kind=NotificationKind.RISK,
        email_template="risks/email/risk_raised",
        context={"risk": risk, "project": risk.project},
        dedupe_key=f"risk:{risk.pk}:raised",
    )
