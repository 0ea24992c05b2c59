"""Requirements: create, edit (versioned), take a step of the workflow, confirm.

The steps, where each starts and who may take them are in
stakeholders.services.requirement_workflow; the client admin or customer rep confirms the exact
version they read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from common.events import EventType, emit
from common.history import set_history_user
from common.revisions import lock_and_check
from common.text import clean_text
from projects.models import Deliverable, Milestone, Project, Visibility
from projects.permissions import can_confirm_requirement, can_submit_requirement
from stakeholders.models import Confirmation, Requirement, RequirementVersion
from stakeholders.permissions import (
    can_decide_requirement,
    can_triage_requirement,
    can_view_requirement,
)
from stakeholders.services.requirement_notifications import tell_deciders, tell_pm
from stakeholders.services.requirement_workflow import CONTENT_FROZEN, TRANSITIONS, is_internal

if TYPE_CHECKING:
    from accounts.models import User

Status = Requirement.Status


class StaleVersion(Conflict):
    code = "stale_version"
    default_message = gettext_lazy(
        "The requirement changed since you read it: read the new version, then confirm it."
    )


def _clean_long_text(value: str | None) -> str:
    """Multi-line text with the line breaks browsers send (CRLF) written as LF, trimmed."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_choice(value: str, choices: Iterable[str], *, field: str) -> str:
    if value not in choices:
        raise InvalidInput(_("Choose one of the offered values."), field=field)
    return value


def _set_links(
    requirement: Requirement,
    *,
    milestones: Iterable[Milestone] | None,
    deliverables: Iterable[Deliverable] | None,
) -> None:
    if milestones is not None:
        milestones = list(milestones)
        if any(m.project_id != requirement.project_id for m in milestones):
            raise InvalidInput(_("A milestone of another project."), field="milestones")
        requirement.milestones.set(milestones)
    if deliverables is not None:
        deliverables = list(deliverables)
        if any(d.project_id != requirement.project_id for d in deliverables):
            raise InvalidInput(_("A deliverable of another project."), field="deliverables")
        requirement.deliverables.set(deliverables)


def _save(requirement: Requirement, actor: User, **kwargs: object) -> None:
    set_history_user(requirement, actor)
    requirement.save(**kwargs)


@transaction.atomic
def requirement_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str = "",
    priority: str = Requirement.Priority.SHOULD,
    acceptance_notes: str = "",
    visibility: str | None = None,
    milestones: Iterable[Milestone] | None = None,
    deliverables: Iterable[Deliverable] | None = None,
) -> Requirement:
    """A new requirement with the next reference of its project (REQ-n).

    The provider side writes a draft (internal by default from an internal source, which is what
    a team entry is unless the PM makes it client-visible); a client admin or customer rep
    submits one from the portal: source client, client-visible, status submitted, and the PM is
    told. The project row is locked while the number is taken, so two concurrent creations get
    two numbers (and the unique constraint guards the rest)."""
    if not can_submit_requirement(actor, project):
        raise NotAllowed()
    is_client = can_confirm_requirement(actor, project)
    title = clean_text(title, field="title", label=_("Title"), max_length=200)
    _check_choice(priority, Requirement.Priority.values, field="priority")
    if is_client:
        source, status, visibility = (
            Requirement.Source.CLIENT,
            Status.SUBMITTED,
            Visibility.CLIENT,
        )
        milestones = deliverables = None
    else:
        source, status = Requirement.Source.INTERNAL, Status.DRAFT
        visibility = _check_choice(
            visibility or Visibility.INTERNAL, Visibility.values, field="visibility"
        )
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (project.requirements.aggregate(top=Max("number"))["top"] or 0) + 1
    requirement = Requirement(
        project=project,
        number=number,
        title=title,
        description=_clean_long_text(description),
        source=source,
        priority=priority,
        acceptance_notes=_clean_long_text(acceptance_notes),
        visibility=visibility,
        status=status,
        created_by=actor,
    )
    _save(requirement, actor)
    _record_version(requirement, actor)
    _set_links(requirement, milestones=milestones, deliverables=deliverables)
    if is_client:
        tell_pm(requirement, event="submitted", by=actor)
    return requirement


