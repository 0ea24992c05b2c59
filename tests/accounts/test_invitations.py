"""Invitations by e-mail: signed, expiring, single-use links; who may invite whom; accepting them
creates the account (or uses the signed-in one) and the membership. No public sign-up."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from common.errors import NotAllowed
from notifications.models import Notification, OutboxMessage
from projects.models import Invitation, Membership, Role
from projects.services.invitations import (
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "quiet-lantern-meadow-42"
USED = "This invitation has already been used. Sign in to open the project."
EXPIRED = "This invitation has expired. Ask the person who invited you for a new one."
NOT_VALID = "This invitation link is not valid."
NOT_VALID_ANY_MORE = "This invitation link is not valid any more."
ZH_HANS_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def _invite(actor, project, email, role, capture):
    with capture(execute=False) as callbacks:
        invitation = invitation_create(actor=actor, project=project, email=email, role=role)
    assert len(callbacks) == 1  # the outbox send, queued for after the commit
    return invitation


def _accept_form(**overrides):
    data = {
        "display_name": "Nina New",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "en",
        "time_zone": "Europe/Berlin",
    }
    return {**data, **overrides}


def _url(token: str) -> str:
    return f"/invitations/{token}/"


def _nothing_invited():
    return Invitation.objects.count() == 0 and OutboxMessage.objects.count() == 0


# --- Sending ------------------------------------------------------------------------------------


def test_pm_invites_a_new_person_as_customer_rep(
    client, pm, project, client_a, django_capture_on_commit_callbacks
):
    client.force_login(pm)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/projects/{project.pk}/members/invite/",
            {"email": " New.Person@A.test ", "role": "customer_rep"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/members/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organization, invitation.invited_by) == (
        "new.person@a.test",
        Role.CUSTOMER_REP,
        client_a,
        pm,
    )
    assert invitation.is_pending
    expected_expiry = invitation.created_at + timedelta(days=7)
    assert abs(invitation.expires_at - expected_expiry) < timedelta(seconds=5)
    message = OutboxMessage.objects.get()
    assert (message.kind, message.to_email, message.to_user, message.language) == (
        "invitation",
        "new.person@a.test",
        None,
        "en",
    )
    assert message.subject == "You are invited to A One"
    assert message.dedupe_key == f"invitation:{invitation.pk}"
    assert "Paula PM invited you to the project A One (Client A) as Customer representative." in (
        message.body_text
    )
    assert "Create your account and join here:" in message.body_text
    site = re.escape(settings.SITE_URL.rstrip("/"))
    (token,) = re.findall(rf"^{site}/invitations/([^/\s]+)/$", message.body_text, re.MULTILINE)
    assert invitation_from_token(token) == invitation
    assert len(callbacks) == 1


def test_invitation_email_uses_the_organisation_language(
    pm, project, client_a, django_capture_on_commit_callbacks
):
    client_a.language = "zh-hans"
    client_a.time_zone = "Asia/Shanghai"
    client_a.save()

    _invite(pm, project, "new@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks)

    message = OutboxMessage.objects.get()
    assert message.language == "zh-hans"
    assert "Asia/Shanghai" in message.body_text
    with translation.override("zh-hans"):
        expected_subject = gettext("You are invited to %(project)s") % {"project": "A One"}
    assert message.subject == expected_subject
    if ZH_HANS_CATALOGUE.exists():
        assert re.search("[\u4e00-\u9fff]", message.subject)  # Chinese, not the English text


def test_invitation_email_to_an_existing_person_uses_their_language(
    pm, project, provider, django_capture_on_commit_callbacks
):
    person = UserFactory(email="dev@provider.test", organization=provider, language="zh-hans")

    _invite(pm, project, "DEV@provider.test", Role.TEAM_MEMBER, django_capture_on_commit_callbacks)

    message = OutboxMessage.objects.get()
    assert (message.to_email, message.to_user, message.language) == (
        "dev@provider.test",
        person,
        "zh-hans",
    )
    with translation.override("zh-hans"):
        assert gettext("Sign in and accept the invitation here:") in message.body_text


def test_client_admin_invites_a_customer_rep_in_the_portal(
    client, client_admin, project, client_a, django_capture_on_commit_callbacks
):
    client.force_login(client_admin)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/portal/projects/{project.pk}/members/invite/",
            {"email": "colleague@a.test", "role": "customer_rep"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/portal/projects/{project.pk}/members/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organization, invitation.invited_by) == (
        "colleague@a.test",
        Role.CUSTOMER_REP,
        client_a,
        client_admin,
    )
    assert OutboxMessage.objects.get().to_email == "colleague@a.test"


def test_client_admin_may_not_invite_a_pm(client_admin, project):
    with pytest.raises(NotAllowed):
        invitation_create(
            actor=client_admin, project=project, email="boss@provider.test", role=Role.PM
        )

    assert _nothing_invited()


def test_client_admin_is_not_offered_the_pm_role_in_the_portal(
    client, client_admin, project, django_capture_on_commit_callbacks
):
    client.force_login(client_admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/portal/projects/{project.pk}/members/invite/",
            {"email": "boss@provider.test", "role": "pm"},
        )

    assert response.status_code == 400
    assert response.context["invitation_form"].errors == {
        "role": ["Select a valid choice. pm is not one of the available choices."]
    }
    assert _nothing_invited()
    assert callbacks == []


@pytest.mark.parametrize(
    ("role_name", "url"),
    [
        ("rep", "/portal/projects/{id}/members/"),
        ("viewer", "/portal/projects/{id}/members/"),
        ("am", "/projects/{id}/members/"),
        ("teammate", "/projects/{id}/members/"),
    ],
)
def test_only_pm_and_client_admin_may_invite(
    client, cast, role_name, url, django_capture_on_commit_callbacks
):
    client.force_login(cast.by_name(role_name))
    memberships_before = set(Membership.objects.values_list("pk", "role"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url.format(id=cast.project.pk) + "invite/",
            {"email": "someone@a.test", "role": "client_viewer"},
        )

    assert response.status_code == 403
    assert _nothing_invited()
    assert callbacks == []
    assert set(Membership.objects.values_list("pk", "role")) == memberships_before


def test_inviting_another_clients_person_is_refused_on_the_email_field(
    client, pm, project, other_client_rep, django_capture_on_commit_callbacks
):
    client.force_login(pm)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/projects/{project.pk}/members/invite/",
            {"email": "Rep@B.test", "role": "customer_rep"},
        )

    assert response.status_code == 400
    assert response.context["invitation_form"].errors == {
        "email": ["rep@b.test belongs to another organisation and cannot take this role."]
    }
    assert _nothing_invited()
    assert callbacks == []
    assert not Membership.objects.filter(project=project, user=other_client_rep).exists()


def test_inviting_a_member_again_is_refused(client, pm, project, rep):
    client.force_login(pm)

    response = client.post(
        f"/projects/{project.pk}/members/invite/",
        {"email": "rep@a.test", "role": "client_viewer"},
    )

    assert response.status_code == 400
    assert response.context["invitation_form"].errors == {
        "__all__": ["rep@a.test is already a member of this project."]
    }
    assert _nothing_invited()


def test_reinviting_replaces_the_pending_invitation(
    client, pm, project, django_capture_on_commit_callbacks
):
    first = _invite(
        pm, project, "new@a.test", Role.CLIENT_VIEWER, django_capture_on_commit_callbacks
    )
    first_token = invitation_token(first)

    second = _invite(
        pm, project, "NEW@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending
    response = client.get(_url(first_token))
    assert response.status_code == 410
    assert response.context["error"] == NOT_VALID_ANY_MORE
    assert client.get(_url(invitation_token(second))).status_code == 200
    assert OutboxMessage.objects.count() == 2


# --- Accepting as a new person ------------------------------------------------------------------


def test_new_person_accepts_and_lands_in_the_portal(
    client, pm, project, client_a, django_capture_on_commit_callbacks
):
    client_a.time_zone = "Europe/Berlin"
    client_a.save()
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    token = invitation_token(invitation)

    page = client.get(_url(token))
    response = client.post(_url(token), _accept_form(language="zh-hans", time_zone="Asia/Shanghai"))

    assert page.status_code == 200
    assert page.context["form"].initial == {"language": "en", "time_zone": "Europe/Berlin"}
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="nina@a.test")
    assert (user.display_name, user.organization, user.side) == ("Nina New", client_a, "client")
    assert (user.language, user.time_zone) == ("zh-hans", "Asia/Shanghai")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.project, membership.role) == (project, Role.CUSTOMER_REP)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, "/portal/")
    assert client.get("/portal/").status_code == 200


def test_accepting_twice_shows_already_used_and_adds_nothing(
    client, pm, project, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    token = invitation_token(invitation)
    assert client.post(_url(token), _accept_form()).status_code == 302
    client.logout()

    page = client.get(_url(token))
    response = client.post(_url(token), _accept_form(display_name="Someone Else"))

    for answer in (page, response):
        assert answer.status_code == 410
        assert answer.context["error"] == USED
        assert "already been used" in answer.content.decode()
    assert User.objects.filter(email__iexact="nina@a.test").count() == 1
    assert Membership.objects.filter(user__email="nina@a.test").count() == 1
    assert "_auth_user_id" not in client.session


def test_expired_invitation_is_refused(client, pm, project, django_capture_on_commit_callbacks):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    token = invitation_token(invitation)

    page = client.get(_url(token))
    response = client.post(_url(token), _accept_form())

    for answer in (page, response):
        assert answer.status_code == 410
        assert answer.context["error"] == EXPIRED
        assert "expired" in answer.content.decode()
    assert not User.objects.filter(email="nina@a.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_link_signed_more_than_seven_days_ago_is_expired(
    client, pm, project, monkeypatch, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: eight_days_ago)
        token = invitation_token(invitation)

    response = client.post(_url(token), _accept_form())

    assert response.status_code == 410
    assert response.context["error"] == EXPIRED
    assert not User.objects.filter(email="nina@a.test").exists()


def test_tampered_link_is_not_valid(client, pm, project, django_capture_on_commit_callbacks):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    token = invitation_token(invitation)
    position = len(token) // 3
    tampered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]

    page = client.get(_url(tampered))
    response = client.post(_url(tampered), _accept_form())

    for answer in (page, response):
        assert answer.status_code == 410
        assert answer.context["error"] == NOT_VALID
    assert not User.objects.filter(email="nina@a.test").exists()


def test_revoked_invitation_is_not_valid(client, pm, project, django_capture_on_commit_callbacks):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    invitation_revoke(actor=pm, invitation=invitation)
    token = invitation_token(invitation)

    response = client.post(_url(token), _accept_form())

    assert response.status_code == 410
    assert response.context["error"] == NOT_VALID_ANY_MORE
    assert not User.objects.filter(email="nina@a.test").exists()


def test_pm_withdraws_an_invitation_from_the_members_page(
    client, pm, project, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    client.force_login(pm)

    response = client.post(
        f"/projects/{project.pk}/members/invitations/revoke/", {"invitation": invitation.pk}
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(_url(invitation_token(invitation))).status_code == 410


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"password1": "password", "password2": "password"},
            "password1",
            "This password is too short. It must contain at least 10 characters. "
            "This password is too common.",
        ),
        (
            {"password1": "7302918465", "password2": "7302918465"},
            "password1",
            "This password is entirely numeric.",
        ),
        ({"password2": "something-else-entirely"}, "password2", "The two passwords differ."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", None),
        ({"display_name": ""}, "display_name", "This field is required."),
    ],
)
def test_bad_account_details_get_a_form_error_and_create_nothing(
    client, pm, project, overrides, field, message, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )

    response = client.post(_url(invitation_token(invitation)), _accept_form(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == [message]
    assert not User.objects.filter(email="nina@a.test").exists()
    assert not Membership.objects.filter(user__email="nina@a.test").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert "_auth_user_id" not in client.session


def test_signed_in_person_cannot_create_an_account_for_someone_else(
    client, rep, pm, project, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )
    client.force_login(rep)

    response = client.post(_url(invitation_token(invitation)), _accept_form())

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["This invitation is for nina@a.test. Sign out first to accept it."]
    }
    assert not User.objects.filter(email="nina@a.test").exists()
    assert client.session["_auth_user_id"] == str(rep.pk)


# --- Accepting with an existing account ---------------------------------------------------------


@pytest.fixture
def known_person(client_a):
    """A person of client A with an account but no membership in the project yet."""
    return UserFactory(email="known@a.test", display_name="Kim Known", organization=client_a)


def test_existing_account_must_sign_in_first(
    client, pm, project, known_person, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "known@a.test", Role.CLIENT_VIEWER, django_capture_on_commit_callbacks
    )
    token = invitation_token(invitation)

    response = client.get(_url(token))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/invitations/{token}/"
    assert not Membership.objects.filter(user=known_person).exists()


def test_existing_account_signs_in_and_accepts(
    client, pm, project, known_person, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "known@a.test", Role.CLIENT_VIEWER, django_capture_on_commit_callbacks
    )
    token = invitation_token(invitation)

    login = client.post(
        f"/accounts/login/?next=/invitations/{token}/",
        {"login": "known@a.test", "password": DEFAULT_PASSWORD},
    )
    page = client.get(_url(token))
    response = client.post(_url(token))

    assert (login.status_code, login["Location"]) == (302, f"/invitations/{token}/")
    assert page.status_code == 200
    assert page.context["form"] is None
    assert page.context["is_invitee"] is True
    assert response.status_code == 302
    assert response["Location"] == "/"
    membership = Membership.objects.get(user=known_person)
    assert (membership.project, membership.role) == (project, Role.CLIENT_VIEWER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == known_person


def test_someone_else_signed_in_cannot_accept_for_an_existing_account(
    client, rep, pm, project, known_person, django_capture_on_commit_callbacks
):
    invitation = _invite(
        pm, project, "known@a.test", Role.CLIENT_VIEWER, django_capture_on_commit_callbacks
    )
    token = invitation_token(invitation)
    client.force_login(rep)
    rep_memberships = list(Membership.objects.filter(user=rep).values_list("project", "role"))

    page = client.get(_url(token))
    response = client.post(_url(token), follow=True)

    assert page.status_code == 200
    assert page.context["is_invitee"] is False
    assert (
        "You are signed in as rep@a.test, but this invitation is for known@a.test. "
        "Sign in as known@a.test to accept it."
    ) in page.content.decode()
    assert "Accept the invitation" not in page.content.decode()
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "This invitation is for known@a.test. Sign in as known@a.test to accept it."
    ]
    assert not Membership.objects.filter(user=known_person).exists()
    assert list(Membership.objects.filter(user=rep).values_list("project", "role")) == (
        rep_memberships
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- No public sign-up --------------------------------------------------------------------------


def test_there_is_no_public_signup(client, rf, client_a):
    users_before = User.objects.count()

    page = client.get("/accounts/signup/")
    response = client.post(
        "/accounts/signup/",
        {"email": "eve@evil.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert page.status_code == 404
    assert response.status_code == 404
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="eve@evil.test").exists()
    # Behind the missing page, allauth's own sign-up stays closed too.
    assert get_adapter(rf.get("/accounts/signup/")).is_open_for_signup(rf.get("/")) is False


def test_the_inviter_is_notified_in_their_own_language_when_someone_joins(
    client, pm, project, django_capture_on_commit_callbacks
):
    pm.language = "zh-hans"
    pm.save()
    invitation = _invite(
        pm, project, "nina@a.test", Role.CUSTOMER_REP, django_capture_on_commit_callbacks
    )

    client.post(_url(invitation_token(invitation)), _accept_form())

    notification = Notification.objects.get(user=pm)
    assert notification.title == "Nina New 已以客户代表身份加入 A One。"
    assert notification.url == f"/projects/{project.pk}/members/"
    assert Notification.objects.count() == 1
