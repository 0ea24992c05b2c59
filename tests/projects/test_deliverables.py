"""Milestones, deliverables and the client's acceptance of them (projects.services.deliverables,
projects.selectors, projects.tasks)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, WorkingCalendar
from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from notifications.models import Notification, OutboxMessage
from projects.calendar import add_business_days
from projects.models import (
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Milestone,
    QualityReview,
    Role,
    Visibility,
)
from projects.selectors import (
    deliverable_get_for,
    deliverable_list_for,
    deliverable_rounds,
    deliverables_awaiting_decision_for,
    milestone_list_for,
    quality_reviews_for,
)
from projects.services.acceptance import (
    FailedCriterion,
    deliverable_accept,
    deliverable_deem_accepted,
    deliverable_reject,
)
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.milestones import milestone_create, milestone_update
from projects.tasks import deemed_acceptance_task
from tests.factories import UserFactory, add_member

DUE = date(2025, 3, 31)
CRITERIA = ["All open orders migrated", "Stock levels reconcile", "Finance signs off the ledger"]
CLIENT_ROLE_NAMES = ["client_admin", "rep", "viewer"]
DECIDERS = ["client_admin", "rep"]
NOT_DECIDERS = ["pm", "am", "teammate", "viewer", "other_client_rep", "outsider", "staff_admin"]
NOT_PM = [
    "am",
    "teammate",
    "client_admin",
    "rep",
    "viewer",
    "other_client_rep",
    "outsider",
    "staff_admin",
]


# --- Helpers ------------------------------------------------------------------------------------


def new_milestone(pm, project, *, name="Go-live", visibility=Visibility.CLIENT) -> Milestone:
    return milestone_create(
        actor=pm, project=project, name=name, due_date=DUE, visibility=visibility
    )


def new_deliverable(
    pm, milestone, *, name="Data migration", criteria=None, visibility=Visibility.CLIENT
) -> Deliverable:
    return deliverable_create(
        actor=pm,
        milestone=milestone,
        name=name,
        criteria=list(CRITERIA if criteria is None else criteria),
        visibility=visibility,
    )


def submit(capture, actor, deliverable, **kwargs) -> tuple[AcceptanceRound, list]:
    """Submit without letting the e-mail send reach a broker; returns the round and the e-mail
    sends that would have been queued on commit (the tasks queued, not the cache refreshes of
    the notified people's unread badges)."""
    with capture(execute=False) as callbacks:
        acceptance_round = deliverable_submit(actor=actor, deliverable=deliverable, **kwargs)
    sends = [c for c in callbacks if getattr(getattr(c, "func", None), "__name__", "") == "enqueue"]
    return acceptance_round, sends


def review_and_submit(capture, pm, deliverable, *, reviewer=None) -> AcceptanceRound:
    quality_review_record(actor=reviewer or pm, deliverable=deliverable, passed=True)
    acceptance_round, _ = submit(capture, pm, deliverable)
    deliverable.refresh_from_db()
    return acceptance_round


def submitted_deliverable(capture, pm, project, *, milestone=None, name="Data migration"):
    """A deliverable of `project` that waits for the client's decision (round 1 open)."""
    milestone = milestone or new_milestone(pm, project)
    deliverable = new_deliverable(pm, milestone, name=name)
    review_and_submit(capture, pm, deliverable)
    return deliverable


def criteria_of(deliverable) -> list:
    return list(deliverable.criteria.order_by("position"))


def state_of(deliverable) -> dict[str, Any]:
    """Everything a deliverable transition may change, read back from the database."""
    deliverable = Deliverable.objects.select_related("milestone").get(pk=deliverable.pk)
    return {
        "deliverable": (
            deliverable.status,
            deliverable.visibility,
            deliverable.submitted_at,
            deliverable.accepted_at,
        ),
        "milestone": (deliverable.milestone.status, deliverable.milestone.completed_at),
        "rounds": list(
            AcceptanceRound.objects.filter(deliverable=deliverable)
            .order_by("number")
            .values_list(
                "number",
                "quality_review_id",
                "decision",
                "decided_by_id",
                "decided_at",
                "comment",
                "deemed_acceptance_due",
            )
        ),
        "results": list(
            CriterionResult.objects.filter(round__deliverable=deliverable)
            .order_by("round__number", "criterion__position")
            .values_list("round__number", "criterion_id", "passed", "reason")
        ),
        "reviews": list(deliverable.quality_reviews.order_by("id").values_list("id", "passed")),
        "history": deliverable.history.count(),
        "notifications": list(Notification.objects.order_by("id").values_list("id", flat=True)),
        "outbox": list(OutboxMessage.objects.order_by("id").values_list("id", flat=True)),
    }


def milestone_row(milestone) -> tuple:
    return tuple(
        Milestone.objects.filter(pk=milestone.pk).values_list(
            "name", "description", "due_date", "baseline_due_date", "visibility", "status"
        )[0]
    )


def portal_url(deliverable) -> str:
    return reverse(
        "portal:deliverable",
        kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
    )


def staff_url(deliverable) -> str:
    return reverse(
        "projects:deliverable",
        kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
    )


def fresh(user) -> User:
    """The user as a new request would load them (no cached project roles)."""
    return User.objects.get(pk=user.pk)


# --- 1. Milestones ------------------------------------------------------------------------------


def test_pm_creates_a_milestone_with_its_baseline(cast):
    milestone = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="  Go-live  ",
        due_date=DUE,
        description=" Cut over to the new warehouse system. ",
    )

    assert milestone_row(milestone) == (
        "Go-live",
        "Cut over to the new warehouse system.",
        DUE,
        DUE,
        Visibility.CLIENT,
        Milestone.Status.PLANNED,
    )
    assert milestone.completed_at is None
    assert [(h.history_type, h.history_user) for h in milestone.history.all()] == [("+", cast.pm)]


def test_milestones_get_increasing_positions(cast):
    first = new_milestone(cast.pm, cast.project, name="Design")
    second = new_milestone(cast.pm, cast.project, name="Build")

    assert (first.position, second.position) == (1, 2)


@pytest.mark.parametrize("role_name", NOT_PM)
def test_only_the_pm_creates_milestones(cast, role_name):
    with pytest.raises(NotAllowed):
        milestone_create(
            actor=cast.by_name(role_name), project=cast.project, name="Go-live", due_date=DUE
        )

    assert Milestone.objects.count() == 0


def test_pm_of_another_project_cannot_create_milestones_here(cast):
    with pytest.raises(NotAllowed):
        milestone_create(actor=cast.pm, project=cast.other_project, name="Go-live", due_date=DUE)

    assert Milestone.objects.count() == 0


