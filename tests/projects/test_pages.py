"""Staff and portal pages: who lands where, what they list, and constant query counts."""

from __future__ import annotations

import pytest

from projects.models import Role
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory, add_member
from tests.helpers import count_queries, logged_in


def test_project_list_shows_only_ones_own_projects(cast):
    page = logged_in(cast.pm).get("/projects/").content.decode()
    assert "A One" in page
    assert "B One" not in page


def test_portal_lists_only_the_clients_own_projects(cast):
    page = logged_in(cast.rep).get("/portal/").content.decode()
    assert "A One" in page
    assert "B One" not in page
    assert "Client A" in page  # the organisation's name in the portal header
    other = logged_in(cast.other_client_rep).get("/portal/projects/").content.decode()
    assert "B One" in other
    assert "A One" not in other


def test_client_list_shows_the_account_managers_clients(cast):
    page = logged_in(cast.am).get("/clients/").content.decode()
    assert "Client A" in page
    assert "Client B" not in page


def test_portal_never_shows_provider_only_pages_links(cast):
    page = logged_in(cast.rep).get(f"/portal/projects/{cast.project.pk}/").content.decode()
    assert "/projects/" not in page.replace("/portal/projects/", "")
    assert "Satisfaction" not in page


@pytest.mark.parametrize(
    ("role_name", "url"),
    [
        ("pm", "/projects/"),
        ("am", "/clients/"),
        ("rep", "/portal/"),
        ("rep", "/portal/projects/"),
    ],
)
def test_list_pages_keep_a_constant_number_of_queries(cast, role_name, url):
    user = cast.by_name(role_name)
    client = logged_in(user)
    few = count_queries(client, url, warm=True)
    client_org = cast.project.client
    for index in range(10):
        organization = OrganizationFactory() if role_name == "am" else client_org
        project = ProjectFactory(client=organization, code=f"grow-{index}")
        role = {"pm": Role.PM, "am": Role.AM, "rep": Role.CUSTOMER_REP}[role_name]
        add_member(project, user, role)
        add_member(project, UserFactory(organization=organization), Role.CLIENT_VIEWER)
    assert count_queries(client, url, warm=True) == few


@pytest.mark.parametrize(
    ("role_name", "url_template"),
    [("pm", "/projects/{}/members/"), ("client_admin", "/portal/projects/{}/members/")],
)
def test_members_page_keeps_a_constant_number_of_queries(cast, role_name, url_template):
    client = logged_in(cast.by_name(role_name))
    url = url_template.format(cast.project.pk)
    few = count_queries(client, url, warm=True)
    for _ in range(10):
        add_member(cast.project, UserFactory(organization=cast.project.client), Role.CLIENT_VIEWER)
    assert count_queries(client, url, warm=True) == few


def _grow_plan(pm, project, count: int) -> None:
    from datetime import date

    from projects.services.deliverables import deliverable_create
    from projects.services.milestones import milestone_create

    for index in range(count):
        milestone = milestone_create(
            actor=pm, project=project, name=f"M{index}", due_date=date(2027, 1, 1 + index)
        )
        for number in range(2):
            deliverable_create(
                actor=pm, milestone=milestone, name=f"D{index}.{number}", criteria=["ok", "fine"]
            )


@pytest.mark.parametrize(
    ("role_name", "url_template"),
    [
        ("pm", "/projects/{}/plan/"),
        ("am", "/projects/{}/plan/"),
        ("rep", "/portal/projects/{}/"),
        ("rep", "/portal/"),
    ],
)
def test_plan_and_portal_pages_keep_a_constant_number_of_queries(cast, role_name, url_template):
    client = logged_in(cast.by_name(role_name))
    url = url_template.format(cast.project.pk)
    _grow_plan(cast.pm, cast.project, 2)
    # Warm: the working calendars (the days lost waiting) come from the cache.
    few = count_queries(client, url, warm=True)
    _grow_plan(cast.pm, cast.project, 10)
    assert count_queries(client, url, warm=True) == few


def test_each_milestones_add_a_deliverable_form_is_its_own_form_rendered(cast):
    """The plan renders the blank "Add a deliverable" form once and puts each milestone's
    prefix in: the same HTML as rendering each milestone's own form; a failed one comes back
    with its errors and open."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    from projects.forms.deliverables import DeliverableForm
    from projects.views.plan import _team_choices

    _grow_plan(cast.pm, cast.project, 3)
    client = logged_in(cast.pm)
    page = client.get(f"/projects/{cast.project.pk}/plan/")
    milestones = page.context["milestones"]
    html = page.content.decode()
    assert len(milestones) == 3
    team = _team_choices(cast.project)
    for milestone in milestones:
        own = str(as_crispy_form(DeliverableForm(team=team, prefix=f"m{milestone.pk}")))
        assert str(milestone.deliverable_form) == own
        assert own in html
        assert f'name="m{milestone.pk}-name"' in own
    assert "m__milestone__" not in html

    second = milestones[1]
    failed = client.post(
        f"/projects/{cast.project.pk}/plan/deliverables/",
        {"milestone": second.pk, f"m{second.pk}-name": ""},
    )
    assert failed.status_code == 400
    failed_html = failed.content.decode()
    card = failed_html.split(f'name="milestone" value="{second.pk}"')[-2].rsplit("<details", 1)[1]
    assert card.startswith(' class="card-footer" open>')
    assert "This field is required." in failed_html


def test_the_member_count_counts_every_member_not_just_the_viewer(cast):
    page = logged_in(cast.rep).get("/portal/projects/")
    project = page.context["projects"][0]
    assert project.member_count == 6
