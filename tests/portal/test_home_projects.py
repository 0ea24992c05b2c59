"""The portal home lists a person's first projects and links to all of them; the list of all
pages by fifty. An item of a project beyond the first still shows its answer-by day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from portal.services import client_response_days_set
from portal.views import HOME_PROJECTS, PROJECT_PAGE_SIZE
from projects.models import Role
from stakeholders.models import Requirement
from tests.factories import ProjectFactory, add_member
from tests.portal.conftest import clarified_requirement

pytestmark = pytest.mark.django_db


def more_projects(cast, count: int) -> list:
    """`count` projects of client A with the PM and the representative, named to sort after
    "A One" (the cast's project)."""
    projects = []
    for index in range(count):
        project = ProjectFactory(
            client=cast.project.client, code=f"a-{index:03}", name=f"B Project {index:03}"
        )
        add_member(project, cast.pm, Role.PM)
        add_member(project, cast.rep, Role.CUSTOMER_REP)
        projects.append(project)
    return projects


def test_home_lists_the_first_projects_and_links_to_all(cast, rep_client):
    page = rep_client.get(reverse("portal:home")).content.decode()
    assert "A One" in page
    assert 'data-testid="all-projects"' not in page

    projects = more_projects(cast, HOME_PROJECTS)
    page = rep_client.get(reverse("portal:home")).content.decode()

    assert "A One" in page
    assert projects[HOME_PROJECTS - 2].name in page
    assert projects[HOME_PROJECTS - 1].name not in page  # the eleventh by name
    assert f'href="{reverse("portal:project_list")}" data-testid="all-projects"' in page


def test_an_item_of_a_project_beyond_the_first_shows_its_answer_by_day(cast, rep_client):
    last = more_projects(cast, HOME_PROJECTS + 2)[-1]
    requirement = clarified_requirement(cast, "Scan barcodes", project=last)
    Requirement.objects.filter(pk=requirement.pk).update(
        updated_at=datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
    )
    client_response_days_set(actor=cast.pm, project=last, days=3)

    page = rep_client.get(reverse("portal:home")).content.decode()

    decisions, projects = page.split('data-testid="project-table"')
    assert last.name not in projects
    assert "Scan barcodes" in decisions
    assert last.name in decisions
    assert "answer by Nov 5, 2026" in page


def test_the_list_of_my_projects_pages_by_fifty(cast, rep_client):
    projects = more_projects(cast, PROJECT_PAGE_SIZE + 1)  # with A One: 52
    url = reverse("portal:project_list")

    first = rep_client.get(url).content.decode()
    second = rep_client.get(url, {"page": 2}).content.decode()

    assert "A One" in first
    assert projects[PROJECT_PAGE_SIZE - 2].name in first
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    assert projects[PROJECT_PAGE_SIZE - 1].name in second
    assert projects[PROJECT_PAGE_SIZE].name in second
    assert "A One" not in second
    assert rep_client.get(url, {"page": 99}).status_code == 200  # the last page
    # No other client's project on either page.
    assert cast.other_project.name not in first + second