def test_baseline_never_moves_when_the_plan_changes(cast):
    milestone = new_milestone(cast.pm, cast.project)
    later = DUE + timedelta(days=14)
    earlier = DUE - timedelta(days=7)

    milestone_update(actor=cast.pm, milestone=milestone, name="Go-live (phase 1)", due_date=later)
    assert milestone_row(milestone)[:4] == ("Go-live (phase 1)", "", later, DUE)

    milestone_update(
        actor=cast.pm,
        milestone=milestone,
        name="Go-live",
        due_date=earlier,
        description="Pulled in.",
        visibility=Visibility.INTERNAL,
    )
    assert milestone_row(milestone) == (
        "Go-live",
        "Pulled in.",
        earlier,
        DUE,
        Visibility.INTERNAL,
        Milestone.Status.PLANNED,
    )
    assert [h.history_user for h in milestone.history.order_by("history_id")] == [cast.pm] * 3


@pytest.mark.parametrize("role_name", NOT_PM)
def test_only_the_pm_updates_milestones(cast, role_name):
    milestone = new_milestone(cast.pm, cast.project)
    before = milestone_row(milestone)

    with pytest.raises(NotAllowed):
        milestone_update(
            actor=cast.by_name(role_name),
            milestone=milestone,
            name="Moved",
            due_date=DUE + timedelta(days=30),
        )

    assert milestone_row(milestone) == before
    assert milestone.history.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_milestone_name_is_required_and_short(cast, name):
    with pytest.raises(InvalidInput) as error:
        milestone_create(actor=cast.pm, project=cast.project, name=name, due_date=DUE)

    assert error.value.field == "name"
    assert Milestone.objects.count() == 0


def test_milestone_name_of_200_characters_is_fine(cast):
    milestone = milestone_create(actor=cast.pm, project=cast.project, name="x" * 200, due_date=DUE)

    assert milestone_row(milestone)[0] == "x" * 200


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_milestone_update_with_a_bad_name_changes_nothing(cast, name):
    milestone = new_milestone(cast.pm, cast.project)
    before = milestone_row(milestone)

    with pytest.raises(InvalidInput) as error:
        milestone_update(
            actor=cast.pm, milestone=milestone, name=name, due_date=DUE + timedelta(days=1)
        )

    assert error.value.field == "name"
    assert milestone_row(milestone) == before
    assert milestone.history.count() == 1


# --- 2. Deliverables ----------------------------------------------------------------------------


def test_pm_creates_a_deliverable_with_its_criteria_in_order(cast):
    milestone = new_milestone(cast.pm, cast.project)

    deliverable = deliverable_create(
        actor=cast.pm,
        milestone=milestone,
        name=" Data migration ",
        criteria=["  Orders migrated ", "", "   ", "Stock reconciles", "\t", "Ledger signed off"],
        description=" From the old system. ",
        owner=cast.teammate,
    )

    deliverable = Deliverable.objects.get(pk=deliverable.pk)
    assert (
        deliverable.project,
        deliverable.milestone,
        deliverable.name,
        deliverable.description,
        deliverable.owner,
        deliverable.due_date,
        deliverable.status,
        deliverable.visibility,
        deliverable.submitted_at,
        deliverable.accepted_at,
    ) == (
        cast.project,
        milestone,
        "Data migration",
        "From the old system.",
        cast.teammate,
        DUE,
        Deliverable.Status.IN_PROGRESS,
        Visibility.CLIENT,
        None,
        None,
    )
    assert [(c.position, c.text) for c in criteria_of(deliverable)] == [
        (1, "Orders migrated"),
        (2, "Stock reconciles"),
        (3, "Ledger signed off"),
    ]
    assert [(h.history_type, h.history_user) for h in deliverable.history.all()] == [("+", cast.pm)]
    assert milestone_row(milestone)[5] == Milestone.Status.PLANNED


@pytest.mark.parametrize("owner_name", ["pm", "teammate"])
def test_deliverable_owner_from_the_project_team(cast, owner_name):
    milestone = new_milestone(cast.pm, cast.project)
    owner = cast.by_name(owner_name)

    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Data migration", criteria=[], owner=owner
    )

    assert Deliverable.objects.get(pk=deliverable.pk).owner == owner


@pytest.mark.parametrize(
    "owner_name", ["am", "client_admin", "rep", "viewer", "other_client_rep", "outsider"]
)
def test_deliverable_owner_outside_the_project_team_is_refused(cast, owner_name):
    milestone = new_milestone(cast.pm, cast.project)

    with pytest.raises(InvalidInput) as error:
        deliverable_create(
            actor=cast.pm,
            milestone=milestone,
            name="Data migration",
            criteria=CRITERIA,
            owner=cast.by_name(owner_name),
        )

    assert error.value.field == "owner"
    assert Deliverable.objects.count() == 0


@pytest.mark.parametrize("role_name", NOT_PM)
def test_only_the_pm_creates_deliverables(cast, role_name):
    milestone = new_milestone(cast.pm, cast.project)

    with pytest.raises(NotAllowed):
        deliverable_create(
            actor=cast.by_name(role_name), milestone=milestone, name="Data", criteria=CRITERIA
        )

    assert Deliverable.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "criteria", "field"),
    [
        ("", CRITERIA, "name"),
        ("x" * 201, CRITERIA, "name"),
        ("Data migration", ["Fine", "y" * 501], "criteria"),
    ],
)
def test_deliverable_with_bad_input_is_not_created(cast, name, criteria, field):
    milestone = new_milestone(cast.pm, cast.project)

    with pytest.raises(InvalidInput) as error:
        deliverable_create(actor=cast.pm, milestone=milestone, name=name, criteria=criteria)

    assert error.value.field == field
    assert Deliverable.objects.count() == 0
    assert Deliverable.history.count() == 0


def test_deliverable_of_an_internal_milestone_is_internal(cast):
    milestone = new_milestone(cast.pm, cast.project, visibility=Visibility.INTERNAL)

    deliverable = new_deliverable(cast.pm, milestone, visibility=Visibility.CLIENT)

    assert Deliverable.objects.get(pk=deliverable.pk).visibility == Visibility.INTERNAL


def test_internal_deliverable_of_a_client_milestone_stays_internal(cast):
    milestone = new_milestone(cast.pm, cast.project)

    deliverable = new_deliverable(cast.pm, milestone, visibility=Visibility.INTERNAL)

    assert Deliverable.objects.get(pk=deliverable.pk).visibility == Visibility.INTERNAL


# --- 3. Workflow: quality review and submission -------------------------------------------------


@pytest.mark.parametrize("reviewer_name", ["pm", "teammate"])
def test_team_records_a_quality_review(cast, reviewer_name):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    reviewer = cast.by_name(reviewer_name)

    review = quality_review_record(
        actor=reviewer, deliverable=deliverable, passed=True, notes=" Checked all three. "
    )

    assert list(
        QualityReview.objects.values_list("deliverable", "reviewer", "passed", "notes")
    ) == [(deliverable.pk, reviewer.pk, True, "Checked all three.")]
    assert review.pk == QualityReview.objects.get().pk
    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.IN_PROGRESS


