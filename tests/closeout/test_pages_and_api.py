"""Closeout pages and API, per role and by content: a client reads each point's outcome and
the requests, never an item's title nor a waiver's reason."""

from __future__ import annotations

import pytest

from closeout.models import ClosureRequest, Waiver
from closeout.services import closure_request, waiver_add
from projects.models import Phase
from tests.closeout.world import SECRET, open_world, ready_to_close
from tests.helpers import logged_in


def _waive_everything(cast, reason: str) -> None:
    from closeout.checklist import closeout_checklist

    for point in closeout_checklist(cast.project).points:
        if not point.holds:
            waiver_add(
                actor=cast.pm,
                project=cast.project,
                point=point.point,
                reason=reason,
                client_note="Agreed with you in the retro.",
            )


def test_the_pm_sees_every_open_item_linked(cast):
    world = open_world(cast)
    page = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/closeout/")
    assert page.status_code == 200
    body = page.content.decode()
    assert world.internal_deliverable.name in body
    assert f'href="/projects/{cast.project.pk}/deliverables/{world.deliverable.pk}/"' in body
    assert 'data-testid="request-blocked"' in body
    assert 'data-testid="request-form"' not in body


def test_the_pm_requests_final_acceptance_from_the_page(cast):
    ready_to_close(cast)
    client = logged_in(cast.pm)
    assert (
        'data-testid="request-form"'
        in client.get(f"/projects/{cast.project.pk}/closeout/").content.decode()
    )
    response = client.post(f"/projects/{cast.project.pk}/closeout/request/", {"note": "Done."})
    assert response.status_code == 302
    assert ClosureRequest.objects.get().note == "Done."


def test_a_refused_request_shows_its_reason_to_the_pm(cast):
    open_world(cast)
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/closeout/request/", {"note": ""}, follow=True
    )
    assert "These points are still open" in response.content.decode()
    assert not ClosureRequest.objects.exists()


def test_the_pm_waives_an_item_from_the_page_and_a_blank_reason_is_refused(cast):
    world = open_world(cast)
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/closeout/waivers/"
    response = client.post(
        url, {"point": "risks", "object_id": world.risk.pk, "reason": ""}, follow=True
    )
    assert "This field is required." in response.content.decode()
    assert not Waiver.objects.exists()
    client.post(url, {"point": "risks", "object_id": world.risk.pk, "reason": "Insured"})
    waiver = Waiver.objects.get()
    assert (waiver.point, waiver.object_id, waiver.reason) == ("risks", world.risk.pk, "Insured")


