"""The client admin as project administrator: their colleagues' access on the members page, the
audit log of who approved what on their side, and the onboarding page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from projects.models import Invitation, Membership, Role
from stakeholders.services.requirements import requirement_confirm
from tests.helpers import logged_in
from tests.portal.conftest import clarified_requirement, resolved_ticket

pytestmark = pytest.mark.django_db


def members_url(cast):
    return reverse("portal:project_members", args=[cast.project.pk])


def test_client_admin_invites_a_colleague_as_customer_rep(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = logged_in(cast.client_admin).post(
            members_url(cast) + "invite/", {"email": "new@a.test", "role": "customer_rep"}
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@a.test")
    assert (invitation.role, invitation.invited_by, invitation.organization) == (
        Role.CUSTOMER_REP,
        cast.client_admin,
        cast.project.client,
    )
    assert OutboxMessage.objects.filter(kind="invitation", to_email="new@a.test").exists()


@pytest.mark.parametrize("role", ["pm", "team_member", "am"])
def test_client_admin_cannot_invite_provider_roles(cast, role):
    response = logged_in(cast.client_admin).post(
        members_url(cast) + "invite/", {"email": "new@a.test", "role": role}
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_client_admin_cannot_invite_someone_of_another_organisation(cast):
    response = logged_in(cast.client_admin).post(
        members_url(cast) + "invite/", {"email": "rep@b.test", "role": "customer_rep"}
    )

    assert response.status_code == 400
    assert "belongs to another organisation" in response.content.decode()
    assert not Invitation.objects.exists()


def test_client_admin_changes_a_role_and_removes_access(cast):
    client = logged_in(cast.client_admin)
    rep_membership = Membership.objects.get(project=cast.project, user=cast.rep)
    viewer_membership = Membership.objects.get(project=cast.project, user=cast.viewer)

    client.post(
        members_url(cast) + "role/",
        {"membership": rep_membership.pk, "role": "client_viewer"},
    )
    client.post(members_url(cast) + "remove/", {"membership": viewer_membership.pk})

    rep_membership.refresh_from_db()
    assert rep_membership.role == Role.CLIENT_VIEWER
    assert not Membership.objects.filter(pk=viewer_membership.pk).exists()
    # The viewer's portal no longer opens the project.
    assert (
        logged_in(cast.viewer).get(reverse("portal:project", args=[cast.project.pk])).status_code
        == 404
    )


def test_client_admin_cannot_touch_the_provider_side(cast):
    pm_membership = Membership.objects.get(project=cast.project, user=cast.pm)
    client = logged_in(cast.client_admin)

    client.post(members_url(cast) + "remove/", {"membership": pm_membership.pk})
    client.post(
        members_url(cast) + "role/",
        {"membership": pm_membership.pk, "role": "client_viewer"},
    )

    pm_membership.refresh_from_db()
    assert pm_membership.role == Role.PM


@pytest.mark.parametrize("name", ["rep", "viewer"])
def test_reps_and_viewers_do_not_manage_members(cast, name):
    response = logged_in(getattr(cast, name)).post(
        members_url(cast) + "invite/", {"email": "new@a.test", "role": "client_viewer"}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- Audit log ------------------------------------------------------------------------------


def test_the_audit_log_lists_client_side_approvals_and_membership_changes(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")
    requirement_confirm(actor=cast.rep, requirement=requirement, version=requirement.version)
    ticket = resolved_ticket(cast, "Slow search")
    logged_in(cast.rep).post(
        reverse(
            "portal:decision_act",
            kwargs={"project_id": cast.project.pk, "kind": "ticket", "item_id": ticket.pk},
        )
    )
    admin = logged_in(cast.client_admin)
    admin.post(members_url(cast) + "invite/", {"email": "new@a.test", "role": "client_viewer"})
    viewer_membership = Membership.objects.get(project=cast.project, user=cast.viewer)
    admin.post(members_url(cast) + "remove/", {"membership": viewer_membership.pk})
    # The PM's own changes are not the client's: not in the log.
    logged_in(cast.pm).post(
        members_url(cast)
        .replace("/portal/projects/", "/projects/")
        .replace("/members/", "/members/")
        + "invite/",
        {"email": "pm-invited@a.test", "role": "customer_rep"},
    )

    assert Invitation.objects.filter(email="pm-invited@a.test").exists()

    page = admin.get(reverse("portal:audit_log", args=[cast.project.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="audit-entry"') == 4
    assert f"confirmed (version {requirement.version})" in body
    assert "confirmed the resolution" in body
    assert "invited as Client viewer" in body
    assert "removed the access of" in body
    assert "pm-invited@a.test" not in body


def test_the_audit_log_is_for_the_client_admin_and_in_the_api_for_pm_and_am(cast):
    url = reverse("portal:audit_log", args=[cast.project.pk])
    api = f"/api/v1/projects/{cast.project.pk}/client-audit-log/"
    requirement = clarified_requirement(cast, "Scan barcodes")
    requirement_confirm(actor=cast.rep, requirement=requirement, version=requirement.version)

    assert logged_in(cast.rep).get(url).status_code == 403
    assert logged_in(cast.viewer).get(url).status_code == 403
    assert logged_in(cast.other_client_rep).get(url).status_code == 404
    rows = logged_in(cast.am).get(api).json()
    assert [(row["who"], row["what"]) for row in rows] == [("Rory Rep", "REQ-1 Scan barcodes")]
    assert logged_in(cast.rep).get(api).status_code == 403
    assert logged_in(cast.other_client_rep).get(api).status_code == 404


def test_the_audit_log_link_shows_for_the_client_admin_only(cast):
    url = reverse("portal:project", args=[cast.project.pk])

    assert 'data-testid="tab-audit-log"' in logged_in(cast.client_admin).get(url).content.decode()
    assert 'data-testid="tab-audit-log"' not in logged_in(cast.rep).get(url).content.decode()


# --- Onboarding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "role_text", "duty"),
    [
        ("client_admin", "Your role: Client admin", "You give the formal approvals"),
        ("rep", "Your role: Customer representative", "You confirm requirements"),
        ("viewer", "Your role: Client viewer", "You follow the project"),
    ],
)
def test_onboarding_explains_the_role_and_the_permission_table(cast, name, role_text, duty):
    page = logged_in(getattr(cast, name)).get(reverse("portal:onboarding", args=[cast.project.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert role_text in body
    assert duty in body
    assert "An answer within 5 business days" in body
    assert 'data-testid="role-permissions"' in body
    assert "Invite colleagues, change their role, remove their access" in body
    assert "pm@provider.test" in body  # the PM's contact


def test_the_members_page_explains_the_client_admins_powers(cast):
    url = members_url(cast)

    admin_page = logged_in(cast.client_admin).get(url).content.decode()
    rep_page = logged_in(cast.rep).get(url).content.decode()

    assert 'data-testid="client-admin-help"' in admin_page
    assert reverse("portal:audit_log", args=[cast.project.pk]) in admin_page
    assert 'data-testid="client-admin-help"' not in rep_page