@pytest.mark.parametrize(
    "role_name",
    ["am", "client_admin", "rep", "viewer", "other_client_rep", "outsider", "staff_admin"],
)
def test_quality_review_by_anyone_else_is_not_allowed(cast, role_name):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    before = state_of(deliverable)

    with pytest.raises(NotAllowed):
        quality_review_record(actor=cast.by_name(role_name), deliverable=deliverable, passed=True)

    assert state_of(deliverable) == before
    assert QualityReview.objects.count() == 0


@pytest.mark.parametrize("notes", ["", "  \n "])
def test_failed_quality_review_needs_notes(cast, notes):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))

    with pytest.raises(InvalidInput) as error:
        quality_review_record(actor=cast.pm, deliverable=deliverable, passed=False, notes=notes)

    assert error.value.field == "notes"
    assert QualityReview.objects.count() == 0


def test_submit_without_a_quality_review_is_refused(cast, django_capture_on_commit_callbacks):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    before = state_of(deliverable)

    with pytest.raises(InvalidTransition):
        submit(django_capture_on_commit_callbacks, cast.pm, deliverable)

    assert state_of(deliverable) == before
    assert AcceptanceRound.objects.count() == 0


def test_submit_after_a_failed_review_is_refused(cast, django_capture_on_commit_callbacks):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    quality_review_record(
        actor=cast.teammate, deliverable=deliverable, passed=False, notes="Stock is off by 3."
    )
    before = state_of(deliverable)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(InvalidTransition),
    ):
        deliverable_submit(actor=cast.pm, deliverable=deliverable)

    assert state_of(deliverable) == before
    assert callbacks == []


@pytest.mark.parametrize("role_name", NOT_PM)
def test_only_the_pm_submits(cast, django_capture_on_commit_callbacks, role_name):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    before = state_of(deliverable)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(NotAllowed),
    ):
        deliverable_submit(actor=cast.by_name(role_name), deliverable=deliverable)

    assert state_of(deliverable) == before
    assert callbacks == []


def test_internal_deliverable_is_not_submitted(cast, django_capture_on_commit_callbacks):
    milestone = new_milestone(cast.pm, cast.project)
    deliverable = new_deliverable(cast.pm, milestone, visibility=Visibility.INTERNAL)
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    before = state_of(deliverable)

    with pytest.raises(InvalidTransition):
        submit(django_capture_on_commit_callbacks, cast.pm, deliverable)

    assert state_of(deliverable) == before


def test_deliverable_of_a_milestone_made_internal_is_not_submitted(
    cast, django_capture_on_commit_callbacks
):
    """The client would be told about an item they cannot open."""
    milestone = new_milestone(cast.pm, cast.project)
    deliverable = new_deliverable(cast.pm, milestone)
    milestone_update(
        actor=cast.pm,
        milestone=milestone,
        name=milestone.name,
        due_date=DUE,
        visibility=Visibility.INTERNAL,
    )
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    before = state_of(deliverable)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(InvalidTransition),
    ):
        deliverable_submit(actor=cast.pm, deliverable=deliverable)

    assert state_of(deliverable) == before
    assert callbacks == []


def test_submit_opens_round_one_and_tells_the_client_deciders(
    cast, django_capture_on_commit_callbacks
):
    cast.rep.language = "zh-hans"
    cast.rep.save(update_fields=["language"])
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    review = quality_review_record(actor=cast.teammate, deliverable=deliverable, passed=True)

    acceptance_round, callbacks = submit(
        django_capture_on_commit_callbacks, cast.pm, deliverable, note=" Ready for UAT. "
    )

    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.SUBMITTED
    assert deliverable.submitted_at is not None
    assert deliverable.accepted_at is None
    assert list(
        AcceptanceRound.objects.values_list(
            "deliverable", "number", "quality_review", "submitted_by", "note", "decision"
        )
    ) == [(deliverable.pk, 1, review.pk, cast.pm.pk, "Ready for UAT.", "")]
    assert acceptance_round.deemed_acceptance_due is None
    assert CriterionResult.objects.count() == 0
    # In the portal: the client admin and the representative, not the viewer nor client B.
    notifications = Notification.objects.order_by("user__email")
    assert [(n.user, n.url) for n in notifications] == [
        (cast.client_admin, portal_url(deliverable)),
        (cast.rep, portal_url(deliverable)),
    ]
    assert notifications[0].title == "Data migration awaits your acceptance"
    # By e-mail, each in their own language; sent only after the commit.
    assert sorted(
        OutboxMessage.objects.values_list("kind", "to_user", "to_email", "language", "status")
    ) == sorted(
        [
            ("deliverable_submitted", cast.client_admin.pk, "admin@a.test", "en", "pending"),
            ("deliverable_submitted", cast.rep.pk, "rep@a.test", "zh-hans", "pending"),
        ]
    )
    english = OutboxMessage.objects.get(to_user=cast.client_admin)
    assert english.subject == "Data migration awaits your acceptance (A One)"
    assert portal_url(deliverable) in english.body_text
    assert "Ready for UAT." in english.body_text
    assert len(callbacks) == 2
    # The milestone is now under way.
    assert deliverable.milestone.status == Milestone.Status.IN_PROGRESS
    assert [
        (h.history_type, h.status, h.history_user)
        for h in deliverable.history.order_by("history_id")
    ] == [
        ("+", Deliverable.Status.IN_PROGRESS, cast.pm),
        ("~", Deliverable.Status.SUBMITTED, cast.pm),
    ]


def test_inactive_client_rep_is_not_told(cast, django_capture_on_commit_callbacks):
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])

    submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)

    assert list(Notification.objects.values_list("user", flat=True)) == [cast.client_admin.pk]
    assert list(OutboxMessage.objects.values_list("to_user", flat=True)) == [cast.client_admin.pk]


def test_submitted_deliverable_is_not_submitted_again(cast, django_capture_on_commit_callbacks):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    before = state_of(deliverable)

    with pytest.raises(InvalidTransition):
        submit(django_capture_on_commit_callbacks, cast.pm, deliverable)
    with pytest.raises(InvalidTransition):
        quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)

    assert state_of(deliverable) == before


# --- 3. Workflow: the client's decision ---------------------------------------------------------