def test_the_client_admin_gives_final_acceptance_in_the_portal(cast):
    open_world(cast)
    from tests.closeout.world import send_final_report_and_survey

    send_final_report_and_survey(cast.project)
    _waive_everything(cast, reason=f"Internal reason {SECRET}")
    closure_request(actor=cast.pm, project=cast.project, note="Please accept.")
    client = logged_in(cast.client_admin)
    page = client.get(f"/portal/projects/{cast.project.pk}/closeout/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="final-acceptance-form"' in body
    assert "Please accept." in body
    assert "Agreed with you in the retro." in body
    assert SECRET not in body
    response = client.post(
        f"/portal/projects/{cast.project.pk}/closeout/", {"decision": "accept", "comment": ""}
    )
    assert response.status_code == 302
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.CLOSED
    assert ClosureRequest.objects.get().decided_by == cast.client_admin


def test_a_refusal_without_a_reason_keeps_the_form_and_changes_nothing(cast):
    ready_to_close(cast)
    closure_request(actor=cast.pm, project=cast.project)
    response = logged_in(cast.client_admin).post(
        f"/portal/projects/{cast.project.pk}/closeout/", {"decision": "refuse", "comment": " "}
    )
    assert response.status_code == 400
    assert "Say why you do not accept yet." in response.content.decode()
    assert ClosureRequest.objects.get().status == "awaiting"


@pytest.mark.parametrize("role_name", ["rep", "viewer"])
def test_other_client_members_see_the_closeout_but_cannot_decide(cast, role_name):
    ready_to_close(cast)
    closure_request(actor=cast.pm, project=cast.project)
    client = logged_in(cast.by_name(role_name))
    body = client.get(f"/portal/projects/{cast.project.pk}/closeout/").content.decode()
    assert 'data-testid="awaiting-request"' in body
    assert 'data-testid="final-acceptance-form"' not in body
    response = client.post(
        f"/portal/projects/{cast.project.pk}/closeout/", {"decision": "accept", "comment": ""}
    )
    assert response.status_code == 403
    assert ClosureRequest.objects.get().status == "awaiting"


def test_final_acceptance_waits_in_the_client_admins_decisions(cast):
    ready_to_close(cast)
    closure_request(actor=cast.pm, project=cast.project)
    body = logged_in(cast.client_admin).get("/portal/").content.decode()
    assert f"/portal/projects/{cast.project.pk}/closeout/" in body
    rep_body = logged_in(cast.rep).get("/portal/").content.decode()
    assert f"/portal/projects/{cast.project.pk}/closeout/" not in rep_body


# --- API ---------------------------------------------------------------------------------------


def test_the_api_gives_the_provider_items_and_the_client_outcomes_only(cast):
    world = open_world(cast)
    waiver_add(
        actor=cast.pm,
        project=cast.project,
        point="risks",
        object_id=world.risk.pk,
        reason=f"Reason {SECRET}",
    )
    url = f"/api/v1/projects/{cast.project.pk}/closeout/"
    provider = logged_in(cast.pm).get(url).json()
    risks = next(point for point in provider["points"] if point["point"] == "risks")
    assert risks["holds"] is True
    assert risks["waived"] is True
    assert risks["open_items"][0]["waiver_reason"] == f"Reason {SECRET}"
    assert provider["holds"] is False
    for role_name in ("client_admin", "rep", "viewer"):
        response = logged_in(cast.by_name(role_name)).get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert world.internal_deliverable.name not in response.content.decode()
        points = response.json()["points"]
        assert [point["point"] for point in points] == [
            point["point"] for point in provider["points"]
        ]
        assert set(points[0]) == {
            "point",
            "title",
            "holds",
            "waived",
            "open",
            "waived_items",
            "client_note",
        }


def test_the_api_request_accept_flow(cast):
    ready_to_close(cast)
    base = f"/api/v1/projects/{cast.project.pk}/closeout/requests/"
    made = logged_in(cast.pm).post(base, {"note": "Ready"}, content_type="application/json")
    assert made.status_code == 201, made.content
    request_id = made.json()["id"]
    refused = logged_in(cast.client_admin).post(
        f"{base}{request_id}/refuse/", {}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "comment" in refused.content.decode()
    accepted = logged_in(cast.client_admin).post(
        f"{base}{request_id}/accept/", {"comment": "OK"}, content_type="application/json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert len(accepted.json()["accepted_checklist"]) == 10
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.CLOSED


def test_the_api_refuses_a_request_with_open_points_with_409(cast):
    open_world(cast)
    response = logged_in(cast.pm).post(
        f"/api/v1/projects/{cast.project.pk}/closeout/requests/",
        {},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "Every deliverable accepted" in response.content.decode()
    assert not ClosureRequest.objects.exists()


def _grow(project, count: int) -> None:
    """`count` more open items of each kind the checklist lists."""
    from projects.models import Deliverable, Milestone
    from stakeholders.models import Requirement

    milestone = Milestone.objects.filter(project=project).first()
    Deliverable.objects.bulk_create(
        Deliverable(project=project, milestone=milestone, name=f"D{n}") for n in range(count)
    )
    Requirement.objects.bulk_create(
        Requirement(project=project, number=100 + n, title=f"R{n}") for n in range(count)
    )


def test_the_checklist_takes_a_constant_number_of_queries(cast, django_assert_num_queries):
    from closeout.checklist import closeout_checklist

    open_world(cast)
    # The items of the ten points, the waivers, and when the closeout began.
    with django_assert_num_queries(3):
        closeout_checklist(cast.project)
    _grow(cast.project, 40)
    with django_assert_num_queries(3):
        checklist = closeout_checklist(cast.project)
    assert len(checklist.points[0].open_items) == 42


@pytest.mark.parametrize(
    ("role_name", "url"),
    [("pm", "/projects/{}/closeout/"), ("client_admin", "/portal/projects/{}/closeout/")],
)
def test_the_closeout_pages_keep_their_query_count_as_items_grow(cast, role_name, url):
    from tests.helpers import count_queries

    open_world(cast)
    client = logged_in(cast.by_name(role_name))
    few = count_queries(client, url.format(cast.project.pk), warm=True)
    _grow(cast.project, 30)
    assert count_queries(client, url.format(cast.project.pk), warm=True) == few


def _close(cast):
    ready_to_close(cast)
    request = closure_request(actor=cast.pm, project=cast.project)
    from closeout.services import closure_decide

    closure_decide(actor=cast.client_admin, request=request, accept=True)


def test_a_staff_admin_reopens_a_closed_project_from_the_page(cast):
    _close(cast)
    client = logged_in(cast.staff_admin)
    page = client.get(f"/projects/{cast.project.pk}/closeout/").content.decode()
    assert 'data-testid="reopen-form"' in page
    response = client.post(
        f"/projects/{cast.project.pk}/closeout/reopen/",
        {"reason": "Warranty defect", "to_phase": "execution"},
    )
    assert response.status_code == 302
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.EXECUTION


def test_a_staff_admin_reopens_a_closed_project_through_the_api(cast):
    _close(cast)
    url = f"/api/v1/projects/{cast.project.pk}/closeout/reopenings/"
    refused = logged_in(cast.pm).post(url, {"reason": "x"}, content_type="application/json")
    assert refused.status_code == 403
    made = logged_in(cast.staff_admin).post(
        url, {"reason": "Warranty defect"}, content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json()["to_phase"] == "closing"
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.CLOSING


def test_the_closeout_of_a_closed_project_refuses_new_waivers_with_409(cast):
    _close(cast)
    response = logged_in(cast.pm).post(
        f"/api/v1/projects/{cast.project.pk}/closeout/waivers/",
        {"point": "risks", "reason": "late"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed"
    assert not Waiver.objects.exists()