@transaction.atomic
def requirement_update(
    *,
    actor: User,
    requirement: Requirement,
    title: str | None = None,
    description: str | None = None,
    priority: str | None = None,
    acceptance_notes: str | None = None,
    visibility: str | None = None,
    milestones: Iterable[Milestone] | None = None,
    deliverables: Iterable[Deliverable] | None = None,
    revision: int | None = None,
) -> Requirement:
    """The PM edits a requirement; None keeps a field.

    A change of the signed content (title, description, priority, acceptance notes) makes a new
    version (the old one is kept). A requirement the client had confirmed (or the team had
    started) goes back to awaiting the client's confirmation, and the client's deciders are
    told; the client's signature never covers content it did not see. A delivered, accepted or
    rejected requirement's content no longer changes (InvalidTransition on the first changed
    field). A requirement a client submitted or must decide on cannot become internal; one
    shared with the client gets a client-visible version of the content it is shown.
    With `revision`, EditConflict if someone saved it since that revision."""
    if not can_triage_requirement(actor, requirement):
        raise NotAllowed()
    requirement = lock_and_check(requirement, revision)
    # Compared as a browser sends text back (CRLF line breaks): an untouched text area of a
    # page is no change.
    current = {
        name: _clean_long_text(getattr(requirement, name)) for name in Requirement.SIGNED_FIELDS
    }
    content = {
        "title": current["title"]
        if title is None
        else clean_text(title, field="title", label=_("Title"), max_length=200),
        "description": current["description"]
        if description is None
        else _clean_long_text(description),
        "priority": current["priority"]
        if priority is None
        else _check_choice(priority, Requirement.Priority.values, field="priority"),
        "acceptance_notes": current["acceptance_notes"]
        if acceptance_notes is None
        else _clean_long_text(acceptance_notes),
    }
    changed = [name for name in Requirement.SIGNED_FIELDS if content[name] != current[name]]
    if changed and requirement.status in CONTENT_FROZEN:
        raise InvalidTransition(
            _(
                "A delivered, accepted or rejected requirement's title, description, priority "
                "and acceptance notes no longer change."
            ),
            field=changed[0],
        )
    shared = False
    if visibility is not None and visibility != requirement.visibility:
        _check_choice(visibility, Visibility.values, field="visibility")
        if visibility == Visibility.INTERNAL and (
            requirement.source == Requirement.Source.CLIENT or requirement.status != Status.DRAFT
        ):
            raise InvalidTransition(
                _("The client already knows this requirement: it stays visible to them."),
                field="visibility",
            )
        requirement.visibility = visibility
        shared = visibility == Visibility.CLIENT
    signed_version = None
    if changed:
        for name in changed:
            setattr(requirement, name, content[name])
        if requirement.status in {Status.CONFIRMED, Status.IN_PROGRESS}:
            signed_version = requirement.version
            requirement.status = Status.CLARIFIED
            requirement.status_reason = ""
    if changed or shared:
        requirement.version += 1
    _save(requirement, actor)
    if changed or shared:
        _record_version(requirement, actor)
    _set_links(requirement, milestones=milestones, deliverables=deliverables)
    if changed and requirement.status == Status.CLARIFIED and not is_internal(requirement):
        # The client reads the new version before confirming (a confirmation of the one they
        # were told about is refused as stale).
        tell_deciders(requirement, changed=changed, signed_version=signed_version)
    return requirement


def _record_version(requirement: Requirement, actor: User) -> RequirementVersion:
    """The requirement's content as it now stands, as its current version, with the visibility
    it has now (a client reads only the versions made while it could see the requirement)."""
    return RequirementVersion.objects.create(
        requirement=requirement,
        number=requirement.version,
        visibility=requirement.visibility,
        created_by=actor,
        **_signed_content(requirement),
    )


def _signed_content(requirement: Requirement) -> dict[str, Any]:
    """The fields a client's sign-off covers, as they now stand."""
    return {field: getattr(requirement, field) for field in Requirement.SIGNED_FIELDS}


@transaction.atomic
def requirement_transition(
    *, actor: User, requirement: Requirement, to: str, reason: str = ""
) -> Requirement:
    """Take the step `to` (a name of TRANSITIONS: submit, clarify, confirm, start, deliver,
    accept, defer, reject). Raises NotAllowed if the actor may not, InvalidTransition if the
    step is not possible from the current status, InvalidInput if a reason is missing.
    "confirm" here confirms the current version: requirement_confirm checks the one read."""
    if to == "confirm":
        return requirement_confirm(actor=actor, requirement=requirement, version=None)
    transition = TRANSITIONS.get(to)
    if transition is None:
        raise InvalidInput(_("Unknown step."), field="to")
    requirement = (
        Requirement.objects.select_for_update().select_related("project").get(pk=requirement.pk)
    )
    if not can_view_requirement(actor, requirement) or not transition.allowed(actor, requirement):
        raise NotAllowed()
    if not transition.starts_from(requirement):
        raise InvalidTransition()
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise InvalidInput(_("Say why."), field="reason")
    requirement.status = transition.target
    requirement.status_reason = reason
    _save(requirement, actor)
    if transition.target == Status.CLARIFIED and not is_internal(requirement):
        tell_deciders(requirement)
    if transition.name == "accept" and not is_internal(requirement):
        tell_pm(requirement, event="accepted", by=actor)
    return requirement


@transaction.atomic
def requirement_confirm(
    *, actor: User, requirement: Requirement, version: int | None
) -> Requirement:
    """The client signs off the requirement content they saw (version).

    Raises NotAllowed unless actor may confirm it, InvalidTransition unless it awaits
    confirmation, StaleVersion if the content changed since they read it. Records the sign-off
    (the version and its exact content) and notifies the PM."""
    requirement = (
        Requirement.objects.select_for_update().select_related("project").get(pk=requirement.pk)
    )
    if not can_decide_requirement(actor, requirement):
        raise NotAllowed()
    if requirement.status != Status.CLARIFIED:
        raise InvalidTransition()
    if version is not None and version != requirement.version:
        raise StaleVersion()
    Confirmation.objects.create(
        requirement=requirement,
        version=requirement.version,
        confirmed_by=actor,
        **_signed_content(requirement),
    )
    requirement.status = Status.CONFIRMED
    requirement.status_reason = ""
    _save(requirement, actor)
    tell_pm(requirement, event="confirmed", by=actor)
    emit(
        EventType.REQUIREMENT_CONFIRMED,
        project=requirement.project,
        client_visible=True,
        data={
            "requirement": {
                "id": requirement.pk,
                "number": requirement.number,
                "title": requirement.title,
                "version": requirement.version,
            },
            "confirmed_by": str(actor),
        },
    )
    return requirement


__all__ = [
    "StaleVersion",
    "requirement_confirm",
    "requirement_create",
    "requirement_transition",
    "requirement_update",
]
