"""Milestones, deliverables and the client's acceptance of them.

The workflow of a deliverable: in progress → (internal quality review passed) → submitted to the
client → accepted, or rejected with a reason per failed criterion → (reviewed again) →
resubmitted → ... Each submission is an AcceptanceRound; everything is kept (simple-history on
the deliverable, the rounds, the reviews) and shown as the deliverable's timeline. An internal
deliverable never goes to the client: after a passed quality review the PM accepts it internally.
When every deliverable of a milestone is accepted, the milestone is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.text import clean_text
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.calendar import add_business_days
from projects.models import (
    AcceptanceCriterion,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Membership,
    Milestone,
    Project,
    QualityReview,
    Role,
    Visibility,
)
from projects.permissions import (
    can_accept_deliverable,
    can_accept_deliverable_internally,
    can_edit_plan,
    can_review_quality,
)
from projects.services.notify import notify_pms
from projects.signals import deliverable_accepted, send_after_commit

if TYPE_CHECKING:
    from accounts.models import User


def client_today(project: Project, *, now: datetime | None = None) -> date:
    """Today in the client's time zone: business days for deemed acceptance count there."""
    return timezone.localdate(now or timezone.now(), timezone=ZoneInfo(project.client.time_zone))


# --- Milestones ---------------------------------------------------------------------------------


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    project: Project,
    name: str,
    due_date: date,
    description: str = "",
    visibility: str = Visibility.CLIENT,
) -> Milestone:
    """Add a milestone; its baseline due date is the due date it is created with."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    milestone = Milestone(
        project=project,
        name=clean_text(name, field="name", label=_("Name"), max_length=200),
        description=description.strip(),
        due_date=due_date,
        baseline_due_date=due_date,
        visibility=visibility,
        position=(project.milestones.aggregate(Max("position"))["position__max"] or 0) + 1,
    )
    milestone._history_user = actor  # type: ignore[attr-defined]
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    name: str,
    due_date: date,
    description: str = "",
    visibility: str | None = None,
) -> Milestone:
    """Change the current plan of a milestone; its baseline never moves. `visibility` None
    keeps it; a milestone whose deliverables await the client's answer cannot become internal
    (the client could no longer see what they are asked to decide), nor can one holding
    deliverables accepted internally become client-visible (the client would see them accepted
    without having been asked)."""
    if not can_edit_plan(actor, milestone.project):
        raise NotAllowed()
    milestone.name = clean_text(name, field="name", label=_("Name"), max_length=200)
    milestone.due_date = due_date
    milestone.description = description.strip()
    if visibility is not None and visibility != milestone.visibility:
        if visibility not in Visibility.values:
            raise InvalidInput(_("Unknown visibility."), field="visibility")
        if (
            visibility == Visibility.INTERNAL
            and milestone.deliverables.filter(status=Deliverable.Status.SUBMITTED).exists()
        ):
            raise InvalidTransition(
                _("Deliverables of this milestone await the client's answer: it stays visible.")
            )
        if (
            visibility == Visibility.CLIENT
            and milestone.deliverables.filter(
                visibility=Visibility.CLIENT, internally_accepted_at__isnull=False
            ).exists()
        ):
            raise InvalidTransition(
                _("Deliverables of this milestone were accepted internally: it stays internal.")
            )
        milestone.visibility = visibility
    milestone._history_user = actor  # type: ignore[attr-defined]
    milestone.save(update_fields=["name", "due_date", "description", "visibility"])
    return milestone


def _refresh_milestone_completion(milestone: Milestone, *, actor: User | None) -> None:
    deliverables = list(milestone.deliverables.values_list("status", flat=True))
    complete = bool(deliverables) and all(
        status in Deliverable.ACCEPTED_STATES for status in deliverables
    )
    if complete and milestone.status != Milestone.Status.COMPLETED:
        milestone.status = Milestone.Status.COMPLETED
        milestone.completed_at = timezone.now()
    elif not complete and milestone.status == Milestone.Status.COMPLETED:
        milestone.status = Milestone.Status.IN_PROGRESS
        milestone.completed_at = None
    elif not complete and any(status != Deliverable.Status.IN_PROGRESS for status in deliverables):
        milestone.status = Milestone.Status.IN_PROGRESS
    else:
        return
    milestone._history_user = actor  # type: ignore[attr-defined]
    milestone.save(update_fields=["status", "completed_at"])


# --- Deliverables -------------------------------------------------------------------------------


def _clean_criteria(criteria: list[str]) -> list[str]:
    cleaned = [line.strip() for line in criteria if line.strip()]
    for line in cleaned:
        clean_text(line, field="criteria", label=_("A criterion"), max_length=500)
    return cleaned


@transaction.atomic
def deliverable_create(
    *,
    actor: User,
    milestone: Milestone,
    name: str,
    criteria: list[str],
    description: str = "",
    owner: User | None = None,
    due_date: date | None = None,
    visibility: str = Visibility.CLIENT,
) -> Deliverable:
    project = milestone.project
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    if (
        owner is not None
        and not Membership.objects.filter(
            project=project, user=owner, role__in=[Role.PM, Role.TEAM_MEMBER]
        ).exists()
    ):
        raise InvalidInput(_("The owner must be in the project team."), field="owner")
    deliverable = Deliverable(
        project=project,
        milestone=milestone,
        name=clean_text(name, field="name", label=_("Name"), max_length=200),
        description=description.strip(),
        owner=owner,
        due_date=due_date or milestone.due_date,
        visibility=(
            Visibility.INTERNAL if milestone.visibility == Visibility.INTERNAL else visibility
        ),
    )
    deliverable._history_user = actor  # type: ignore[attr-defined]
    deliverable.save()
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(deliverable=deliverable, text=text, position=index)
        for index, text in enumerate(_clean_criteria(criteria), start=1)
    )
    _refresh_milestone_completion(milestone, actor=actor)
    return deliverable


def _is_client_visible(deliverable: Deliverable) -> bool:
    """The client sees a deliverable only if it and its milestone are client-visible (a milestone
    made internal later hides deliverables that were created client-visible)."""
    return deliverable.is_client_visible


@transaction.atomic
def quality_review_record(
    *, actor: User, deliverable: Deliverable, passed: bool, notes: str = ""
) -> QualityReview:
    """The team reviews the deliverable against its criteria before it goes to the client."""
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not can_review_quality(actor, deliverable.project):
        raise NotAllowed()
    if deliverable.status not in (Deliverable.Status.IN_PROGRESS, Deliverable.Status.REJECTED):
        raise InvalidTransition(_("Only a deliverable in progress or rejected is reviewed."))
    if not passed and not notes.strip():
        raise InvalidInput(_("Say what failed the review."), field="notes")
    return QualityReview.objects.create(
        deliverable=deliverable, reviewer=actor, passed=passed, notes=notes.strip()
    )


@transaction.atomic
def deliverable_submit(*, actor: User, deliverable: Deliverable, note: str = "") -> AcceptanceRound:
    """Submit the deliverable to the client for acceptance (a new round).

    Needs a passed quality review since the last round; notifies the client's admins and
    representatives in the portal and by e-mail, in their language.
    """
    deliverable = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("project", "project__client")
        .get(pk=deliverable.pk)
    )
    project = deliverable.project
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    if deliverable.status not in (Deliverable.Status.IN_PROGRESS, Deliverable.Status.REJECTED):
        raise InvalidTransition(_("This deliverable is not waiting to be submitted."))
    if not _is_client_visible(deliverable):
        raise InvalidTransition(_("An internal deliverable is not submitted to the client."))
    last_round = deliverable.rounds.order_by("-number").first()
    review = deliverable.quality_reviews.order_by("-created_at", "-id").first()
    if (
        review is None
        or not review.passed
        or (last_round is not None and review.created_at <= last_round.submitted_at)
    ):
        raise InvalidTransition(
            _("The deliverable needs a passed quality review before it goes to the client.")
        )
    now = timezone.now()
    deemed_on = None
    if project.deemed_acceptance_days:
        deemed_on = add_business_days(
            client_today(project, now=now), project.deemed_acceptance_days
        )
    acceptance_round = AcceptanceRound.objects.create(
        deliverable=deliverable,
        number=(last_round.number + 1) if last_round else 1,
        quality_review=review,
        submitted_by=actor,
        note=note.strip(),
        deemed_acceptance_due=deemed_on,
    )
    deliverable.status = Deliverable.Status.SUBMITTED
    deliverable.submitted_at = now
    deliverable._history_user = actor  # type: ignore[attr-defined]
    deliverable.save(update_fields=["status", "submitted_at"])
    _refresh_milestone_completion(deliverable.milestone, actor=actor)
    _tell_client_about_submission(deliverable=deliverable, acceptance_round=acceptance_round)
    return acceptance_round


def _tell_client_about_submission(
    *, deliverable: Deliverable, acceptance_round: AcceptanceRound
) -> None:
    deciders = Membership.objects.filter(
        project=deliverable.project,
        role__in=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP],
        user__is_active=True,
    ).select_related("user")
    url = reverse(
        "portal:deliverable",
        kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
    )
    for membership in deciders:
        person = membership.user
        with translation.override(person.language):
            title = _("%(deliverable)s awaits your acceptance") % {"deliverable": deliverable.name}
        notify(
            user=person,
            kind=NotificationKind.DELIVERABLE,
            outbox_kind="deliverable_submitted",
            title=title,
            url=url,
            email_template="projects/email/deliverable_submitted",
            context={
                "person": person,
                "deliverable": deliverable,
                "project": deliverable.project,
                "round": acceptance_round,
                "path": url,
            },
            dedupe_key=f"deliverable-submitted:{acceptance_round.pk}:{person.pk}",
        )


@transaction.atomic
def deliverable_accept_internally(*, actor: User, deliverable: Deliverable) -> Deliverable:
    """The PM accepts an internal deliverable for the team: it is never put to the client, so
    the team's passed quality review (its latest) stands for the client's acceptance. Records
    who and when, and completes the milestone when it was the last open deliverable. The
    client hears nothing of it (no notification, no survey on acceptance).

    Raises NotAllowed unless actor may accept deliverables internally, InvalidTransition for a
    client-visible deliverable (the client accepts it), one not in progress, or one without a
    passed quality review.
    """
    deliverable = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("project", "milestone")
        .get(pk=deliverable.pk)
    )
    if not can_accept_deliverable_internally(actor, deliverable.project):
        raise NotAllowed()
    if _is_client_visible(deliverable):
        raise InvalidTransition(
            _("A deliverable visible to the client is accepted by the client, not internally.")
        )
    if deliverable.status != Deliverable.Status.IN_PROGRESS:
        raise InvalidTransition(_("Only a deliverable in progress is accepted internally."))
    review = deliverable.quality_reviews.order_by("-created_at", "-id").first()
    if review is None or not review.passed:
        raise InvalidTransition(
            _("The deliverable needs a passed quality review before it is accepted internally.")
        )
    now = timezone.now()
    deliverable.status = Deliverable.Status.ACCEPTED
    deliverable.accepted_at = now
    deliverable.internally_accepted_by = actor
    deliverable.internally_accepted_at = now
    deliverable._history_user = actor  # type: ignore[attr-defined]
    deliverable.save(
        update_fields=["status", "accepted_at", "internally_accepted_by", "internally_accepted_at"]
    )
    _refresh_milestone_completion(deliverable.milestone, actor=actor)
    return deliverable


@dataclass(frozen=True)
class FailedCriterion:
    criterion_id: int
    reason: str


def _open_round(deliverable: Deliverable) -> AcceptanceRound:
    acceptance_round = (
        deliverable.rounds.select_for_update().filter(decision="").order_by("-number").first()
    )
    if deliverable.status != Deliverable.Status.SUBMITTED or acceptance_round is None:
        raise InvalidTransition(_("This deliverable is not awaiting acceptance."))
    return acceptance_round


@transaction.atomic
def deliverable_accept(*, actor: User, deliverable: Deliverable, comment: str = "") -> Deliverable:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not can_accept_deliverable(actor, deliverable.project) or not _is_client_visible(
        deliverable
    ):
        raise NotAllowed()
    acceptance_round = _open_round(deliverable)
    now = timezone.now()
    CriterionResult.objects.bulk_create(
        CriterionResult(round=acceptance_round, criterion=criterion, passed=True)
        for criterion in deliverable.criteria.all()
    )
    acceptance_round.decision = AcceptanceRound.Decision.ACCEPTED
    acceptance_round.decided_by = actor
    acceptance_round.decided_at = now
    acceptance_round.comment = comment.strip()
    acceptance_round.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    deliverable.status = Deliverable.Status.ACCEPTED
    deliverable.accepted_at = now
    deliverable._history_user = actor  # type: ignore[attr-defined]
    deliverable.save(update_fields=["status", "accepted_at"])
    _refresh_milestone_completion(deliverable.milestone, actor=actor)
    _tell_team(deliverable=deliverable, accepted=True, by=actor)
    send_after_commit(deliverable_accepted, deliverable_id=deliverable.pk)
    return deliverable


@transaction.atomic
def deliverable_reject(
    *,
    actor: User,
    deliverable: Deliverable,
    failed: list[FailedCriterion],
    comment: str = "",
) -> Deliverable:
    """Reject with a reason for each failed criterion (or, without criteria, a comment)."""
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not can_accept_deliverable(actor, deliverable.project) or not _is_client_visible(
        deliverable
    ):
        raise NotAllowed()
    acceptance_round = _open_round(deliverable)
    criteria = {criterion.pk: criterion for criterion in deliverable.criteria.all()}
    reasons: dict[int, str] = {}
    for item in failed:
        if item.criterion_id not in criteria:
            raise InvalidInput(_("Unknown criterion."), field="criteria")
        reason = item.reason.strip()
        if not reason:
            raise InvalidInput(
                _("Give a reason for each criterion that is not met."), field="criteria"
            )
        if item.criterion_id in reasons:
            raise InvalidInput(_("Each criterion is judged once."), field="criteria")
        reasons[item.criterion_id] = reason
    if criteria and not reasons:
        raise InvalidInput(
            _("Mark at least one criterion as not met, with the reason."), field="criteria"
        )
    if not criteria and not comment.strip():
        raise InvalidInput(_("Say why the deliverable is rejected."), field="comment")
    CriterionResult.objects.bulk_create(
        CriterionResult(
            round=acceptance_round,
            criterion=criterion,
            passed=criterion_id not in reasons,
            reason=reasons.get(criterion_id, ""),
        )
        for criterion_id, criterion in criteria.items()
    )
    acceptance_round.decision = AcceptanceRound.Decision.REJECTED
    acceptance_round.decided_by = actor
    acceptance_round.decided_at = timezone.now()
    acceptance_round.comment = comment.strip()
    acceptance_round.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    deliverable.status = Deliverable.Status.REJECTED
    deliverable._history_user = actor  # type: ignore[attr-defined]
    deliverable.save(update_fields=["status"])
    _refresh_milestone_completion(deliverable.milestone, actor=actor)
    _tell_team(deliverable=deliverable, accepted=False, by=actor)
    return deliverable


@transaction.atomic
def deliverable_deem_accepted(*, deliverable_id: int, today: date | None = None) -> bool:
    """The system accepts a deliverable the client did not answer by its deemed-acceptance day
    (the project's rule, stated on the acceptance page). Safe to run twice."""
    deliverable = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("project__client")
        .filter(pk=deliverable_id)
        .first()
    )
    if deliverable is None or deliverable.status != Deliverable.Status.SUBMITTED:
        return False
    acceptance_round = deliverable.rounds.filter(decision="").order_by("-number").first()
    today = today or client_today(deliverable.project)
    if (
        acceptance_round is None
        or acceptance_round.deemed_acceptance_due is None
        or acceptance_round.deemed_acceptance_due > today
    ):
        return False
    now = timezone.now()
    acceptance_round.decision = AcceptanceRound.Decision.DEEMED_ACCEPTED
    acceptance_round.decided_at = now
    acceptance_round.save(update_fields=["decision", "decided_at"])
    deliverable.status = Deliverable.Status.DEEMED_ACCEPTED
    deliverable.accepted_at = now
    deliverable.save(update_fields=["status", "accepted_at"])
    _refresh_milestone_completion(deliverable.milestone, actor=None)
    _tell_team(deliverable=deliverable, accepted=True, by=None)
    send_after_commit(deliverable_accepted, deliverable_id=deliverable.pk)
    return True


def _tell_team(*, deliverable: Deliverable, accepted: bool, by: User | None) -> None:
    def title() -> str:
        if by is None:
            return _("%(deliverable)s is deemed accepted") % {"deliverable": deliverable.name}
        if accepted:
            message = _("%(person)s accepted %(deliverable)s")
        else:
            message = _("%(person)s rejected %(deliverable)s")
        return message % {"person": by.display_name, "deliverable": deliverable.name}

    notify_pms(
        deliverable.project_id,
        title=title,
        url=reverse(
            "projects:deliverable",
            kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
        ),
    )
