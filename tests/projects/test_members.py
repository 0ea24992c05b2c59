"""Managing a project's members from the staff app and the portal."""

from __future__ import annotations

import pytest

from common.errors import Conflict, NotAllowed
from notifications.models import OutboxMessage
from projects.models import Invitation, Membership, Role
from projects.services import membership_change_role, membership_remove
from tests.factories import UserFactory, add_member
from tests.helpers import logged_in


def members_url(role_name: str, project_id: int) -> str:
    if role_name in {"client_admin", "rep", "viewer", "other_client_rep"}:
        return f"/portal/projects/{project_id}/members/"
    return f"/projects/{project_id}/members/"


# Who may invite a customer representative to client A's project, and the response they get.
INVITE_OUTCOMES = {
    "pm": 302,
    "client_admin": 302,
    "am": 403,
    "teammate": 403,
    "rep": 403,
    "viewer": 403,
    "other_client_rep": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("role_name", "status"), sorted(INVITE_OUTCOMES.items()))
def test_invite_permission_for_every_role(
    cast, django_capture_on_commit_callbacks, role_name, status
):
    client = logged_in(cast.by_name(role_name))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            members_url(role_name, cast.project.pk) + "invite/",
            {"email": "new.rep@a.test", "role": Role.CUSTOMER_REP},
        )
    assert response.status_code == status
    invited = Invitation.objects.filter(email="new.rep@a.test").count()
    queued = OutboxMessage.objects.filter(to_email="new.rep@a.test").count()
    if status == 302:
        assert (invited, queued, len(callbacks)) == (1, 1, 1)
    else:
        assert (invited, queued, len(callbacks)) == (0, 0, 0)


