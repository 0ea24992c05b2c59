"""Milestones and deliverables through the API, with the same rules as the pages."""

from __future__ import annotations

from rest_framework.test import APIClient

from projects.models import AcceptanceRound, Deliverable, Milestone


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_whole_acceptance_workflow_through_the_api(cast, django_capture_on_commit_callbacks):
    pm, rep = api_as(cast.pm), api_as(cast.rep)
    base = f"/api/v1/projects/{cast.project.pk}"
    milestone = pm.post(f"{base}/milestones/", {"name": "Go-live", "due_date": "2027-02-01"})
    assert milestone.status_code == 201
    assert milestone.json()["baseline_due_date"] == "2027-02-01"
    created = pm.post(
        f"{base}/deliverables/",
        {"milestone": milestone.json()["id"], "name": "Runbook", "criteria": ["Tested", "Signed"]},
        format="json",
    )
    assert created.status_code == 201
    deliverable = created.json()
    url = f"{base}/deliverables/{deliverable['id']}"
    assert pm.post(f"{url}/review/", {"passed": True}).status_code == 201
    with django_capture_on_commit_callbacks(execute=False):
        submitted = pm.post(f"{url}/submit/", {"note": "Ready"})
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")

    bad = rep.post(
        f"{url}/reject/",
        {"failed": [{"criterion": deliverable["criteria"][0]["id"], "reason": " "}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "reason" in str(bad.json())
    assert Deliverable.objects.get(pk=deliverable["id"]).status == "submitted"

    rejected = rep.post(
        f"{url}/reject/",
        {"failed": [{"criterion": deliverable["criteria"][0]["id"], "reason": "Not tested"}]},
        format="json",
    )
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    rounds = rep.get(f"{url}/rounds/").json()
    assert rounds[0]["decision"] == "rejected"
    assert [r["reason"] for r in rounds[0]["criterion_results"] if not r["passed"]] == [
        "Not tested"
    ]

    assert pm.post(f"{url}/submit/").status_code == 409  # needs a new review first
    pm.post(f"{url}/review/", {"passed": True})
    with django_capture_on_commit_callbacks(execute=False):
        pm.post(f"{url}/submit/")
    accepted = rep.post(f"{url}/accept/", {"comment": "Thanks"})
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert Milestone.objects.get(pk=milestone.json()["id"]).status == "completed"
    assert list(
        AcceptanceRound.objects.filter(deliverable_id=deliverable["id"])
        .order_by("number")
        .values_list("decision", flat=True)
    ) == ["rejected", "accepted"]


def test_internal_items_never_reach_the_client_through_the_api(cast):
    pm = api_as(cast.pm)
    base = f"/api/v1/projects/{cast.project.pk}"
    hidden = pm.post(
        f"{base}/milestones/",
        {"name": "Vendor audit", "due_date": "2027-02-01", "visibility": "internal"},
    ).json()
    secret = pm.post(
        f"{base}/deliverables/",
        {"milestone": hidden["id"], "name": "Audit notes"},
        format="json",
    ).json()
    rep = api_as(cast.rep)
    assert rep.get(f"{base}/milestones/").json()["count"] == 0
    assert rep.get(f"{base}/deliverables/").json()["count"] == 0
    assert rep.get(f"{base}/deliverables/{secret['id']}/").status_code == 404
    assert "Audit notes" not in rep.get(f"{base}/deliverables/").content.decode()
    assert api_as(cast.am).get(f"{base}/deliverables/").json()["count"] == 1


def test_bad_input_names_the_field(cast):
    response = api_as(cast.pm).post(
        f"/api/v1/projects/{cast.project.pk}/milestones/", {"name": "", "due_date": "tomorrow"}
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "due_date"}
    assert not Milestone.objects.exists()
