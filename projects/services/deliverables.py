"""Deliverables up to the client's answer: creation with acceptance criteria, the team's quality
reviews, submission to the client (or, for an internal deliverable, the PM's internal acceptance).

The workflow of a deliverable: in progress → (internal quality review passed) → submitted to the
client → accepted, or rejected with a reason per failed criterion (projects.services.acceptance)
→ (reviewed again) → resubmitted → ... Each submission is an AcceptanceRound; everything is kept
(simple-history on the deliverable, the rounds, the reviews) and shown as the deliverable's
timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.calendars import calendar_for_organization_id
from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.text import clean_text
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.calendar import add_business_days
from projects.models import (
    AcceptanceCriterion,
    AcceptanceRound,
    Deliverable,
    Membership,
    Milestone,
    Project,
    QualityReview,
    Role,
    Visibility,
)
from projects.permissions import (
    can_accept_deliverable_internally,
    can_edit_plan,
    can_review_quality,
)

if TYPE_CHECKING:
    from accounts.models import User
from common.history import set_history_user
from projects.services.milestones import refresh_milestone_completion


def client_today(project: Project, *, now: datetime | None = None) -> date:
    """Today in the client's time zone: business days for deemed acceptance count there."""
    return timezone.localdate(now or timezone.now(), timezone=ZoneInfo(project.client.time_zone))


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
    set_history_user(deliverable, actor)
    deliverable.save()
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(deliverable=deliverable, text=text, position=index)
        for index, text in enumerate(_clean_criteria(criteria), start=1)
    )
    refresh_milestone_completion(milestone, actor=actor)
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
        # Counted in the client's calendar: its weekdays, public and own holidays.
        today = client_today(project, now=now)
        deemed_on = add_business_days(
            today,
            project.deemed_acceptance_days,
            calendar_for_organization_id(project.client_id, around=today),
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
    set_history_user(deliverable, actor)
    deliverable.save(update_fields=["status", "submitted_at"])
    refresh_milestone_completion(deliverable.milestone, actor=actor)
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
    set_history_user(deliverable, actor)
    deliverable.save(
        update_fields=["status", "accepted_at", "internally_accepted_by", "internally_accepted_at"]
    )
    refresh_milestone_completion(deliverable.milestone, actor=actor)
    return deliverable
