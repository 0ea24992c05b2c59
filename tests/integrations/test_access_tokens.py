"""Personal access tokens: made, listed and revoked by their owner (a hash kept, the token shown
once); read or write, one project or all; expiring; limited per token with 429 and Retry-After;
the second-factor rule for provider people still holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import credentials_revoke
from integrations.models import AccessToken
from integrations.tokens import MAX_TOKENS, access_token_create, token_hash
from tests.factories import UserFactory, add_member
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _make(user, *, scope="read", project=None, days=30, name="Script") -> str:
    return access_token_create(
        actor=user, name=name, scope=scope, days=days, project=project
    ).secret


def test_a_token_is_kept_as_a_hash_and_shown_once_on_its_page(rep):
    client = logged_in(rep)
    response = client.post(
        reverse("integrations:tokens"),
        {"name": "Nightly export", "scope": "read", "project": "", "days": "90"},
        follow=True,
    )
    page = response.content.decode()
    assert "Copy it now" in page
    secret = page.split('data-testid="access-token">')[1].split("<")[0]
    assert secret.startswith("rpt_")
    stored = AccessToken.objects.get(user=rep)
    assert stored.token_hash == token_hash(secret)
    assert secret not in stored.token_hash
    assert stored.prefix == secret[:12]
    assert timedelta(days=89) < stored.expires_at - timezone.now() <= timedelta(days=90)
    again = client.get(reverse("integrations:tokens")).content.decode()
    assert secret not in again  # shown once
    assert "Nightly export" in again
    assert stored.prefix in again
    assert Client().get("/api/v1/me/", **_bearer(secret)).status_code == 200
    client.post(reverse("integrations:token_revoke", args=[stored.pk]))
    refused = Client().get("/api/v1/me/", **_bearer(secret))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


def test_bad_input_on_the_page_names_the_field_and_makes_nothing(rep, project):
    client = logged_in(rep)
    response = client.post(
        reverse("integrations:tokens"), {"name": "  ", "scope": "read", "days": "90"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'maxlength="100" class="form-control is-invalid"' in page  # the name
    assert "This field is required." in page
    response = client.post(
        reverse("integrations:tokens"), {"name": "x", "scope": "admin", "days": "90"}
    )
    assert response.status_code == 400
    assert AccessToken.objects.count() == 0


def test_a_read_token_reads_and_may_not_write(pm, project):
    secret = _make(pm, scope="read")
    assert Client().get(f"/api/v1/projects/{project.pk}/", **_bearer(secret)).status_code == 200
    refused = Client().patch(
        "/api/v1/me/", {"display_name": "X"}, content_type="application/json", **_bearer(secret)
    )
    assert refused.status_code == 403
    assert "may only read" in refused.json()["detail"]
    pm.refresh_from_db()
    assert pm.display_name != "X"
    writer = _make(pm, scope="write")
    done = Client().patch(
        "/api/v1/me/",
        {"display_name": "Paula P."},
        content_type="application/json",
        **_bearer(writer),
    )
    assert done.status_code == 200
    assert done.json()["display_name"] == "Paula P."


def test_a_token_of_one_project_reaches_that_project_only(pm, project, other_project):
    add_member(other_project, pm, "pm")
    secret = _make(pm, project=project)
    auth = _bearer(secret)
    assert Client().get(f"/api/v1/projects/{project.pk}/", **auth).status_code == 200
    assert Client().get(f"/api/v1/projects/{project.pk}/milestones/", **auth).status_code == 200
    assert Client().get("/api/v1/me/", **auth).status_code == 200
    for path in (
        f"/api/v1/projects/{other_project.pk}/",
        "/api/v1/projects/",
        "/api/v1/search/?q=a",
    ):
        refused = Client().get(path, **auth)
        assert refused.status_code == 403, path
        assert project.code in refused.json()["detail"]


def test_a_token_sees_what_its_person_sees_and_no_more(rep, project, other_project):
    secret = _make(rep)
    assert Client().get(f"/api/v1/projects/{project.pk}/", **_bearer(secret)).status_code == 200
    assert (
        Client().get(f"/api/v1/projects/{other_project.pk}/", **_bearer(secret)).status_code == 404
    )
    with pytest.raises(Exception, match="Choose one of your projects"):
        _make(rep, project=other_project)


def test_an_expired_token_is_refused_with_the_reason(rep):
    secret = _make(rep, days=7)
    assert Client().get("/api/v1/me/", **_bearer(secret)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        refused = Client().get("/api/v1/me/", **_bearer(secret))
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    page = logged_in(rep)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert "Expired" in page.get(reverse("integrations:tokens")).content.decode()


def test_a_new_password_or_a_deactivated_account_ends_the_tokens(rep, client_admin):
    secret = _make(rep)
    other = _make(client_admin)
    client_admin.is_active = False
    client_admin.save()
    assert Client().get("/api/v1/me/", **_bearer(other)).status_code == 401
    credentials_revoke(user=rep)
    assert AccessToken.objects.filter(user=rep).count() == 0
    assert Client().get("/api/v1/me/", **_bearer(secret)).status_code == 401


def test_a_provider_person_without_a_second_factor_gets_nothing_with_a_token(provider, project):
    newcomer = UserFactory(email="new@provider.test", organization=provider)
    add_member(project, newcomer, "team_member")
    secret = _make(newcomer)
    refused = Client().get("/api/v1/me/", **_bearer(secret))
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"


def test_each_token_has_its_own_rate_with_retry_after(rep, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "token": "3/min"},
    }
    first, second = _make(rep, name="One"), _make(rep, name="Two")
    assert [Client().get("/api/v1/me/", **_bearer(first)).status_code for _ in range(3)] == [
        200
    ] * 3
    refused = Client().get("/api/v1/me/", **_bearer(first))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    # The other token, and the person's session, go on.
    assert Client().get("/api/v1/me/", **_bearer(second)).status_code == 200
    assert logged_in(rep).get("/api/v1/me/").status_code == 200


def test_the_api_lists_makes_and_revokes_tokens_signed_in_only(rep, project, other_project):
    client = logged_in(rep)
    made = client.post(
        "/api/v1/me/tokens/",
        {"name": "CI", "scope": "write", "project": project.pk, "days": 30},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert body["token"].startswith("rpt_")
    assert body["project"] == project.pk
    listed = client.get("/api/v1/me/tokens/").json()
    assert [token["name"] for token in listed] == ["CI"]
    assert "token" not in listed[0]
    assert "token_hash" not in listed[0]
    # With a token, tokens are not managed (a leaked token cannot make itself more).
    with_token = Client().get("/api/v1/me/tokens/", **_bearer(body["token"]))
    assert with_token.status_code == 403
    bad = client.post(
        "/api/v1/me/tokens/",
        {"name": "x", "scope": "read", "days": 400},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "days" in str(bad.json())
    elsewhere = client.post(
        "/api/v1/me/tokens/",
        {"name": "x", "scope": "read", "project": other_project.pk, "days": 7},
        content_type="application/json",
    )
    assert elsewhere.status_code == 400
    assert "project" in elsewhere.json()
    assert client.delete(f"/api/v1/me/tokens/{body['id']}/").status_code == 204
    assert client.delete(f"/api/v1/me/tokens/{body['id']}/").status_code == 404
    assert Client().get("/api/v1/me/", **_bearer(body["token"])).status_code == 401


def test_a_person_has_at_most_so_many_tokens(rep):
    for n in range(MAX_TOKENS):
        _make(rep, name=f"T{n}")
    with pytest.raises(Exception, match="revoke one first"):
        _make(rep, name="One more")
    assert AccessToken.objects.filter(user=rep).count() == MAX_TOKENS


def test_nobody_revokes_another_person_s_token(rep, client_admin):
    token = access_token_create(actor=rep, name="Mine", scope="read", days=7).token
    response = logged_in(client_admin).post(reverse("integrations:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert AccessToken.objects.filter(pk=token.pk).exists()
