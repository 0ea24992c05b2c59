"""Second factor: provider people must enrol TOTP before they use the app (pages redirect to the
enrolment, the API answers 403); enrolled people sign in with a code or a recovery code; client
people are never forced to enrol."""

from __future__ import annotations

from unittest import mock
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from rest_framework.authtoken.models import Token

from projects.models import Role
from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, UserFactory, add_member, totp_code

ACTIVATE_URL = "/accounts/2fa/totp/activate/"
AUTHENTICATE_URL = "/accounts/2fa/authenticate/"
GENERATE_URL = "/accounts/2fa/recovery-codes/generate/"
RECOVERY_CODES_URL = "/accounts/2fa/recovery-codes/"
MFA_REQUIRED = {"code": "mfa_required", "detail": "Set up two-factor authentication to continue."}


def _current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _wrong_code(secret: str = TOTP_SECRET) -> str:
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _login_with_password(client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": DEFAULT_PASSWORD})


def _reauthenticate(client, next_url: str):
    """allauth asks for the password again before any change to the second factor (a fresh
    login does not count), then returns to `next_url`."""
    response = client.post(
        f"/accounts/reauthenticate/?next={next_url}", {"password": DEFAULT_PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, next_url)


def _recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return authenticator.wrap().get_unused_codes()


def _signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def unenrolled_pm(provider, project):
    """A provider person with a PM role who has not set up a second factor yet."""
    user = UserFactory(email="new.pm@provider.test", display_name="Nils New", organization=provider)
    add_member(project, user, Role.PM)
    return user


def test_staff_mfa_is_required_in_tests():
    assert settings.RAPPORT_STAFF_MFA_REQUIRED is True


def test_provider_user_without_totp_is_sent_to_enrolment_after_login(client, unenrolled_pm):
    response = _login_with_password(client, "new.pm@provider.test")

    assert (response.status_code, response["Location"]) == (302, "/")
    assert _signed_in_user_id(client) == str(unenrolled_pm.pk)
    home = client.get("/", follow=True)
    assert home.redirect_chain[0] == (ACTIVATE_URL, 302)
    assert [str(message) for message in home.context["messages"]] == [
        "Successfully signed in as Nils New.",
        "Set up two-factor authentication to continue.",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/projects/",
        "/projects/{id}/",
        "/projects/{id}/members/",
        "/clients/",
        "/notifications/",
        "/accounts/profile/",
        "/admin/",
    ],
)
def test_every_staff_page_redirects_to_enrolment_without_totp(client, unenrolled_pm, project, path):
    client.force_login(unenrolled_pm)

    response = client.get(path.format(id=project.pk))

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_posting_to_a_staff_page_without_totp_changes_nothing(client, unenrolled_pm, project):
    client.force_login(unenrolled_pm)

    response = client.post(
        f"/projects/{project.pk}/members/invite/",
        {"email": "someone@a.test", "role": "customer_rep"},
    )

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_URL)
    assert not project.invitations.exists()


def test_profile_cannot_hand_out_an_api_token_without_totp(client, unenrolled_pm):
    client.force_login(unenrolled_pm)

    response = client.post("/accounts/profile/token/")

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_URL)
    assert not Token.objects.filter(user=unenrolled_pm).exists()


def test_api_answers_403_json_without_totp(client, unenrolled_pm):
    client.force_login(unenrolled_pm)

    response = client.get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json() == MFA_REQUIRED


def test_api_token_of_a_provider_user_without_totp_is_refused(client, unenrolled_pm):
    token = Token.objects.create(user=unenrolled_pm)

    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 403