@pytest.mark.parametrize("decider_name", DECIDERS)
def test_client_decider_accepts(cast, django_capture_on_commit_callbacks, decider_name):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    decider = cast.by_name(decider_name)
    notified_before = Notification.objects.count()
    outbox_before = OutboxMessage.objects.count()

    result = deliverable_accept(actor=decider, deliverable=deliverable, comment=" Looks good. ")

    deliverable.refresh_from_db()
    assert result.status == deliverable.status == Deliverable.Status.ACCEPTED
    assert deliverable.accepted_at is not None
    acceptance_round = AcceptanceRound.objects.get()
    assert (
        acceptance_round.number,
        acceptance_round.decision,
        acceptance_round.decided_by,
        acceptance_round.comment,
    ) == (1, AcceptanceRound.Decision.ACCEPTED, decider, "Looks good.")
    assert acceptance_round.decided_at == deliverable.accepted_at
    assert list(
        CriterionResult.objects.order_by("criterion__position").values_list(
            "round", "criterion__text", "passed", "reason"
        )
    ) == [(acceptance_round.pk, text, True, "") for text in CRITERIA]
    # The PM (only) hears of it in the app; no e-mail.
    new_notifications = Notification.objects.order_by("id")[notified_before:]
    assert [(n.user, n.title, n.url) for n in new_notifications] == [
        (cast.pm, f"{decider.display_name} accepted Data migration", staff_url(deliverable))
    ]
    assert OutboxMessage.objects.count() == outbox_before
    assert deliverable.history.latest("history_id").history_user == decider


@pytest.mark.parametrize("role_name", NOT_DECIDERS)
def test_nobody_else_accepts(cast, django_capture_on_commit_callbacks, role_name):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    before = state_of(deliverable)

    with pytest.raises(NotAllowed):
        deliverable_accept(actor=cast.by_name(role_name), deliverable=deliverable)

    assert state_of(deliverable) == before


@pytest.mark.parametrize("role_name", NOT_DECIDERS)
def test_nobody_else_rejects(cast, django_capture_on_commit_callbacks, role_name):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    criterion = criteria_of(deliverable)[0]
    before = state_of(deliverable)

    with pytest.raises(NotAllowed):
        deliverable_reject(
            actor=cast.by_name(role_name),
            deliverable=deliverable,
            failed=[FailedCriterion(criterion.pk, "Orders from March are missing.")],
        )

    assert state_of(deliverable) == before


def test_client_cannot_decide_on_a_deliverable_not_submitted(cast):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    criterion = criteria_of(deliverable)[0]
    before = state_of(deliverable)

    with pytest.raises(InvalidTransition):
        deliverable_accept(actor=cast.rep, deliverable=deliverable)
    with pytest.raises(InvalidTransition):
        deliverable_reject(
            actor=cast.rep, deliverable=deliverable, failed=[FailedCriterion(criterion.pk, "No.")]
        )

    assert state_of(deliverable) == before


def test_client_rejects_with_a_reason_per_failed_criterion(
    cast, django_capture_on_commit_callbacks
):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    orders, stock, ledger = criteria_of(deliverable)
    notified_before = Notification.objects.count()
    outbox_before = OutboxMessage.objects.count()

    result = deliverable_reject(
        actor=cast.rep,
        deliverable=deliverable,
        failed=[
            FailedCriterion(orders.pk, " Orders from March are missing. "),
            FailedCriterion(ledger.pk, "Ledger not signed."),
        ],
        comment=" Please fix and resend. ",
    )

    deliverable.refresh_from_db()
    assert result.status == deliverable.status == Deliverable.Status.REJECTED
    assert deliverable.accepted_at is None
    acceptance_round = AcceptanceRound.objects.get()
    assert (
        acceptance_round.decision,
        acceptance_round.decided_by,
        acceptance_round.comment,
    ) == (AcceptanceRound.Decision.REJECTED, cast.rep, "Please fix and resend.")
    assert acceptance_round.decided_at is not None
    assert list(
        CriterionResult.objects.order_by("criterion__position").values_list(
            "round", "criterion", "passed", "reason"
        )
    ) == [
        (acceptance_round.pk, orders.pk, False, "Orders from March are missing."),
        (acceptance_round.pk, stock.pk, True, ""),
        (acceptance_round.pk, ledger.pk, False, "Ledger not signed."),
    ]
    new_notifications = Notification.objects.order_by("id")[notified_before:]
    assert [(n.user, n.title, n.url) for n in new_notifications] == [
        (cast.pm, "Rory Rep rejected Data migration", staff_url(deliverable))
    ]
    assert OutboxMessage.objects.count() == outbox_before
    assert deliverable.milestone.status == Milestone.Status.IN_PROGRESS


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_rejection_with_a_blank_reason_changes_nothing(
    cast, django_capture_on_commit_callbacks, reason
):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    orders, stock, _ = criteria_of(deliverable)
    before = state_of(deliverable)

    with pytest.raises(InvalidInput) as error:
        deliverable_reject(
            actor=cast.rep,
            deliverable=deliverable,
            failed=[
                FailedCriterion(orders.pk, "Missing orders."),
                FailedCriterion(stock.pk, reason),
            ],
        )

    assert error.value.field == "criteria"
    assert state_of(deliverable) == before


def test_rejection_without_a_failed_criterion_changes_nothing(
    cast, django_capture_on_commit_callbacks
):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    before = state_of(deliverable)

    with pytest.raises(InvalidInput) as error:
        deliverable_reject(
            actor=cast.client_admin, deliverable=deliverable, failed=[], comment="Not good."
        )

    assert error.value.field == "criteria"
    assert state_of(deliverable) == before


def test_rejection_naming_an_unknown_criterion_changes_nothing(
    cast, django_capture_on_commit_callbacks
):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    other = new_deliverable(cast.pm, deliverable.milestone, name="Training")
    foreign_criterion = criteria_of(other)[0]
    before = state_of(deliverable)

    for criterion_id in (foreign_criterion.pk, 999_999_999):
        with pytest.raises(InvalidInput) as error:
            deliverable_reject(
                actor=cast.rep,
                deliverable=deliverable,
                failed=[FailedCriterion(criterion_id, "Wrong.")],
            )
        assert error.value.field == "criteria"

    assert state_of(deliverable) == before


def test_deliverable_without_criteria_is_rejected_with_a_comment(
    cast, django_capture_on_commit_callbacks
):
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project), criteria=[])
    review_and_submit(django_capture_on_commit_callbacks, cast.pm, deliverable)
    before = state_of(deliverable)

    with pytest.raises(InvalidInput) as error:
        deliverable_reject(actor=cast.rep, deliverable=deliverable, failed=[], comment="  ")
    assert error.value.field == "comment"
    assert state_of(deliverable) == before

    deliverable_reject(actor=cast.rep, deliverable=deliverable, failed=[], comment="Too slow.")
    assert list(AcceptanceRound.objects.values_list("decision", "comment")) == [
        (AcceptanceRound.Decision.REJECTED, "Too slow.")
    ]
    assert CriterionResult.objects.count() == 0


