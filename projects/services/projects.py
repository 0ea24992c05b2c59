"""Creating, editing and archiving projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from common.errors import Conflict, InvalidInput, NotAllowed
from common.history import set_history_user
from common.revisions import lock_and_check
from projects.closure import closed_project_writes_allowed
from projects.models import BudgetVisibility, HealthStatus, Phase, Project, Role
from projects.permissions import can_create_project, can_edit_plan
from projects.services.memberships import membership_add

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class ProjectData:
    """What a PM enters about a project (the form and the API both fill it)."""

    name: str
    code: str
    summary: str = ""
    phase: str = Phase.INITIATION
    scope_statement: str = ""
    out_of_scope: str = ""
    start_date: date | None = None
    end_date: date | None = None
    budget: Decimal | None = None
    currency: str = "EUR"
    budget_visibility: str = BudgetVisibility.NOTHING
    tags: list[str] = field(default_factory=list)
    deemed_acceptance_days: int | None = None
    gates_need_client_approval: bool = False


def _validate(data: ProjectData) -> None:
    if not data.name.strip():
        raise InvalidInput(_("Enter the project's name."), field="name")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise InvalidInput(_("The end cannot be before the start."), field="end_date")
    if data.budget is not None and data.budget < 0:
        raise InvalidInput(_("The budget cannot be negative."), field="budget")
    if len(data.currency) != 3 or not data.currency.isalpha():
        raise InvalidInput(_("Use a three-letter currency code such as EUR."), field="currency")
    if data.phase not in Phase.values:
        raise InvalidInput(_("Unknown phase."), field="phase")
    if data.budget_visibility not in BudgetVisibility.values:
        raise InvalidInput(_("Unknown choice."), field="budget_visibility")


def _clean_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag[:40])
    return seen


@transaction.atomic
def project_create(*, actor: User, client: Organization, data: ProjectData) -> Project:
    """A provider person creates a project for a client and becomes its project manager. The
    dates entered now are also the baseline, which later edits never move."""
    if not can_create_project(actor):
        raise NotAllowed()
    if client.kind != Organization.Kind.CLIENT:
        raise InvalidInput(_("Choose a client organisation."), field="client")
    _validate(data)
    project = Project(
        client=client,
        code=data.code.strip(),
        name=data.name.strip(),
        summary=data.summary.strip(),
        phase=data.phase,
        scope_statement=data.scope_statement.strip(),
        out_of_scope=data.out_of_scope.strip(),
        start_date=data.start_date,
        end_date=data.end_date,
        baseline_start_date=data.start_date,
        baseline_end_date=data.end_date,
        budget=data.budget,
        currency=data.currency.upper(),
        budget_visibility=data.budget_visibility,
        tags=_clean_tags(data.tags),
        deemed_acceptance_days=data.deemed_acceptance_days,
        gates_need_client_approval=data.gates_need_client_approval,
    )
    set_history_user(project, actor)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:
        raise Conflict(
            _("The code %(code)s is already used by another project.") % {"code": project.code},
            field="code",
        ) from error
    membership_add(actor=None, project=project, user=actor, role=Role.PM)
    return project


@transaction.atomic
def project_update(
    *, actor: User, project: Project, data: ProjectData, revision: int | None = None
) -> Project:
    """Edit the project's current plan and details; the baseline stays as it was. With
    `revision`, EditConflict if someone saved the project since that revision."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    _validate(data)
    project = lock_and_check(project, revision)
    if data.code.strip() != project.code:
        raise InvalidInput(_("A project's code does not change."), field="code")
    if data.phase != project.phase:
        raise InvalidInput(_("The phase changes through a gate review."), field="phase")
    for name in (
        "name",
        "summary",
        "phase",
        "scope_statement",
        "out_of_scope",
        "start_date",
        "end_date",
        "budget",
        "budget_visibility",
        "deemed_acceptance_days",
        "gates_need_client_approval",
    ):
        value = getattr(data, name)
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.currency = data.currency.upper()
    project.tags = _clean_tags(data.tags)
    set_history_user(project, actor)
    project.save()
    return project


@transaction.atomic
def project_set_archived(*, actor: User, project: Project, archived: bool) -> Project:
    """Archive (or restore) the project. A closed project may be archived: the flag only takes
    it out of the lists and changes none of its content (projects.closure)."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    project.is_archived = archived
    set_history_user(project, actor)
    with closed_project_writes_allowed():
        project.save(update_fields=["is_archived", "updated_at"])
    return project


HEALTH_OVERRIDE_DAYS = 14


@transaction.atomic
def project_health_override(
    *,
    actor: User,
    project: Project,
    status: str,
    reason: str,
    until: date | None = None,
    today: date | None = None,
) -> Project:
    """The PM sets the project's health by hand, saying why (a known slip agreed with the
    client, a risk the figures do not show yet ...).

    It holds until the next status report (reports.services ends it once a report has shown
    it) or until `until`, by default 14 days from today, whichever comes first; the computed
    health shows again after.
    """
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    today = today or timezone.localdate()
    if status not in HealthStatus.values:
        raise InvalidInput(_("Choose red, amber or green."), field="status")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why you set the health by hand."), field="reason")
    until = until or today + timedelta(days=HEALTH_OVERRIDE_DAYS)
    if until < today:
        raise InvalidInput(_("The override cannot end in the past."), field="until")
    if until > today + timedelta(days=HEALTH_OVERRIDE_MAX_DAYS):
        raise InvalidInput(
            _("An override lasts at most %(days)d days.") % {"days": HEALTH_OVERRIDE_MAX_DAYS},
            field="until",
        )
    project.health_override = status
    project.health_override_reason = reason
    project.health_override_by = actor
    project.health_override_until = until
    set_history_user(project, actor)
    project.save(update_fields=[*HEALTH_OVERRIDE_FIELDS, "updated_at"])
    return project


@transaction.atomic
def project_health_override_clear(*, actor: User, project: Project) -> Project:
    """The PM withdraws their override: the computed health shows again."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    health_override_end(project, actor=actor)
    return project


def health_override_end(project: Project, *, actor: User | None = None) -> None:
    """End the override, whoever decided it (the PM above; a status report that has shown it,
    with no actor): the computed health shows again. No permission check: callers decide."""
    project.health_override = ""
    project.health_override_reason = ""
    project.health_override_by = None
    project.health_override_until = None
    set_history_user(project, actor)
    project.save(update_fields=[*HEALTH_OVERRIDE_FIELDS, "updated_at"])


HEALTH_OVERRIDE_MAX_DAYS = 90
HEALTH_OVERRIDE_FIELDS = [
    "health_override",
    "health_override_reason",
    "health_override_by",
    "health_override_until",
]
