"""A new password revokes what the old one handed out: after a change, the person's API token
and their other sessions (the browser that changed it stays signed in); after a reset, the API
token and every session."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.services import credentials_revoke
from notifications.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import logged_in

NEW_PASSWORD = "a-brand-new-passphrase-42"
ME = "/api/v1/me/"


def _sessions_of(user) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def _token_works(key: str) -> bool:
    return Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def _signed_in(client: Client) -> bool:
    return client.get("/accounts/profile/").status_code == 200


def _reset_link(user) -> str:
    message = OutboxMessage.objects.get(to_email=user.email, kind="account:password_reset_key")
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body_text)[0]


def _reset(client: Client, user) -> None:
    """Ask for a reset link and set a new password with it."""
    assert Client().post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    link = _reset_link(user)
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def token(rep) -> Token:
    return Token.objects.create(user=rep)


def test_me_endpoint_answers_to_the_token(rep, token):
    assert _token_works(token.key)


def test_a_password_change_revokes_the_token_and_the_other_sessions(rep, token):
    changing, other = logged_in(rep), logged_in(rep)
    bystander = UserFactory(email="someone@a.test", organization=rep.organization)
    bystander_token = Token.objects.create(user=bystander)
    bystander_client = logged_in(bystander)

    response = changing.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not Token.objects.filter(user=rep).exists()
    assert not _token_works(token.key)
    assert _sessions_of(rep) == [changing.session.session_key]
    assert _signed_in(changing)
    assert not _signed_in(other)
    assert _token_works(bystander_token.key)
    assert _signed_in(bystander_client)


def test_a_password_reset_revokes_the_token_and_every_session(rep, token):
    signed_in_elsewhere = logged_in(rep)

    _reset(Client(), rep)

    assert not Token.objects.filter(user=rep).exists()
    assert not _token_works(token.key)
    assert _sessions_of(rep) == []
    assert not _signed_in(signed_in_elsewhere)
    rep.refresh_from_db()
    assert rep.check_password(NEW_PASSWORD)


def test_a_reset_from_a_browser_signed_in_as_the_person_signs_it_out_too(rep, token):
    browser = logged_in(rep)

    _reset(browser, rep)

    assert _sessions_of(rep) == []
    assert not _signed_in(browser)
    assert not _token_works(token.key)


def test_credentials_revoke_keeps_only_the_given_session(rep, token):
    kept, ended = logged_in(rep), logged_in(rep)

    count = credentials_revoke(user=rep, keep_session_key=kept.session.session_key)

    assert count == 1
    assert _sessions_of(rep) == [kept.session.session_key]
    assert not Session.objects.filter(session_key=ended.session.session_key).exists()
    assert not Token.objects.filter(user=rep).exists()


def test_a_password_set_by_a_staff_admin_revokes_the_token_and_every_session(
    rep, token, staff_admin
):
    signed_in = logged_in(rep)
    admin = logged_in(staff_admin)

    response = admin.post(
        reverse("admin:auth_user_password_change", args=[rep.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password(NEW_PASSWORD)
    assert not _token_works(token.key)
    assert _sessions_of(rep) == []
    assert not _signed_in(signed_in)
    assert admin.get(reverse("admin:index")).status_code == 200


def test_a_staff_admin_setting_their_own_password_in_the_admin_stays_signed_in(staff_admin):
    own_token = Token.objects.create(user=staff_admin)
    admin, elsewhere = logged_in(staff_admin), logged_in(staff_admin)

    response = admin.post(
        reverse("admin:auth_user_password_change", args=[staff_admin.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert not Token.objects.filter(pk=own_token.pk).exists()
    assert _sessions_of(staff_admin) == [admin.session.session_key]
    assert admin.get(reverse("admin:index")).status_code == 200
    assert elsewhere.get(reverse("admin:index")).status_code == 302


def test_a_refused_password_in_the_admin_revokes_nothing(rep, token, staff_admin):
    signed_in = logged_in(rep)

    response = logged_in(staff_admin).post(
        reverse("admin:auth_user_password_change", args=[rep.pk]),
        {"password1": NEW_PASSWORD, "password2": "something-else-entirely"},
    )

    assert response.status_code == 200
    assert _token_works(token.key)
    assert _signed_in(signed_in)