def test_resubmission_needs_a_new_passed_review_and_keeps_the_history(
    cast, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    deliverable = new_deliverable(cast.pm, new_milestone(cast.pm, cast.project))
    first_review = quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    submit(capture, cast.pm, deliverable)
    orders = criteria_of(deliverable)[0]
    deliverable_reject(
        actor=cast.rep, deliverable=deliverable, failed=[FailedCriterion(orders.pk, "March.")]
    )

    # The review that passed before round 1 is not enough for round 2.
    before = state_of(deliverable)
    with pytest.raises(InvalidTransition):
        submit(capture, cast.pm, deliverable)
    assert state_of(deliverable) == before

    # Nor is a new review that failed.
    quality_review_record(
        actor=cast.teammate, deliverable=deliverable, passed=False, notes="March still missing."
    )
    before = state_of(deliverable)
    with pytest.raises(InvalidTransition):
        submit(capture, cast.pm, deliverable)
    assert state_of(deliverable) == before

    # A new passed review is.
    second_review = quality_review_record(
        actor=cast.teammate, deliverable=deliverable, passed=True, notes="March migrated."
    )
    second_round, callbacks = submit(capture, cast.pm, deliverable)
    assert second_round.number == 2
    assert second_round.quality_review == second_review
    assert len(callbacks) == 2
    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.SUBMITTED

    deliverable_accept(actor=cast.client_admin, deliverable=deliverable)

    rounds = list(deliverable_rounds(deliverable=deliverable))
    assert [
        (r.number, r.quality_review_id, r.submitted_by, r.decision, r.decided_by) for r in rounds
    ] == [
        (2, second_review.pk, cast.pm, AcceptanceRound.Decision.ACCEPTED, cast.client_admin),
        (1, first_review.pk, cast.pm, AcceptanceRound.Decision.REJECTED, cast.rep),
    ]
    _, stock, ledger = criteria_of(deliverable)
    assert [
        [(c.criterion_id, c.passed, c.reason) for c in r.criterion_results.all()] for r in rounds
    ] == [
        [(orders.pk, True, ""), (stock.pk, True, ""), (ledger.pk, True, "")],
        [(orders.pk, False, "March."), (stock.pk, True, ""), (ledger.pk, True, "")],
    ]
    assert [
        (h.history_type, h.status, h.history_user)
        for h in deliverable.history.order_by("history_id")
    ] == [
        ("+", Deliverable.Status.IN_PROGRESS, cast.pm),
        ("~", Deliverable.Status.SUBMITTED, cast.pm),
        ("~", Deliverable.Status.REJECTED, cast.rep),
        ("~", Deliverable.Status.SUBMITTED, cast.pm),
        ("~", Deliverable.Status.ACCEPTED, cast.client_admin),
    ]
    assert QualityReview.objects.filter(deliverable=deliverable).count() == 3
    # Each submission told the client; each decision told the PM.
    assert OutboxMessage.objects.count() == 4
    assert list(
        Notification.objects.filter(user=cast.pm).order_by("id").values_list("title", flat=True)
    ) == ["Rory Rep rejected Data migration", "Clara Admin accepted Data migration"]


def test_accepting_twice_is_refused(cast, django_capture_on_commit_callbacks):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    deliverable_accept(actor=cast.rep, deliverable=deliverable)
    before = state_of(deliverable)

    for decider in (cast.rep, cast.client_admin):
        with pytest.raises(InvalidTransition):
            deliverable_accept(actor=decider, deliverable=deliverable)
    with pytest.raises(InvalidTransition):
        deliverable_reject(
            actor=cast.client_admin,
            deliverable=deliverable,
            failed=[FailedCriterion(criteria_of(deliverable)[0].pk, "Changed my mind.")],
        )

    assert state_of(deliverable) == before


@pytest.mark.parametrize("decider_name", DECIDERS)
def test_client_cannot_decide_on_a_deliverable_whose_milestone_became_internal(
    cast, django_capture_on_commit_callbacks, decider_name
):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    # milestone_update refuses this (see below); the services must hold even if it happened.
    Milestone.objects.filter(pk=deliverable.milestone_id).update(visibility=Visibility.INTERNAL)
    before = state_of(deliverable)

    with pytest.raises(NotAllowed):
        deliverable_accept(actor=cast.by_name(decider_name), deliverable=deliverable)
    with pytest.raises(NotAllowed):
        deliverable_reject(
            actor=cast.by_name(decider_name),
            deliverable=deliverable,
            failed=[FailedCriterion(criteria_of(deliverable)[0].pk, "No.")],
        )

    assert state_of(deliverable) == before


# --- 4. Milestone completion --------------------------------------------------------------------


def test_milestone_completes_exactly_when_all_its_deliverables_are_accepted(
    cast, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cast.project.deemed_acceptance_days = 3
    cast.project.save(update_fields=["deemed_acceptance_days"])
    milestone = new_milestone(cast.pm, cast.project)
    migration = submitted_deliverable(capture, cast.pm, cast.project, milestone=milestone)
    training = submitted_deliverable(
        capture, cast.pm, cast.project, milestone=milestone, name="Training"
    )
    assert milestone_row(milestone)[5] == Milestone.Status.IN_PROGRESS

    deliverable_reject(
        actor=cast.rep,
        deliverable=training,
        failed=[FailedCriterion(criteria_of(training)[0].pk, "Half the staff missed it.")],
    )
    deliverable_accept(actor=cast.rep, deliverable=migration)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_at) == (Milestone.Status.IN_PROGRESS, None)

    review_and_submit(capture, cast.pm, training)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_at) == (Milestone.Status.IN_PROGRESS, None)

    # The second one is deemed accepted: that completes the milestone too.
    due = AcceptanceRound.objects.get(deliverable=training, decision="").deemed_acceptance_due
    started = timezone.now()
    assert deliverable_deem_accepted(deliverable_id=training.pk, today=due) is True
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.COMPLETED
    assert started <= milestone.completed_at <= timezone.now()
    assert milestone.history.latest("history_id").status == Milestone.Status.COMPLETED


def test_a_new_deliverable_reopens_a_completed_milestone(cast, django_capture_on_commit_callbacks):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    milestone = deliverable.milestone
    deliverable_accept(actor=cast.client_admin, deliverable=deliverable)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.COMPLETED
    assert milestone.completed_at is not None

    new_deliverable(cast.pm, milestone, name="Hypercare report")

    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_at) == (Milestone.Status.IN_PROGRESS, None)


def test_milestone_without_deliverables_is_not_complete(cast):
    milestone = new_milestone(cast.pm, cast.project)

    milestone_update(actor=cast.pm, milestone=milestone, name="Go-live", due_date=DUE)

    assert milestone_row(milestone)[5] == Milestone.Status.PLANNED
    assert Milestone.objects.get(pk=milestone.pk).completed_at is None


