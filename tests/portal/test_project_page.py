"""The client's project page: what happened since their last visit (one upsert per visit),
what comes next, the team's contacts, links to every client-visible part, and a constant number
of queries however many items wait."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import ProjectVisit
from projects.models import Visibility
from projects.services.documents import document_upload
from projects.services.milestones import milestone_create
from stakeholders.services.requirements import requirement_confirm
from tests.helpers import count_queries, logged_in
from tests.portal.conftest import clarified_requirement, open_action_item

pytestmark = pytest.mark.django_db


def page_of(client, cast) -> str:
    response = client.get(reverse("portal:project", args=[cast.project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _upload(cast, title, visibility):
    return document_upload(
        actor=cast.pm,
        project=cast.project,
        file=SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.4\n%%EOF\n"),
        title=title,
        visibility=visibility,
    ).document


def test_first_visit_welcomes_then_the_next_shows_what_is_new(cast, rep_client):
    first = page_of(rep_client, cast)
    assert "Welcome: this is your first visit to this project." in first
    visit = ProjectVisit.objects.get(user=cast.rep, project=cast.project)
    ProjectVisit.objects.filter(pk=visit.pk).update(visited_at=datetime(2026, 1, 1, tzinfo=UTC))

    requirement = clarified_requirement(cast, "Scan barcodes")
    requirement_confirm(actor=cast.client_admin, requirement=requirement, version=1)
    _upload(cast, "Shared plan", Visibility.CLIENT)
    _upload(cast, "Internal costing", Visibility.INTERNAL)

    second = page_of(rep_client, cast)

    assert "Your last visit:" in second
    assert second.count('data-testid="since-decision"') == 1
    assert "Scan barcodes" in second
    assert "New document: Shared plan" in second
    assert "Internal costing" not in second
    assert ProjectVisit.objects.get(pk=visit.pk).visited_at > datetime(2026, 1, 2, tzinfo=UTC)


def test_nothing_new_says_so(cast, rep_client):
    page_of(rep_client, cast)

    assert "Nothing new was decided or shared since then." in page_of(rep_client, cast)
    assert ProjectVisit.objects.filter(user=cast.rep).count() == 1


def test_viewing_as_the_client_leaves_no_visit(cast):
    pm = logged_in(cast.pm)
    pm.post(reverse("portal:view_as_start", args=[cast.project.pk]), {"person": cast.rep.pk})

    page = page_of(pm, cast)

    assert 'data-testid="since-last-visit"' in page
    assert not ProjectVisit.objects.exists()


def test_what_comes_next_and_the_team_contacts(cast, rep_client):
    milestone_create(actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 1, 5))

    page = page_of(rep_client, cast)

    assert "Pilot" in page
    assert "pm@provider.test" in page
    assert "am@provider.test" in page
    assert "team@provider.test" not in page  # contacts are the PM and the AM
    assert reverse("risks:portal_register", args=[cast.project.pk]) in page
    assert reverse("feedback:portal_project_tickets", args=[cast.project.pk]) in page


def test_project_page_costs_the_same_with_5_and_50_waiting_items(cast, rep_client):
    url = reverse("portal:project", args=[cast.project.pk])
    for index in range(5):
        clarified_requirement(cast, f"Requirement {index}")
    rep_client.get(url)  # the first visit
    few = count_queries(rep_client, url)
    for index in range(5, 50):
        clarified_requirement(cast, f"Requirement {index}")
        open_action_item(cast, f"Action {index}", due=date(2026, 12, 1) + timedelta(days=index))

    many = count_queries(rep_client, url)

    assert many == few


def test_the_demo_sets_a_response_time_and_a_last_visit_once():
    import io

    from django.core.management import call_command

    from portal.models import ClientResponseTime

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    setting = ClientResponseTime.objects.get(project__code="NW-WMS")
    assert setting.client_response_days == 3
    visit = ProjectVisit.objects.get(user__email="rep@northwind.example")
    assert visit.project.code == "NW-WMS"


def test_a_visit_is_recorded_and_the_one_before_returned_in_one_statement(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.services import project_visit_record

    first, second = (datetime(2026, 3, day, 9, tzinfo=UTC) for day in (2, 3))
    with CaptureQueriesContext(connection) as queries:
        assert project_visit_record(user=cast.rep, project=cast.project, now=first) is None
    # PostgreSQL: one upsert that returns the visit before it; SQLite reads it first.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert project_visit_record(user=cast.rep, project=cast.project, now=second) == first
    assert project_visit_record(user=cast.client_admin, project=cast.project, now=second) is None
    assert project_visit_record(user=cast.rep, project=cast.project, now=second) == second
    visits = ProjectVisit.objects.filter(project=cast.project).order_by("user__email")
    assert [(visit.user, visit.visited_at) for visit in visits] == sorted(
        [(cast.client_admin, second), (cast.rep, second)], key=lambda pair: pair[0].email
    )