def test_enrolment_through_allauth_creates_the_authenticator_and_opens_the_app(
    client, unenrolled_pm
):
    _login_with_password(client, "new.pm@provider.test")
    asked = client.get(ACTIVATE_URL)
    _reauthenticate(client, ACTIVATE_URL)

    page = client.get(ACTIVATE_URL)
    secret = client.session[SECRET_SESSION_KEY]
    refused = client.post(ACTIVATE_URL, {"code": _wrong_code(secret)})
    still_blocked = client.get("/projects/")
    response = client.post(ACTIVATE_URL, {"code": _current_code(secret)})

    assert asked.status_code == 302
    assert asked["Location"] == f"/accounts/reauthenticate/?next={quote(ACTIVATE_URL, safe='')}"
    assert page.status_code == 200
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"code": ["Incorrect code."]}
    assert (still_blocked.status_code, still_blocked["Location"]) == (302, ACTIVATE_URL)
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/recovery-codes/")
    assert set(Authenticator.objects.filter(user=unenrolled_pm).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    totp = Authenticator.objects.get(user=unenrolled_pm, type=Authenticator.Type.TOTP)
    assert totp.wrap().validate_code(_current_code(secret)) is True
    assert client.get("/projects/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_enrolled_user_login_asks_for_the_code(client, pm):
    response = _login_with_password(client, "pm@provider.test")

    assert (response.status_code, response["Location"]) == (302, AUTHENTICATE_URL)
    assert _signed_in_user_id(client) is None
    assert client.get("/projects/")["Location"].startswith("/accounts/login/")


def test_enrolled_user_signs_in_with_the_totp_code(client, pm):
    _login_with_password(client, "pm@provider.test")

    response = client.post(AUTHENTICATE_URL, {"code": totp_code()})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert _signed_in_user_id(client) == str(pm.pk)
    assert client.get("/projects/").status_code == 200


def test_wrong_totp_code_does_not_sign_in(client, pm):
    _login_with_password(client, "pm@provider.test")

    response = client.post(AUTHENTICATE_URL, {"code": _wrong_code()})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert _signed_in_user_id(client) is None


def test_a_totp_code_works_only_once(client, pm):
    code = totp_code()
    _login_with_password(client, "pm@provider.test")
    client.post(AUTHENTICATE_URL, {"code": code})
    client.logout()
    _login_with_password(client, "pm@provider.test")

    response = client.post(AUTHENTICATE_URL, {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert _signed_in_user_id(client) is None


def test_enrolment_hands_out_recovery_codes(client, unenrolled_pm):
    _login_with_password(client, "new.pm@provider.test")
    _reauthenticate(client, ACTIVATE_URL)
    client.get(ACTIVATE_URL)
    client.post(ACTIVATE_URL, {"code": _current_code(client.session[SECRET_SESSION_KEY])})

    page = client.get(RECOVERY_CODES_URL)

    codes = _recovery_codes(unenrolled_pm)
    assert len(codes) == 10
    assert page.status_code == 200
    assert all(code in page.content.decode() for code in codes)


def test_recovery_code_signs_in_instead_of_totp(client, pm):
    RecoveryCodes.activate(pm)
    codes = _recovery_codes(pm)
    _login_with_password(client, "pm@provider.test")

    response = client.post(AUTHENTICATE_URL, {"code": codes[0]})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert _signed_in_user_id(client) == str(pm.pk)
    assert client.get("/projects/").status_code == 200
    assert _recovery_codes(pm) == codes[1:]


def test_a_used_recovery_code_does_not_sign_in_again(client, pm):
    RecoveryCodes.activate(pm)
    first = _recovery_codes(pm)[0]
    _login_with_password(client, "pm@provider.test")
    client.post(AUTHENTICATE_URL, {"code": first})
    client.logout()
    _login_with_password(client, "pm@provider.test")

    response = client.post(AUTHENTICATE_URL, {"code": first})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert _signed_in_user_id(client) is None


def test_new_recovery_codes_can_be_generated(client, pm):
    RecoveryCodes.activate(pm)
    old_codes = _recovery_codes(pm)
    _login_with_password(client, "pm@provider.test")
    client.post(AUTHENTICATE_URL, {"code": totp_code()})
    _reauthenticate(client, GENERATE_URL)

    response = client.post(GENERATE_URL)

    assert (response.status_code, response["Location"]) == (302, RECOVERY_CODES_URL)
    new_codes = _recovery_codes(pm)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)


def test_client_user_signs_in_without_a_second_factor(client, rep):
    response = _login_with_password(client, "rep@a.test")

    assert (response.status_code, response["Location"]) == (302, "/")
    assert _signed_in_user_id(client) == str(rep.pk)
    assert client.get("/portal/").status_code == 200
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    assert not Authenticator.objects.filter(user=rep).exists()


def test_the_admin_login_form_cannot_be_used_to_skip_the_second_factor(client, rep, staff_admin):
    """A signed-in client user posting a staff admin's password to /admin/login/ is refused and
    stays who they are."""
    client.force_login(rep)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_admin.email, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(rep.pk)
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_sends_anonymous_people_to_the_product_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_admin_login_forwards_a_staff_admin_only_to_a_local_page(client, staff_admin):
    client.force_login(staff_admin)
    assert client.get("/admin/login/?next=/admin/accounts/user/")["Location"] == (
        "/admin/accounts/user/"
    )
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


@pytest.mark.parametrize("remove", ["instance", "queryset"])
def test_a_removed_authenticator_app_counts_on_the_next_request(client, pm, project, remove):
    """The "has a second factor" yes is cached per person; removing the app forgets it."""
    client.force_login(pm)
    assert client.get("/projects/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    authenticators = Authenticator.objects.filter(user=pm, type=Authenticator.Type.TOTP)
    if remove == "instance":
        authenticators.get().delete()
    else:
        authenticators.delete()

    response = client.get("/projects/")

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_URL)
    assert client.get("/api/v1/me/").json() == MFA_REQUIRED


def test_an_api_call_asks_the_cache_for_the_second_factor_once(client, pm, project):
    """The middleware and the API's permission both check it; the yes is kept on the person of
    the request, not asked again."""
    from django.core.cache import cache

    client.force_login(pm)
    assert client.get("/api/v1/me/").status_code == 200  # the yes is in the cache
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    asked = [c for c in get.call_args_list if c.args[0] == f"mfa-totp:{pm.pk}"]
    assert len(asked) == 1