# --- 5. Deemed acceptance -----------------------------------------------------------------------


def test_deemed_acceptance_day_counts_business_days_from_the_submission(
    cast, django_capture_on_commit_callbacks
):
    cast.project.deemed_acceptance_days = 3
    cast.project.save(update_fields=["deemed_acceptance_days"])
    friday, wednesday = date(2025, 1, 10), date(2025, 1, 15)

    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)

    acceptance_round = AcceptanceRound.objects.get(deliverable=deliverable)
    submitted_on = timezone.localdate(acceptance_round.submitted_at)
    assert acceptance_round.deemed_acceptance_due == add_business_days(submitted_on, 3)
    # Submitted on a Friday, it would be deemed accepted on the next Wednesday.
    assert add_business_days(friday, 3) == wednesday
    # The client is told the date in the e-mail.
    assert "counts as accepted if there is no answer by" in (
        OutboxMessage.objects.get(to_user=cast.client_admin).body_text
    )


def _deemed_deliverable(capture, cast, *, due: date) -> Deliverable:
    """Submitted in a project with a 3-business-day rule, deemed accepted on `due` (set
    directly: the tests do not move the clock)."""
    cast.project.deemed_acceptance_days = 3
    cast.project.save(update_fields=["deemed_acceptance_days"])
    deliverable = submitted_deliverable(capture, cast.pm, cast.project)
    AcceptanceRound.objects.filter(deliverable=deliverable).update(deemed_acceptance_due=due)
    return deliverable


def test_not_deemed_accepted_before_the_day(cast, django_capture_on_commit_callbacks):
    wednesday = date(2025, 1, 15)
    deliverable = _deemed_deliverable(django_capture_on_commit_callbacks, cast, due=wednesday)
    before = state_of(deliverable)

    for today in (date(2025, 1, 10), date(2025, 1, 13), date(2025, 1, 14)):
        assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=today) is False

    assert state_of(deliverable) == before


def test_deemed_accepted_on_the_day(cast, django_capture_on_commit_callbacks):
    wednesday = date(2025, 1, 15)
    deliverable = _deemed_deliverable(django_capture_on_commit_callbacks, cast, due=wednesday)
    notified_before = Notification.objects.count()
    outbox_before = OutboxMessage.objects.count()

    assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=wednesday) is True

    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.DEEMED_ACCEPTED
    assert deliverable.accepted_at is not None
    acceptance_round = AcceptanceRound.objects.get()
    assert (acceptance_round.decision, acceptance_round.decided_by) == (
        AcceptanceRound.Decision.DEEMED_ACCEPTED,
        None,
    )
    assert acceptance_round.decided_at == deliverable.accepted_at
    new_notifications = Notification.objects.order_by("id")[notified_before:]
    assert [(n.user, n.title, n.url) for n in new_notifications] == [
        (cast.pm, "Data migration is deemed accepted", staff_url(deliverable))
    ]
    assert OutboxMessage.objects.count() == outbox_before
    latest = deliverable.history.latest("history_id")
    assert (latest.status, latest.history_user) == (Deliverable.Status.DEEMED_ACCEPTED, None)
    milestone = deliverable.milestone
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.COMPLETED


def test_deemed_accepted_after_the_day_too(cast, django_capture_on_commit_callbacks):
    deliverable = _deemed_deliverable(
        django_capture_on_commit_callbacks, cast, due=date(2025, 1, 15)
    )

    assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=date(2025, 2, 3)) is True
    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.DEEMED_ACCEPTED


def test_deeming_twice_does_nothing_the_second_time(cast, django_capture_on_commit_callbacks):
    wednesday = date(2025, 1, 15)
    deliverable = _deemed_deliverable(django_capture_on_commit_callbacks, cast, due=wednesday)
    assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=wednesday) is True
    before = state_of(deliverable)

    assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=wednesday) is False

    assert state_of(deliverable) == before


def test_a_decided_deliverable_is_not_deemed_accepted(cast, django_capture_on_commit_callbacks):
    wednesday = date(2025, 1, 15)
    deliverable = _deemed_deliverable(django_capture_on_commit_callbacks, cast, due=wednesday)
    deliverable_reject(
        actor=cast.rep,
        deliverable=deliverable,
        failed=[FailedCriterion(criteria_of(deliverable)[0].pk, "March.")],
    )
    before = state_of(deliverable)

    assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=wednesday) is False

    assert state_of(deliverable) == before
    assert deliverable_deem_accepted(deliverable_id=999_999_999, today=wednesday) is False


def test_without_a_deemed_acceptance_rule_nothing_is_deemed_accepted(
    cast, django_capture_on_commit_callbacks
):
    assert cast.project.deemed_acceptance_days is None
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    assert AcceptanceRound.objects.get().deemed_acceptance_due is None
    assert "counts as accepted" not in (
        OutboxMessage.objects.get(to_user=cast.client_admin).body_text
    )
    before = state_of(deliverable)

    assert deliverable_deem_accepted(deliverable_id=deliverable.pk, today=date(2100, 1, 1)) is False
    assert deemed_acceptance_task() == 0

    assert state_of(deliverable) == before


