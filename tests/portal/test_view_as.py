""" "View as this client" (portal.middleware): a PM or the AM of the project sees the portal
exactly as one client member sees it: read-only, bannered, logged, never for the staff app or
the API, never another project, and never by anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.middleware import VIEW_AS_SESSION_KEY
from portal.models import ViewAsSession
from projects.models import Role, Visibility
from risks.services.register import risk_create
from stakeholders.models import Requirement
from tests.factories import ProjectFactory, add_member
from tests.helpers import logged_in
from tests.portal.conftest import clarified_requirement

pytestmark = pytest.mark.django_db


def _start(client, project, person):
    return client.post(
        reverse("portal:view_as_start", kwargs={"project_id": project.pk}),
        {"person": person.pk},
    )


@pytest.fixture
def pm_as_rep(cast):
    client = logged_in(cast.pm)
    response = _start(client, cast.project, cast.rep)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:project", args=[cast.project.pk])
    return client


def test_the_pm_sees_the_portal_as_the_representative_with_a_banner(cast, pm_as_rep):
    page = pm_as_rep.get(reverse("portal:project", args=[cast.project.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="view-as-banner"' in body
    assert "You are viewing the portal as Rory Rep (A One)." in body
    assert 'data-testid="portal-organization">Client A<' in body
    assert page.wsgi_request.user == cast.rep
    assert page.wsgi_request.real_user == cast.pm
    session = ViewAsSession.objects.get()
    assert (session.viewer, session.viewed, session.project, session.ended_at) == (
        cast.pm,
        cast.rep,
        cast.project,
        None,
    )


def test_the_viewer_sees_no_more_than_the_viewed_person(cast, pm_as_rep):
    risk_create(actor=cast.pm, project=cast.project, title="Supplier may go bankrupt")
    risk_create(
        actor=cast.pm, project=cast.project, title="Scanner supply", visibility=Visibility.CLIENT
    )
    internal = clarified_requirement(cast, "Internal refactoring", visibility="internal")

    register = pm_as_rep.get(reverse("risks:portal_register", args=[cast.project.pk]))
    detail = pm_as_rep.get(reverse("portal:requirement", args=[cast.project.pk, internal.pk]))

    body = register.content.decode()
    assert "Scanner supply" in body
    assert "Supplier may go bankrupt" not in body
    assert detail.status_code == 404


def test_every_post_is_refused_and_changes_nothing(cast, pm_as_rep):
    requirement = clarified_requirement(cast, "Scan barcodes")
    act = reverse(
        "portal:decision_act",
        kwargs={"project_id": cast.project.pk, "kind": "requirement", "item_id": requirement.pk},
    )

    for url, data in [
        (act, {}),
        (reverse("portal:requirement_create", args=[cast.project.pk]), {"title": "Sneaky"}),
        (reverse("portal:project_members", args=[cast.project.pk]), {"email": "x@a.test"}),
    ]:
        response = pm_as_rep.post(url, data)
        assert response.status_code == 403, url
        assert "this view is read-only, so nothing was changed" in response.content.decode()

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CLARIFIED
    assert not Requirement.objects.filter(title="Sneaky").exists()


def test_forms_and_actions_are_marked_disabled_for_the_browser(cast, pm_as_rep):
    clarified_requirement(cast, "Scan barcodes")

    body = pm_as_rep.get(reverse("portal:home")).content.decode()

    assert '<body class="portal view-as"' in body
    assert "portal/view_as.js" in body
    assert 'data-testid="decision-action"' in body  # shown, disabled by the script and CSS


def test_the_staff_app_and_the_api_stay_the_real_person(cast, pm_as_rep):
    staff = pm_as_rep.get(reverse("projects:detail", args=[cast.project.pk]))
    api = pm_as_rep.get("/api/v1/portal/waiting/")

    assert staff.status_code == 200
    assert staff.wsgi_request.user == cast.pm
    assert api.status_code == 200
    assert api.json() == []  # the PM has nothing waiting as a client


def test_only_the_project_the_view_was_started_for(cast, pm_as_rep):
    second = ProjectFactory(client=cast.project.client, code="a-two", name="A Two")
    add_member(second, cast.rep, Role.CUSTOMER_REP)

    other = pm_as_rep.get(reverse("portal:project", args=[second.pk]))
    home = pm_as_rep.get(reverse("portal:home"))
    search = pm_as_rep.get(reverse("portal:search"), {"q": "A Two"})

    assert other.status_code == 404
    assert "A Two" not in home.content.decode()
    assert search.status_code == 403


def test_stop_ends_the_view_and_logs_the_end(cast, pm_as_rep):
    response = pm_as_rep.post(reverse("portal:view_as_stop"))

    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[cast.project.pk])
    assert ViewAsSession.objects.get().ended_at is not None
    assert VIEW_AS_SESSION_KEY not in pm_as_rep.session
    assert pm_as_rep.get(reverse("portal:home"))["Location"] == "/"


def test_signing_out_ends_the_view(cast, pm_as_rep):
    pm_as_rep.post(reverse("account_logout"))
    pm_as_rep.force_login(cast.pm)

    response = pm_as_rep.get(reverse("portal:home"))

    assert response.status_code == 302  # the PM again, sent to the staff app
    assert VIEW_AS_SESSION_KEY not in pm_as_rep.session


def test_the_am_may_view_as_the_client_admin(cast):
    client = logged_in(cast.am)
    assert _start(client, cast.project, cast.client_admin).status_code == 302
    assert client.get(reverse("portal:home")).wsgi_request.user == cast.client_admin


@pytest.mark.parametrize(
    ("starter", "status"),
    [("teammate", 403), ("outsider", 404), ("staff_admin", 403)],
)
def test_nobody_else_on_the_provider_side_may_start_it(cast, starter, status):
    client = logged_in(getattr(cast, starter))

    assert _start(client, cast.project, cast.rep).status_code == status
    assert not ViewAsSession.objects.exists()
    assert VIEW_AS_SESSION_KEY not in client.session


def test_an_am_of_two_projects_views_each_projects_clients_only_there(cast):
    other_am = cast.am
    add_member(cast.other_project, other_am, Role.AM)
    client = logged_in(other_am)

    # As the other client's rep, through either project: neither is allowed.
    assert _start(client, cast.other_project, cast.rep).status_code == 400
    assert _start(client, cast.project, cast.other_client_rep).status_code == 400
    assert not ViewAsSession.objects.exists()


def test_an_am_outside_the_project_finds_nothing(cast, provider):
    from tests.factories import UserFactory, enrol_totp

    stranger = UserFactory(email="am2@provider.test", organization=provider)
    enrol_totp(stranger)
    add_member(cast.other_project, stranger, Role.AM)

    response = _start(logged_in(stranger), cast.project, cast.rep)

    assert response.status_code == 404
    assert not ViewAsSession.objects.exists()


def test_a_client_user_cannot_start_it(cast):
    client = logged_in(cast.client_admin)

    response = _start(client, cast.project, cast.rep)

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert not ViewAsSession.objects.exists()


def test_only_client_members_of_the_project_can_be_chosen(cast):
    client = logged_in(cast.pm)

    for person in (cast.teammate, cast.other_client_rep, cast.pm):
        response = _start(client, cast.project, person)
        assert response.status_code == 400
        assert "Choose an active client member of this project." in response.content.decode()
    assert (
        client.post(
            reverse("portal:view_as_start", args=[cast.project.pk]), {"person": "x"}
        ).status_code
        == 400
    )
    assert not ViewAsSession.objects.exists()


def test_it_cannot_be_chained_or_switched_from_inside(cast, pm_as_rep):
    # While viewing, the start page is a portal page seen by the client: the client is sent to
    # the portal and a POST is refused as read-only.
    response = _start(pm_as_rep, cast.project, cast.viewer)
    assert response.status_code == 403
    assert ViewAsSession.objects.count() == 1


def test_a_view_ends_when_the_viewer_loses_the_role(cast, pm_as_rep):
    cast.pm.memberships.filter(project=cast.project).delete()

    response = pm_as_rep.get(reverse("portal:home"))

    assert response.status_code == 302  # the PM, a provider person, goes to the staff app
    assert VIEW_AS_SESSION_KEY not in pm_as_rep.session


def test_the_staff_project_page_offers_it_to_the_pm_only(cast):
    url = reverse("projects:detail", args=[cast.project.pk])
    assert 'data-testid="view-as-client"' in logged_in(cast.pm).get(url).content.decode()
    assert 'data-testid="view-as-client"' not in logged_in(cast.teammate).get(url).content.decode()


def test_the_view_is_logged_in_the_admin(cast, pm_as_rep):
    admin = logged_in(cast.staff_admin)

    page = admin.get(reverse("admin:portal_viewassession_changelist"))

    assert page.status_code == 200
    assert "Rory Rep" in page.content.decode()
