"""An internal risk never reaches a client user: not in the portal pages, the API (list,
detail, heat map, exposure, history, issues), the CSV, the status-report selector, search,
e-mails or notifications; nor does the team's internal note of a shared risk. Another client's
representative sees nothing of the project."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from notifications.models import Notification, OutboxMessage
from projects.models import Visibility
from risks.models import Risk
from risks.selectors.portfolio import client_risks_for_report
from risks.services.actions import mitigation_action_add
from risks.services.assessments import risk_assess
from risks.services.register import risk_create, risk_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(cast):
    secret = risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Zephyr secret",
        description="Our subcontractor may go bust",
        probability=5,
        impact=5,
        owner=cast.teammate,
        next_review_date=date(2026, 1, 1),
    )
    mitigation_action_add(
        actor=cast.pm, risk=secret, text="Zephyr find a backup", owner=cast.teammate
    )
    shared = risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Zephyr shared",
        probability=2,
        impact=2,
        visibility=Visibility.CLIENT,
        internal_note="Zephyr margin note",
    )
    occurred = risk_create(actor=cast.pm, project=cast.project, title="Zephyr flood")
    risk_transition(
        actor=cast.pm, risk=occurred, status=Risk.Status.OCCURRED, impact="Zephyr two days"
    )
    return secret, shared, occurred


CLIENT_PEOPLE = ("client_admin", "rep", "viewer")


@pytest.mark.parametrize("person", CLIENT_PEOPLE)
def test_internal_risks_never_reach_the_portal_pages(cast, client, register, person):
    secret, shared, _occurred = register
    client.force_login(getattr(cast, person))
    page = client.get(reverse("risks:portal_register", args=[cast.project.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Zephyr shared" in content
    for hidden in ("Zephyr secret", "Zephyr flood", "Zephyr margin note", "RISK-1<"):
        assert hidden not in content
    # The heat map counts only the shared risk (2 x 2).
    assert 'data-count="1"' in content
    assert content.count('data-count="0"') == 24
    detail = client.get(reverse("risks:portal_risk", args=[cast.project.pk, secret.pk]))
    assert detail.status_code == 404
    shared_page = client.get(reverse("risks:portal_risk", args=[cast.project.pk, shared.pk]))
    assert shared_page.status_code == 200
    assert "Zephyr margin note" not in shared_page.content.decode()
    # The staff pages send clients to the portal.
    staff = client.get(reverse("risks:risk", args=[cast.project.pk, secret.pk]))
    assert staff.status_code == 302


@pytest.mark.parametrize("person", CLIENT_PEOPLE)
def test_internal_risks_never_reach_the_client_csv(cast, client, register, person):
    client.force_login(getattr(cast, person))
    response = client.get(reverse("risks:portal_export", args=[cast.project.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Zephyr shared"]
    assert "Zephyr margin note" not in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("person", CLIENT_PEOPLE)
def test_internal_risks_never_reach_the_client_api(cast, client, register, person):
    secret, shared, _occurred = register
    client.force_login(getattr(cast, person))
    base = f"/api/v1/projects/{cast.project.pk}"
    listed = client.get(f"{base}/risks/").json()
    assert [row["title"] for row in listed["results"]] == ["Zephyr shared"]
    assert "internal_note" not in listed["results"][0]
    assert client.get(f"{base}/risks/{secret.pk}/").status_code == 404
    detail = client.get(f"{base}/risks/{shared.pk}/").json()
    assert "internal_note" not in detail
    assert "Zephyr margin note" not in str(detail)
    cells = client.get(f"{base}/risks/heat-map/").json()
    assert sum(cell["count"] for cell in cells) == 1
    exposure = client.get(f"{base}/risks/exposure/").json()
    assert exposure["score"][-1] == 4
    assert client.get(f"{base}/risks/{shared.pk}/history/").status_code == 403
    assert client.get(f"{base}/risk-issues/").json()["results"] == []
    assert client.get(f"{base}/risk-settings/").status_code == 403


def test_the_team_sees_everything(cast, client, register):
    client.force_login(cast.teammate)
    base = f"/api/v1/projects/{cast.project.pk}"
    titles = {row["title"] for row in client.get(f"{base}/risks/").json()["results"]}
    assert titles == {"Zephyr secret", "Zephyr shared", "Zephyr flood"}
    cells = client.get(f"{base}/risks/heat-map/").json()
    assert sum(cell["count"] for cell in cells) == 2  # the occurred one is not active
    assert [i["impact"] for i in client.get(f"{base}/risk-issues/").json()["results"]] == [
        "Zephyr two days"
    ]
    page = client.get(reverse("risks:risk", args=[cast.project.pk, register[1].pk]))
    assert "Zephyr margin note" in page.content.decode()


def test_another_clients_representative_sees_nothing(cast, client, register):
    client.force_login(cast.other_client_rep)
    assert client.get(reverse("risks:portal_register", args=[cast.project.pk])).status_code == 404
    assert client.get(f"/api/v1/projects/{cast.project.pk}/risks/").status_code == 404
    assert client.get(reverse("risks:portal_export", args=[cast.project.pk])).status_code == 404


def test_search_finds_internal_risks_only_for_the_team(cast, client, register):
    def found(person):
        client.force_login(person)
        result = client.get("/api/v1/search/", {"q": "Zephyr", "limit": 50}).json()
        return sorted(
            hit["title"]
            for group in result["groups"]
            if group["kind"] == "risk"
            for hit in group["results"]
        )

    assert found(cast.rep) == ["Zephyr shared"]
    assert found(cast.other_client_rep) == []
    assert found(cast.teammate) == ["Zephyr flood", "Zephyr secret", "Zephyr shared"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL only")
def test_the_risk_search_uses_its_gin_index(cast, register):
    from django.db import connection

    from projects import search

    risks = search.search_queryset(
        search.searchable_get("risk"), user=cast.staff_admin, text="Zephyr"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = risks.explain()
    assert "risk_search_vector_gin" in plan


def test_the_report_selector_leaves_out_internal_risks_and_notes(cast, register):
    rows = client_risks_for_report(cast.project)
    assert [row["title"] for row in rows] == ["Zephyr shared"]
    assert "Zephyr margin note" not in str(rows)


def test_clients_are_never_emailed_about_internal_risks(cast, register):
    secret = register[0]
    risk_assess(actor=cast.pm, risk=secret, probability=1, impact=1)
    risk_assess(actor=cast.pm, risk=secret, probability=5, impact=5)
    client_emails = {cast.client_admin.email, cast.rep.email, cast.viewer.email}
    assert not OutboxMessage.objects.filter(to_email__in=client_emails).exists()
    assert not Notification.objects.filter(
        user__in=[cast.client_admin, cast.rep, cast.viewer]
    ).exists()
    assert OutboxMessage.objects.filter(to_email=cast.am.email, kind="risk").exists()


def test_an_internal_risks_thread_is_for_the_provider_side_only(cast, client, register):
    secret, shared, _ = register
    client.force_login(cast.rep)
    thread = reverse("discussions:thread", args=["risks.risk", secret.pk])
    assert client.get(thread).status_code == 404
    shared_thread = reverse("discussions:thread", args=["risks.risk", shared.pk])
    assert client.get(shared_thread).status_code == 200
    client.force_login(cast.pm)
    assert client.get(thread).status_code == 200