def test_deemed_acceptance_task_accepts_only_the_due_ones(cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    cast.project.deemed_acceptance_days = 3
    cast.project.save(update_fields=["deemed_acceptance_days"])
    milestone = new_milestone(cast.pm, cast.project)
    today = timezone.localdate()
    due_dates = {
        "overdue": today - timedelta(days=4),
        "due today": today,
        "due tomorrow": today + timedelta(days=1),
        "no date": None,
    }
    deliverables = {}
    for name, due in due_dates.items():
        deliverable = submitted_deliverable(
            capture, cast.pm, cast.project, milestone=milestone, name=name
        )
        AcceptanceRound.objects.filter(deliverable=deliverable).update(deemed_acceptance_due=due)
        deliverables[name] = deliverable
    # Overdue but already answered by the client: stays rejected.
    answered = submitted_deliverable(
        capture, cast.pm, cast.project, milestone=milestone, name="answered"
    )
    AcceptanceRound.objects.filter(deliverable=answered).update(
        deemed_acceptance_due=today - timedelta(days=1)
    )
    deliverable_reject(
        actor=cast.rep,
        deliverable=answered,
        failed=[FailedCriterion(criteria_of(answered)[0].pk, "No.")],
    )

    assert deemed_acceptance_task() == 2

    statuses = dict(Deliverable.objects.values_list("name", "status"))
    assert statuses == {
        "overdue": Deliverable.Status.DEEMED_ACCEPTED,
        "due today": Deliverable.Status.DEEMED_ACCEPTED,
        "due tomorrow": Deliverable.Status.SUBMITTED,
        "no date": Deliverable.Status.SUBMITTED,
        "answered": Deliverable.Status.REJECTED,
    }
    assert list(
        Notification.objects.filter(user=cast.pm, title__endswith="is deemed accepted")
        .order_by("title")
        .values_list("title", flat=True)
    ) == ["due today is deemed accepted", "overdue is deemed accepted"]
    # Safe to run again.
    assert deemed_acceptance_task() == 0


# --- 6. Confidentiality of reads ----------------------------------------------------------------


@pytest.fixture
def plan(cast, django_capture_on_commit_callbacks):
    """Client A's plan with items a client must never see:

    - "Go-live" (client): "Data migration" (client, submitted), "Cost model" (internal);
    - "Vendor audit" (internal): "Audit notes" (internal, as its milestone);
    - "Hardening" (client when "Pen test" was submitted, made internal afterwards).
    """
    capture = django_capture_on_commit_callbacks
    go_live = new_milestone(cast.pm, cast.project, name="Go-live")
    audit = new_milestone(cast.pm, cast.project, name="Vendor audit", visibility="internal")
    hardening = new_milestone(cast.pm, cast.project, name="Hardening")
    pen_test = submitted_deliverable(
        capture, cast.pm, cast.project, milestone=hardening, name="Pen test"
    )
    migration = submitted_deliverable(
        capture, cast.pm, cast.project, milestone=go_live, name="Data migration"
    )
    cost_model = new_deliverable(
        cast.pm, go_live, name="Cost model", visibility=Visibility.INTERNAL
    )
    audit_notes = new_deliverable(cast.pm, audit, name="Audit notes")
    # milestone_update refuses to hide a milestone awaiting the client; reads must hold anyway.
    Milestone.objects.filter(pk=hardening.pk).update(visibility=Visibility.INTERNAL)
    # Even if an internal deliverable ended up submitted, no client may see it awaiting them.
    Deliverable.objects.filter(pk=cost_model.pk).update(
        status=Deliverable.Status.SUBMITTED, submitted_at=timezone.now()
    )
    return {
        "go_live": go_live,
        "audit": audit,
        "hardening": hardening,
        "migration": migration,
        "cost_model": cost_model,
        "audit_notes": audit_notes,
        "pen_test": pen_test,
    }


def names(items) -> list[str]:
    return sorted(item.name for item in items)


@pytest.mark.parametrize("role_name", CLIENT_ROLE_NAMES)
def test_client_roles_see_only_client_visible_deliverables(cast, plan, role_name):
    user = cast.by_name(role_name)

    assert names(deliverable_list_for(user=user, project=cast.project)) == ["Data migration"]
    milestones = list(milestone_list_for(user=user, project=cast.project))
    assert [(m.name, names(m.deliverables.all())) for m in milestones] == [
        ("Go-live", ["Data migration"])
    ]
    migration = deliverable_get_for(
        user=user, project=cast.project, deliverable_id=plan["migration"].pk
    )
    assert migration == plan["migration"]
    assert [c.text for c in migration.criteria.all()] == CRITERIA
    for hidden in ("cost_model", "audit_notes", "pen_test"):
        with pytest.raises(NotFound):
            deliverable_get_for(user=user, project=cast.project, deliverable_id=plan[hidden].pk)
    assert list(quality_reviews_for(user=user, deliverable=plan["migration"])) == []


@pytest.mark.parametrize("role_name", ["pm", "am", "teammate", "staff_admin"])
def test_provider_side_sees_every_deliverable(cast, plan, role_name):
    user = cast.by_name(role_name)
    everything = ["Audit notes", "Cost model", "Data migration", "Pen test"]

    assert names(deliverable_list_for(user=user, project=cast.project)) == everything
    milestones = list(milestone_list_for(user=user, project=cast.project))
    assert {m.name: names(m.deliverables.all()) for m in milestones} == {
        "Go-live": ["Cost model", "Data migration"],
        "Vendor audit": ["Audit notes"],
        "Hardening": ["Pen test"],
    }
    for key in ("migration", "cost_model", "audit_notes", "pen_test"):
        assert (
            deliverable_get_for(user=user, project=cast.project, deliverable_id=plan[key].pk)
            == plan[key]
        )
    assert [
        (r.reviewer, r.passed)
        for r in quality_reviews_for(user=user, deliverable=plan["migration"])
    ] == [(cast.pm, True)]


@pytest.mark.parametrize("role_name", ["other_client_rep", "outsider"])
def test_people_outside_the_project_see_nothing_of_it(cast, plan, role_name):
    user = cast.by_name(role_name)

    assert list(deliverable_list_for(user=user, project=cast.project)) == []
    assert list(milestone_list_for(user=user, project=cast.project)) == []
    for key in ("migration", "cost_model", "audit_notes", "pen_test"):
        with pytest.raises(NotFound):
            deliverable_get_for(user=user, project=cast.project, deliverable_id=plan[key].pk)
    assert list(quality_reviews_for(user=user, deliverable=plan["migration"])) == []
    assert list(deliverables_awaiting_decision_for(user=user)) == []


def test_a_deliverable_is_not_found_through_another_project(cast, plan, other_client_rep):
    other_pm = UserFactory(email="pm-b@provider.test")
    add_member(cast.other_project, other_pm, Role.PM)

    for user in (other_client_rep, other_pm):
        with pytest.raises(NotFound):
            deliverable_get_for(
                user=user, project=cast.other_project, deliverable_id=plan["migration"].pk
            )


@pytest.mark.parametrize("role_name", DECIDERS)
def test_awaiting_decision_lists_own_submitted_deliverables_oldest_first(
    cast, plan, django_capture_on_commit_callbacks, role_name
):
    capture = django_capture_on_commit_callbacks
    # In client B's project, something awaits client B.
    other_pm = UserFactory(email="pm-b@provider.test")
    add_member(cast.other_project, other_pm, Role.PM)
    submitted_deliverable(capture, other_pm, cast.other_project, name="B's report")
    # In client A's project: one more submitted (newer), one accepted, one in progress.
    newer = submitted_deliverable(
        capture, cast.pm, cast.project, milestone=plan["go_live"], name="User guide"
    )
    accepted = submitted_deliverable(
        capture, cast.pm, cast.project, milestone=plan["go_live"], name="Runbook"
    )
    deliverable_accept(actor=cast.rep, deliverable=accepted)
    new_deliverable(cast.pm, plan["go_live"], name="Training")
    # The oldest first, whatever the ids say.
    Deliverable.objects.filter(pk=newer.pk).update(
        submitted_at=plan["migration"].submitted_at + timedelta(seconds=1)
    )
    Deliverable.objects.filter(pk=plan["migration"].pk).update(
        submitted_at=plan["migration"].submitted_at - timedelta(days=1)
    )

    awaiting = list(deliverables_awaiting_decision_for(user=cast.by_name(role_name)))

    assert [(d.name, d.project.code, d.milestone.name) for d in awaiting] == [
        ("Data migration", "a-one", "Go-live"),
        ("User guide", "a-one", "Go-live"),
    ]
    assert [d.name for d in deliverables_awaiting_decision_for(user=cast.other_client_rep)] == [
        "B's report"
    ]
    for role_name_without_decision in ("viewer", "pm", "am", "teammate", "staff_admin"):
        user = cast.by_name(role_name_without_decision)
        assert list(deliverables_awaiting_decision_for(user=user)) == []


def test_awaiting_decision_oldest_first_by_submission(cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    milestone = new_milestone(cast.pm, cast.project)
    first = new_deliverable(cast.pm, milestone, name="Created first, submitted last")
    second = new_deliverable(cast.pm, milestone, name="Created last, submitted first")
    review_and_submit(capture, cast.pm, second)
    review_and_submit(capture, cast.pm, first)

    assert [d.pk for d in deliverables_awaiting_decision_for(user=cast.rep)] == [
        second.pk,
        first.pk,
    ]


# --- 7. Query counts ----------------------------------------------------------------------------


def _grow_plan(cast, *, milestones: int, start: int) -> None:
    """Add milestones with one submitted deliverable (owned by the teammate, with criteria) and
    one in progress each, straight through the ORM (the services are tested above)."""
    for index in range(start, start + milestones):
        milestone = Milestone.objects.create(
            project=cast.project, name=f"M{index}", due_date=DUE + timedelta(days=index)
        )
        for status in (Deliverable.Status.SUBMITTED, Deliverable.Status.IN_PROGRESS):
            deliverable = Deliverable.objects.create(
                project=cast.project,
                milestone=milestone,
                name=f"D{index}-{status}",
                owner=cast.teammate,
                status=status,
                submitted_at=timezone.now() if status == Deliverable.Status.SUBMITTED else None,
            )
            deliverable.criteria.create(text="Works", position=1)


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as context:
        run()
    return len(context.captured_queries)


def _read_milestones(user, project) -> None:
    for milestone in milestone_list_for(user=user, project=project):
        for deliverable in milestone.deliverables.all():
            _ = (deliverable.name, deliverable.owner.display_name if deliverable.owner else "")


def _read_deliverables(user, project) -> None:
    for deliverable in deliverable_list_for(user=user, project=project):
        _ = (deliverable.milestone.name, deliverable.owner.display_name)


def _read_awaiting(user, project) -> None:
    for deliverable in deliverables_awaiting_decision_for(user=user):
        _ = (deliverable.project.name, deliverable.milestone.name)


@pytest.mark.parametrize("role_name", ["pm", "rep"])
@pytest.mark.parametrize(
    ("reader", "expected_queries"), [(_read_milestones, 3), (_read_deliverables, 2)]
)
def test_plan_reads_use_a_constant_number_of_queries(cast, role_name, reader, expected_queries):
    _grow_plan(cast, milestones=3, start=0)
    few = _queries(lambda: reader(fresh(cast.by_name(role_name)), cast.project))
    _grow_plan(cast, milestones=27, start=3)
    many = _queries(lambda: reader(fresh(cast.by_name(role_name)), cast.project))

    assert few == many
    # Loading the user is one query; the rest is the reader's (its role check included).
    assert few - 1 == expected_queries


@pytest.mark.parametrize("role_name", DECIDERS)
def test_awaiting_decision_uses_a_constant_number_of_queries(cast, role_name):
    _grow_plan(cast, milestones=3, start=0)
    few = _queries(lambda: _read_awaiting(fresh(cast.by_name(role_name)), cast.project))
    _grow_plan(cast, milestones=27, start=3)
    many = _queries(lambda: _read_awaiting(fresh(cast.by_name(role_name)), cast.project))

    assert few == many == 1 + 1
    assert deliverables_awaiting_decision_for(user=cast.by_name(role_name)).count() == 30


def test_a_milestone_awaiting_the_clients_answer_cannot_become_internal(
    cast, django_capture_on_commit_callbacks
):
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, cast.pm, cast.project)
    milestone = deliverable.milestone
    with pytest.raises(InvalidTransition):
        milestone_update(
            actor=cast.pm,
            milestone=milestone,
            name=milestone.name,
            due_date=DUE,
            visibility=Visibility.INTERNAL,
        )
    assert Milestone.objects.get(pk=milestone.pk).visibility == Visibility.CLIENT


def test_milestone_update_without_visibility_keeps_it(cast):
    milestone = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Internal prep",
        due_date=DUE,
        visibility=Visibility.INTERNAL,
    )
    milestone_update(actor=cast.pm, milestone=milestone, name="Internal prep 2", due_date=DUE)
    assert Milestone.objects.get(pk=milestone.pk).visibility == Visibility.INTERNAL


