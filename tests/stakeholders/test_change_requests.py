"""Change requests: raised by either side, assessed by the PM, approved by both sides; an
approved one moves the current plan and the budget, never the baseline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from notifications.models import Notification, OutboxMessage
from projects.models import Milestone, Project, Visibility
from projects.search import search_queryset, searchable_get
from projects.services.milestones import milestone_create
from stakeholders.models import ChangeRequest, ScheduleImpact
from stakeholders.selectors.changes import change_request_get_for
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
    change_request_reject,
)
from tests.helpers import count_queries, logged_in

SECRET = "Margin 38 percent on the scanner work"


@pytest.fixture
def plan(cast):
    project = cast.project
    project.baseline_start_date = project.start_date = date(2027, 1, 1)
    project.baseline_end_date = project.end_date = date(2027, 6, 30)
    project.budget = Decimal("100000.00")
    project.save()
    cast.design = milestone_create(
        actor=cast.pm, project=project, name="Design", due_date=date(2027, 2, 1)
    )
    cast.golive = milestone_create(
        actor=cast.pm, project=project, name="Go-live", due_date=date(2027, 6, 20)
    )
    return cast


def _assessed(cast, *, visibility=Visibility.CLIENT, days=20, cost="12500.00"):
    cr = change_request_create(
        actor=cast.rep, project=cast.project, title="Barcode scanners", reason="**Faster** picking"
    )
    return change_request_assess(
        actor=cast.pm,
        change_request=cr,
        scope_impact="Two more screens",
        cost_impact=Decimal(cost),
        schedule={cast.design.pk: 5, cast.golive.pk: days},
        internal_note=SECRET,
        visibility=visibility,
    )


def _snapshot(cast):
    project = Project.objects.get(pk=cast.project.pk)
    milestones = list(
        Milestone.objects.filter(project=project).values_list("pk", "due_date", "baseline_due_date")
    )
    return (
        project.start_date,
        project.end_date,
        project.baseline_start_date,
        project.baseline_end_date,
        project.budget,
        milestones,
    )


# --- Create ------------------------------------------------------------------------------------


def test_numbers_are_per_project_and_the_side_follows_the_actor(plan):
    first = change_request_create(actor=plan.pm, project=plan.project, title="One")
    second = change_request_create(actor=plan.client_admin, project=plan.project, title="Two")
    assert (first.reference, second.reference) == ("CR-1", "CR-2")
    assert first.requested_side == ChangeRequest.Side.PROVIDER
    assert second.requested_side == ChangeRequest.Side.CLIENT
    assert second.status == ChangeRequest.Status.SUBMITTED


def test_a_client_cannot_raise_an_internal_draft(plan):
    cr = change_request_create(
        actor=plan.rep, project=plan.project, title="Mine", visibility=Visibility.INTERNAL
    )
    assert cr.visibility == Visibility.CLIENT


@pytest.mark.parametrize("role_name", ["viewer", "other_client_rep", "outsider", "staff_admin"])
def test_who_may_not_raise_a_change_request(plan, role_name):
    with pytest.raises(NotAllowed):
        change_request_create(actor=plan.by_name(role_name), project=plan.project, title="X")
    assert not ChangeRequest.objects.exists()


def test_a_title_is_required(plan):
    with pytest.raises(InvalidInput):
        change_request_create(actor=plan.pm, project=plan.project, title="  ")
    assert not ChangeRequest.objects.exists()


# --- Assess ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "client_admin", "rep", "viewer", "outsider", "staff_admin"]
)
def test_only_the_pm_assesses(plan, role_name):
    cr = change_request_create(actor=plan.rep, project=plan.project, title="X")
    with pytest.raises(NotAllowed):
        change_request_assess(
            actor=plan.by_name(role_name),
            change_request=cr,
            scope_impact="",
            cost_impact=Decimal(1),
            schedule={},
        )
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.SUBMITTED
    assert cr.cost_impact == 0


def test_a_milestone_of_another_project_is_refused(plan):
    other = Milestone.objects.create(
        project=plan.other_project, name="Theirs", due_date=date(2027, 1, 1)
    )
    cr = change_request_create(actor=plan.rep, project=plan.project, title="X")
    with pytest.raises(InvalidInput):
        change_request_assess(
            actor=plan.pm,
            change_request=cr,
            scope_impact="",
            cost_impact=Decimal(1),
            schedule={other.pk: 3},
        )
    assert not ScheduleImpact.objects.exists()
    assert ChangeRequest.objects.get(pk=cr.pk).status == ChangeRequest.Status.SUBMITTED


# --- Approve -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "rep", "viewer", "outsider", "staff_admin"]
)
def test_only_the_pm_and_the_client_admin_approve(plan, role_name):
    cr = _assessed(plan)
    before = _snapshot(plan)
    with pytest.raises(NotAllowed):
        change_request_approve(actor=plan.by_name(role_name), change_request=cr)
    cr.refresh_from_db()
    assert (cr.provider_approved_at, cr.client_approved_at) == (None, None)
    assert _snapshot(plan) == before


def test_a_submitted_request_cannot_be_approved_before_assessment(plan):
    cr = change_request_create(actor=plan.rep, project=plan.project, title="X")
    with pytest.raises(InvalidTransition):
        change_request_approve(actor=plan.pm, change_request=cr)
    assert ChangeRequest.objects.get(pk=cr.pk).provider_approved_at is None


def test_an_internal_draft_is_not_approved(plan):
    cr = _assessed(plan, visibility=Visibility.INTERNAL)
    with pytest.raises(InvalidTransition):
        change_request_approve(actor=plan.pm, change_request=cr)
    with pytest.raises(NotFound):
        change_request_get_for(user=plan.client_admin, project=plan.project, cr_id=cr.pk)


def test_both_approvals_move_the_current_plan_and_budget_never_the_baseline(
    plan, django_capture_on_commit_callbacks
):
    plan.client_admin.language = "zh-hans"
    plan.client_admin.save()
    cr = _assessed(plan, days=20)
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        cr = change_request_approve(actor=plan.pm, change_request=cr)
    assert cr.status == ChangeRequest.Status.ASSESSED
    assert cr.provider_approved_by == plan.pm
    # One side approved: the other side (the client admin) is told, in their language.
    message = OutboxMessage.objects.get(kind="change_request")
    assert (message.to_email, message.language) == ("admin@a.test", "zh-hans")
    assert Milestone.objects.get(pk=plan.golive.pk).due_date == date(2027, 6, 20)

    with django_capture_on_commit_callbacks(execute=False):
        cr = change_request_approve(actor=plan.client_admin, change_request=cr)
    assert cr.status == ChangeRequest.Status.APPROVED
    assert cr.applied_at is not None
    design = Milestone.objects.get(pk=plan.design.pk)
    golive = Milestone.objects.get(pk=plan.golive.pk)
    assert (design.due_date, design.baseline_due_date) == (date(2027, 2, 6), date(2027, 2, 1))
    assert (golive.due_date, golive.baseline_due_date) == (date(2027, 7, 10), date(2027, 6, 20))
    project = Project.objects.get(pk=plan.project.pk)
    # Go-live moved past the end: the end follows it; the baseline does not move.
    assert project.end_date == date(2027, 7, 10)
    assert (project.baseline_start_date, project.baseline_end_date) == (
        date(2027, 1, 1),
        date(2027, 6, 30),
    )
    assert project.start_date == date(2027, 1, 1)
    assert project.budget == Decimal("112500.00")
    # Applied: both sides are told (the PM; the client admin acted; the rep raised it).
    told = set(
        OutboxMessage.objects.filter(
            kind="change_request", dedupe_key__contains=":applied:"
        ).values_list("to_email", flat=True)
    )
    assert told == {"pm@provider.test", "rep@a.test"}
    assert cr.history.filter(history_user=plan.client_admin).exists()


def test_approving_twice_changes_nothing(plan):
    cr = _assessed(plan)
    change_request_approve(actor=plan.pm, change_request=cr)
    change_request_approve(actor=plan.pm, change_request=cr)  # same side twice
    change_request_approve(actor=plan.client_admin, change_request=cr)
    after = _snapshot(plan)
    messages = OutboxMessage.objects.count()
    again = change_request_approve(actor=plan.client_admin, change_request=cr)
    change_request_approve(actor=plan.pm, change_request=cr)
    assert again.status == ChangeRequest.Status.APPROVED
    assert _snapshot(plan) == after
    assert OutboxMessage.objects.count() == messages
    assert Project.objects.get(pk=plan.project.pk).budget == Decimal("112500.00")


def test_a_shorter_schedule_and_a_negative_cost_do_not_shorten_the_project(plan):
    cr = _assessed(plan, days=-10, cost="-2000")
    change_request_approve(actor=plan.pm, change_request=cr)
    change_request_approve(actor=plan.client_admin, change_request=cr)
    project = Project.objects.get(pk=plan.project.pk)
    assert Milestone.objects.get(pk=plan.golive.pk).due_date == date(2027, 6, 10)
    assert project.end_date == date(2027, 6, 30)
    assert project.budget == Decimal("98000.00")


# --- Reject ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_name", ["pm", "client_admin"])
def test_either_side_rejects_with_a_reason_and_nothing_changes(plan, role_name):
    cr = _assessed(plan)
    change_request_approve(
        actor=plan.client_admin if role_name == "pm" else plan.pm, change_request=cr
    )
    before = _snapshot(plan)
    with pytest.raises(InvalidInput):
        change_request_reject(actor=plan.by_name(role_name), change_request=cr, reason=" ")
    cr = change_request_reject(actor=plan.by_name(role_name), change_request=cr, reason="Too dear")
    assert cr.status == ChangeRequest.Status.REJECTED
    assert _snapshot(plan) == before
    assert cr.applied_at is None
    with pytest.raises(InvalidTransition):
        change_request_approve(actor=plan.by_name(role_name), change_request=cr)
    with pytest.raises(InvalidTransition):
        change_request_reject(actor=plan.by_name(role_name), change_request=cr, reason="Again")
    assert _snapshot(plan) == before
    assert OutboxMessage.objects.filter(dedupe_key__contains=":rejected:").exists()


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "rep", "viewer", "outsider", "staff_admin"]
)
def test_who_may_not_reject(plan, role_name):
    cr = _assessed(plan)
    with pytest.raises(NotAllowed):
        change_request_reject(actor=plan.by_name(role_name), change_request=cr, reason="No")
    assert ChangeRequest.objects.get(pk=cr.pk).status == ChangeRequest.Status.ASSESSED


# --- Confidentiality ---------------------------------------------------------------------------


def test_clients_never_see_internal_requests_or_the_internal_note(plan):
    shared = _assessed(plan)
    hidden = change_request_create(
        actor=plan.pm, project=plan.project, title="Zebra refactor", visibility=Visibility.INTERNAL
    )
    change_request_approve(actor=plan.pm, change_request=shared)
    # The PM sees both and the note.
    page = logged_in(plan.pm).get(
        reverse("stakeholders:change_request", args=[plan.project.pk, shared.pk])
    )
    assert SECRET in page.content.decode()
    for role_name in ["client_admin", "rep", "viewer"]:
        client = logged_in(plan.by_name(role_name))
        listing = client.get(reverse("portal:change_requests", args=[plan.project.pk]))
        body = listing.content.decode()
        assert "Barcode scanners" in body
        assert "Zebra refactor" not in body
        assert SECRET not in body
        detail = client.get(reverse("portal:change_request", args=[plan.project.pk, shared.pk]))
        assert detail.status_code == 200
        assert SECRET not in detail.content.decode()
        assert "<strong>Faster</strong>" in detail.content.decode()
        assert (
            client.get(
                reverse("portal:change_request", args=[plan.project.pk, hidden.pk])
            ).status_code
            == 404
        )
        api = client.get(f"/api/v1/projects/{plan.project.pk}/change-requests/")
        assert [row["id"] for row in api.json()["results"]] == [shared.pk]
        assert SECRET not in api.content.decode()
        assert (
            client.get(
                f"/api/v1/projects/{plan.project.pk}/change-requests/{hidden.pk}/"
            ).status_code
            == 404
        )
        home = client.get(reverse("portal:home")).content.decode()
        assert "Zebra refactor" not in home
        kind = searchable_get("change_request")
        assert not search_queryset(kind, user=plan.by_name(role_name), text="Zebra").exists()
    assert (
        "Barcode scanners"
        in logged_in(plan.client_admin).get(reverse("portal:home")).content.decode()
    )
    api = logged_in(plan.pm).get(f"/api/v1/projects/{plan.project.pk}/change-requests/")
    assert SECRET in api.content.decode()
    for message in OutboxMessage.objects.exclude(to_email__endswith="@provider.test"):
        assert SECRET not in message.body_text + message.body_html
        assert "Zebra" not in message.subject + message.body_text


def test_other_clients_and_outsiders_get_not_found(plan):
    cr = _assessed(plan)
    for role_name in ["other_client_rep", "outsider"]:
        with pytest.raises(NotFound):
            change_request_get_for(user=plan.by_name(role_name), project=plan.project, cr_id=cr.pk)


# --- Pages and API -----------------------------------------------------------------------------


def test_the_portal_raises_and_decides(plan):
    client = logged_in(plan.rep)
    response = client.post(
        reverse("portal:change_requests", args=[plan.project.pk]),
        {"title": "Night shift screens", "description": "Dark mode", "reason": "Glare"},
    )
    cr = ChangeRequest.objects.get(title="Night shift screens")
    assert response.status_code == 302
    assert cr.requested_side == ChangeRequest.Side.CLIENT
    change_request_assess(
        actor=plan.pm,
        change_request=cr,
        scope_impact="",
        cost_impact=Decimal(500),
        schedule={plan.golive.pk: 2},
    )
    admin = logged_in(plan.client_admin)
    url = reverse("portal:change_request", args=[plan.project.pk, cr.pk])
    refused = admin.post(url, {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    assert admin.post(url, {"decision": "approve"}).status_code == 302
    cr.refresh_from_db()
    assert cr.client_approved_by == plan.client_admin
    # the rep may not decide
    assert logged_in(plan.rep).post(url, {"decision": "approve"}).status_code == 400


def test_the_staff_pages_assess_and_approve(plan):
    cr = change_request_create(actor=plan.rep, project=plan.project, title="X")
    client = logged_in(plan.pm)
    url = reverse("stakeholders:change_request", args=[plan.project.pk, cr.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("stakeholders:change_request_assess", args=[plan.project.pk, cr.pk]),
        {
            "scope_impact": "More",
            "cost_impact": "250.00",
            "internal_note": "3 days x 83",
            "visibility": "client",
            f"days_{plan.golive.pk}": "4",
        },
    )
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.ASSESSED
    assert list(cr.schedule_impacts.values_list("days", flat=True)) == [4]
    assert client.post(url, {"decision": "approve"}).status_code == 302
    listing = client.get(reverse("stakeholders:change_requests", args=[plan.project.pk]))
    assert "CR-1" in listing.content.decode()


def test_the_api_runs_the_whole_life(plan):
    base = f"/api/v1/projects/{plan.project.pk}/change-requests/"
    created = logged_in(plan.client_admin).post(
        base, {"title": "Label printer"}, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert "internal_note" not in created.json()
    assessed = logged_in(plan.pm).post(
        f"{base}{pk}/assess/",
        {
            "cost_impact": "900.00",
            "schedule": [{"milestone": plan.golive.pk, "days": 3}],
            "internal_note": SECRET,
        },
        content_type="application/json",
    )
    assert assessed.status_code == 200, assessed.content
    assert logged_in(plan.rep).post(f"{base}{pk}/approve/").status_code == 403
    assert logged_in(plan.pm).post(f"{base}{pk}/approve/").status_code == 200
    done = logged_in(plan.client_admin).post(f"{base}{pk}/approve/")
    assert done.json()["status"] == "approved"
    assert SECRET not in done.content.decode()
    assert Project.objects.get(pk=plan.project.pk).budget == Decimal("100900.00")
    rejected = logged_in(plan.pm).post(
        f"{base}{pk}/reject/", {"reason": "late"}, content_type="application/json"
    )
    assert rejected.status_code == 409


# --- Query counts ------------------------------------------------------------------------------


def _bulk(cast, count):
    crs = ChangeRequest.objects.bulk_create(
        ChangeRequest(
            project=cast.project,
            number=index + 1,
            title=f"Change {index}",
            requested_by=cast.rep,
            requested_side="client",
            status="assessed",
            cost_impact=Decimal(index),
        )
        for index in range(count)
    )
    ScheduleImpact.objects.bulk_create(
        ScheduleImpact(change_request=cr, milestone=cast.golive, days=1) for cr in crs
    )


@pytest.mark.parametrize(
    ("role_name", "url_name"),
    [
        ("pm", "stakeholders:change_requests"),
        ("client_admin", "portal:change_requests"),
        ("client_admin", "portal:home"),
        ("pm", "api"),
    ],
)
def test_query_counts_do_not_grow_with_the_number_of_requests(plan, role_name, url_name):
    client = logged_in(plan.by_name(role_name))
    if url_name == "api":
        url = f"/api/v1/projects/{plan.project.pk}/change-requests/"
    elif url_name == "portal:home":
        url = reverse(url_name)
    else:
        url = reverse(url_name, args=[plan.project.pk])
    _bulk(plan, 5)
    few = count_queries(client, url, warm=True)
    ChangeRequest.objects.all().delete()
    _bulk(plan, 50)
    many = count_queries(client, url, warm=True)
    assert few == many


# --- Demo --------------------------------------------------------------------------------------


def test_the_demo_seeds_change_requests_once(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    nw = Project.objects.get(code="NW-WMS")
    statuses = sorted(nw.change_requests.values_list("status", flat=True))
    assert statuses == ["approved", "assessed"]
    pending = nw.change_requests.get(status="assessed")
    assert pending.provider_approved_at is not None
    assert pending.client_approved_at is None
    hx = Project.objects.get(code="HX-MES").change_requests.get()
    assert "产线" in hx.title
    before = (
        list(ChangeRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Milestone.objects.order_by("pk").values_list("pk", "due_date")),
        list(Project.objects.order_by("pk").values_list("pk", "budget", "end_date")),
    )
    call_command("seed_demo", stdout=StringIO())
    after = (
        list(ChangeRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Milestone.objects.order_by("pk").values_list("pk", "due_date")),
        list(Project.objects.order_by("pk").values_list("pk", "budget", "end_date")),
    )
    assert after == before