def test_client_admin_cannot_invite_a_project_manager(cast):
    client = logged_in(cast.client_admin)
    response = client.post(
        members_url("client_admin", cast.project.pk) + "invite/",
        {"email": "boss@a.test", "role": Role.PM},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.filter(email="boss@a.test").exists()


def test_bad_email_gets_a_form_error_and_changes_nothing(cast):
    response = logged_in(cast.pm).post(
        members_url("pm", cast.project.pk) + "invite/",
        {"email": "not an address", "role": Role.CUSTOMER_REP},
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_inviting_an_existing_member_is_refused_with_a_message(cast):
    response = logged_in(cast.pm).post(
        members_url("pm", cast.project.pk) + "invite/",
        {"email": "REP@a.test", "role": Role.CLIENT_VIEWER},
    )
    assert response.status_code == 400
    assert "already a member of this project" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_pm_changes_a_role_and_removes_a_member(cast):
    client = logged_in(cast.pm)
    membership = Membership.objects.get(project=cast.project, user=cast.viewer)
    response = client.post(
        members_url("pm", cast.project.pk) + "role/",
        {"membership": membership.pk, "role": Role.CUSTOMER_REP},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.CUSTOMER_REP
    response = client.post(
        members_url("pm", cast.project.pk) + "remove/", {"membership": membership.pk}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_role_change_to_the_wrong_side_is_refused(cast):
    membership = Membership.objects.get(project=cast.project, user=cast.viewer)
    response = logged_in(cast.pm).post(
        members_url("pm", cast.project.pk) + "role/",
        {"membership": membership.pk, "role": Role.TEAM_MEMBER},
        follow=True,
    )
    assert "Provider roles are for provider people only." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.CLIENT_VIEWER


def test_client_admin_manages_own_colleagues_but_not_the_team(cast):
    client = logged_in(cast.client_admin)
    viewer = Membership.objects.get(project=cast.project, user=cast.viewer)
    pm = Membership.objects.get(project=cast.project, user=cast.pm)
    url = members_url("client_admin", cast.project.pk)
    client.post(url + "remove/", {"membership": viewer.pk})
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    response = client.post(url + "remove/", {"membership": pm.pk}, follow=True)
    assert "You are not allowed to do this." in response.content.decode()
    assert Membership.objects.filter(pk=pm.pk).exists()


def test_a_project_keeps_at_least_one_project_manager(cast):
    pm_membership = Membership.objects.get(project=cast.project, user=cast.pm)
    with pytest.raises(Conflict):
        membership_remove(actor=cast.pm, membership=pm_membership)
    with pytest.raises(Conflict):
        membership_change_role(actor=cast.pm, membership=pm_membership, role=Role.AM)
    assert Membership.objects.get(pk=pm_membership.pk).role == Role.PM
    second = UserFactory(organization=cast.pm.organization)
    add_member(cast.project, second, Role.PM)
    membership_remove(actor=cast.pm, membership=pm_membership)
    assert not Membership.objects.filter(pk=pm_membership.pk).exists()


def test_rep_cannot_change_memberships_through_the_service(cast):
    viewer = Membership.objects.get(project=cast.project, user=cast.viewer)
    with pytest.raises(NotAllowed):
        membership_remove(actor=cast.rep, membership=viewer)
    assert Membership.objects.filter(pk=viewer.pk).exists()


def test_membership_ids_of_another_project_cannot_be_reached(cast):
    """A PM of project A posting the id of a membership in client B's project gets a 404."""
    other = Membership.objects.get(project=cast.other_project, user=cast.other_client_rep)
    response = logged_in(cast.pm).post(
        members_url("pm", cast.project.pk) + "remove/", {"membership": other.pk}
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_members_page_hides_pending_invitations_from_those_who_cannot_manage(cast):
    logged_in(cast.pm).post(
        members_url("pm", cast.project.pk) + "invite/",
        {"email": "secret.hire@provider.test", "role": Role.TEAM_MEMBER},
    )
    assert (
        "secret.hire@provider.test"
        in logged_in(cast.pm).get(members_url("pm", cast.project.pk)).content.decode()
    )
    for role_name in ("rep", "viewer", "am", "teammate"):
        page = logged_in(cast.by_name(role_name)).get(members_url(role_name, cast.project.pk))
        assert page.status_code == 200
        assert "secret.hire@provider.test" not in page.content.decode()


def _invite(actor, project, email: str, role: str) -> None:
    response = logged_in(actor).post(
        members_url("pm", project.pk) + "invite/", {"email": email, "role": role}
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email=email, revoked_at__isnull=True).exists()


def test_a_client_admin_sees_and_withdraws_only_the_clients_invitations(cast):
    """Who the provider brings onto its side is its own business: its pending invitations stay
    out of the client admin's members page and API, and cannot be withdrawn by them. The
    client's own are listed; one the client admin may not give (a client admin's, from the PM)
    is listed without a way to withdraw it."""
    project = cast.project
    _invite(cast.pm, project, "secret.hire@provider.test", Role.TEAM_MEMBER)
    _invite(cast.pm, project, "second.admin@client-a.test", Role.CLIENT_ADMIN)
    _invite(cast.pm, project, "new.rep@client-a.test", Role.CUSTOMER_REP)
    client_admin = logged_in(cast.client_admin)

    page = client_admin.get(members_url("client_admin", project.pk)).content.decode()
    api = client_admin.get(f"/api/v1/projects/{project.pk}/invitations/").json()
    listed = {row["email"] for row in api["results"]}
    pm_page = logged_in(cast.pm).get(members_url("pm", project.pk)).content.decode()

    assert "secret.hire@provider.test" not in page
    assert "secret.hire@provider.test" not in str(api)
    assert listed == {"second.admin@client-a.test", "new.rep@client-a.test"}
    assert "new.rep@client-a.test" in page
    assert "second.admin@client-a.test" in page
    assert page.count('name="invitation"') == 1  # the representative's, not the admin's
    assert pm_page.count('name="invitation"') == 3
    assert "secret.hire@provider.test" in pm_page

    provider = Invitation.objects.get(email="secret.hire@provider.test")
    withdraw = client_admin.post(
        members_url("client_admin", project.pk) + "invitations/revoke/",
        {"invitation": provider.pk},
    )
    api_withdraw = client_admin.delete(f"/api/v1/projects/{project.pk}/invitations/{provider.pk}/")

    assert withdraw.status_code == 404
    assert api_withdraw.status_code == 404
    provider.refresh_from_db()
    assert provider.revoked_at is None