def test_deemed_acceptance_days_count_in_the_clients_time_zone(cast):
    """Sunday 23:30 UTC is already Monday morning in Shanghai: the client's today counts."""
    from datetime import datetime

    from projects.services.deliverables import client_today

    sunday_night_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    cast.project.client.time_zone = "Asia/Shanghai"
    assert client_today(cast.project, now=sunday_night_utc) == date(2026, 11, 23)
    cast.project.client.time_zone = "America/New_York"
    assert client_today(cast.project, now=sunday_night_utc) == date(2026, 11, 22)


def test_deemed_acceptance_counts_in_the_clients_calendar_across_chinas_national_day(
    cast, django_capture_on_commit_callbacks
):
    """A client in China: 1 to 8 October 2025 off (National Day, the Mid-Autumn Festival and
    the days moved), Saturday 11 October a make-up working day."""
    client = cast.project.client
    client.time_zone = "Asia/Shanghai"
    client.save(update_fields=["time_zone"])
    WorkingCalendar.objects.create(organization=client, country="CN")
    cast.project.deemed_acceptance_days = 3
    cast.project.save(update_fields=["deemed_acceptance_days"])

    # Tuesday 30 September 2025, 10:00 in Shanghai (02:00 UTC).
    with time_machine.travel(datetime(2025, 9, 30, 2, tzinfo=UTC), tick=False):
        deliverable = submitted_deliverable(
            django_capture_on_commit_callbacks, cast.pm, cast.project
        )

    # + 3 working days: Thu 9 (1), Fri 10 (2), Sat 11 (3, made up). Monday to Friday alone
    # would have said Friday 3 October, in the middle of the holiday.
    acceptance_round = AcceptanceRound.objects.get(deliverable=deliverable)
    assert acceptance_round.deemed_acceptance_due == date(2025, 10, 11)
