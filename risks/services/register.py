"""Writes for the risk register: raise a risk, edit it, change its status (occurred → an issue
in the log, closed with a reason).

Every service authorizes the actor with the predicates of `risks.permissions`, validates its
input (InvalidInput naming the field: nothing is changed or cut short) and hands the actor to
django-simple-history.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.history import set_history_user
from common.revisions import check_revision
from notifications.models import NotificationKind
from projects.models import Project, Visibility
from projects.permissions import can_raise_risk, can_view_internal_items
from projects.services.notify import notify_pms
from risks.models import Category, Issue, Risk, Side, Strategy
from risks.permissions import can_manage_risk
from risks.services.assessments import record_assessment
from risks.services.checks import (
    check_choice,
    check_links,
    check_owner,
    check_scale,
    clean_title,
    lock_risk,
)

if TYPE_CHECKING:
    from accounts.models import User

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
    title = clean_title(title)
    check_choice(category, Category.values, "category")
    check_choice(visibility, Visibility.values, "visibility")
    if not provider_side:
        # The client says what worries them; the team owns the assessment and the response.
        visibility = Visibility.CLIENT
        probability = impact = residual_probability = residual_impact = None
        owner, strategy, contingency_plan, internal_note = None, "", "", ""
        requirements = milestones = change_requests = None
    check_choice(strategy, Strategy.values, "strategy", blank=True)
    probability = check_scale(probability, "probability", required=impact is not None)
    impact = check_scale(impact, "impact", required=probability is not None)
    residual_probability = check_scale(
        residual_probability, "residual_probability", required=residual_impact is not None
    )
    residual_impact = check_scale(
        residual_impact, "residual_impact", required=residual_probability is not None
    )
    if residual_probability is not None and probability is None:
        raise InvalidInput(_("Assess the inherent risk first."), field="probability")
    check_owner(owner, project, visibility)
    links = {
        "requirements": requirements,
        "milestones": milestones,
        "change_requests": change_requests,
    }
    check_links(project, links)
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
    set_history_user(risk, actor)
    risk.save()
    for field, items in links.items():
        if items:
            getattr(risk, field).set(items)
    if probability is not None and impact is not None:
        record_assessment(
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
def risk_update(*, actor: User, risk: Risk, revision: int | None = None, **values: Any) -> Risk:
    """A manager of the risk edits its description, owner, response and review date, its
    visibility and links. Unknown fields are refused; a risk the client raised, or one linked to
    an issue the client knows, stays client-visible. With `revision`, EditConflict if someone
    saved the risk since that revision."""
    risk = lock_risk(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    check_revision(risk, revision)
    links = {
        k: values.pop(k) for k in ("requirements", "milestones", "change_requests") if k in values
    }
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("Unknown field."), field=sorted(unknown)[0])
    if "title" in values:
        values["title"] = clean_title(values["title"])
    if "category" in values:
        check_choice(values["category"], Category.values, "category")
    if "strategy" in values:
        check_choice(values["strategy"] or "", Strategy.values, "strategy", blank=True)
        values["strategy"] = values["strategy"] or ""
    if "visibility" in values:
        check_choice(values["visibility"], Visibility.values, "visibility")
        if values["visibility"] == Visibility.INTERNAL and risk.is_client_raised:
            raise InvalidInput(
                _("The client raised this risk: it stays visible to the client."),
                field="visibility",
            )
    visibility = values.get("visibility", risk.visibility)
    owner = values.get("owner", risk.owner)
    check_owner(owner, risk.project, visibility)
    check_links(risk.project, links)
    for field, value in values.items():
        if isinstance(value, str) and field != "visibility":
            value = value.strip()
        setattr(risk, field, value)
    set_history_user(risk, actor)
    risk.save()
    for field, items in links.items():
        getattr(risk, field).set(items or [])
    return risk


@transaction.atomic
def risk_transition(
    *, actor: User, risk: Risk, status: str, reason: str = "", impact: str = ""
) -> Risk:
    """Open ↔ monitoring; an active risk that occurred becomes an issue in the log with the
    impact it had (`impact` required); any risk is closed with a reason; a closed risk may be
    reopened (an occurred one stays in the issue log)."""
    risk = lock_risk(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    check_choice(status, Risk.Status.values, "status")
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
        set_history_user(issue, actor)
        issue.save()
    else:  # closed
        if risk.status == Risk.Status.CLOSED:
            raise InvalidTransition(_("This risk is already closed."))
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(_("Say why the risk is closed."), field="reason")
        risk.closed_reason, risk.closed_at = reason, now
    risk.status = status
    set_history_user(risk, actor)
    risk.save()
    return risk


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
