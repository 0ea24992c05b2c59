"""Login throttling: failed logins are counted in Redis per client address and e-mail address
together (5 in 15 minutes), and per client address alone (20 in 15 minutes); behind the proxy,
the client address is the one the proxy saw (TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from tests.factories import DEFAULT_PASSWORD, UserFactory

TOO_MANY = "Too many failed login attempts. Try again later."
MISMATCH = "The email address and/or password you specified are not correct."
WRONG_PASSWORD = "not-the-password-at-all"


def _login(client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _form_errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def _failure_key(address: str, email: str) -> str:
    """The cache key allauth keeps the failures of one e-mail from one address under
    (AccountAdapter._get_login_attempts_cache_key, rate "5/15m/key")."""
    key = hashlib.sha256(f"{address}:{email}".encode()).hexdigest()
    return f"allauth:rl:allauth.account:login_failed:5/900.0/key:{key}"


def _fail(client, email: str, times: int, address: str = "203.0.113.7") -> None:
    for _ in range(times):
        response = _login(client, email, WRONG_PASSWORD, address)
        assert response.status_code == 200
        assert _form_errors(response) == [MISMATCH]


def test_login_rate_limits_are_configured():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "20/15m/ip,5/15m/key"


def test_sixth_attempt_is_refused_even_with_the_right_password(client, rep):
    _fail(client, "rep@a.test", 5)

    response = _login(client, "rep@a.test", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert _form_errors(response) == [TOO_MANY]
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in(client, rep):
    _fail(client, "rep@a.test", 4)

    response = _login(client, "rep@a.test", DEFAULT_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(rep.pk)


def test_the_count_ignores_the_case_of_the_email(client, rep):
    _fail(client, "REP@A.TEST", 5)

    response = _login(client, "rep@a.test", DEFAULT_PASSWORD)

    assert _form_errors(response) == [TOO_MANY]
    assert "_auth_user_id" not in client.session


def test_another_email_from_the_same_address_is_not_yet_blocked(client, rep, client_admin):
    _fail(client, "rep@a.test", 5)

    response = _login(client, "admin@a.test", DEFAULT_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(client_admin.pk)


def test_the_same_email_from_another_address_is_not_yet_blocked(client, rep):
    _fail(client, "rep@a.test", 5, address="203.0.113.7")

    response = _login(client, "rep@a.test", DEFAULT_PASSWORD, address="198.51.100.9")

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(rep.pk)


def test_twenty_failures_from_one_address_block_every_email(client, client_a):
    person = UserFactory(email="fresh@a.test", organization=client_a)
    for number in range(20):
        _fail(client, f"guess{number}@a.test", 1)

    blocked = _login(client, "fresh@a.test", DEFAULT_PASSWORD)
    elsewhere = _login(client, "fresh@a.test", DEFAULT_PASSWORD, address="198.51.100.9")

    assert _form_errors(blocked) == [TOO_MANY]
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_failures_are_counted_in_redis(client, rep):
    _fail(client, "rep@a.test", 3)

    history = cache.get(_failure_key("203.0.113.7", "rep@a.test"))

    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    assert len(history) == 3
    redis = backend._cache.get_client(write=False)
    assert redis.exists(backend.make_and_validate_key(_failure_key("203.0.113.7", "rep@a.test")))
    assert cache.get(_failure_key("203.0.113.7", "admin@a.test")) is None


def test_a_successful_login_does_not_count_as_a_failure(client, rep):
    _fail(client, "rep@a.test", 2)

    _login(client, "rep@a.test", DEFAULT_PASSWORD)

    assert len(cache.get(_failure_key("203.0.113.7", "rep@a.test"))) == 2


# --- Behind the proxy (TRUSTED_PROXY_COUNT) ---------------------------------------------------

PROXY = "10.0.0.2"


def _login_via_proxy(client, email: str, password: str, client_address: str):
    """A login through one proxy that appends the address it saw to X-Forwarded-For."""
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_docker_compose_trusts_its_one_proxy():
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())

    web = compose["services"]["web"]["environment"]  # x-app's, merged

    assert web["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"  # 1 unless .env says


def test_behind_the_proxy_people_are_counted_at_their_own_address(settings, client, client_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    person = UserFactory(email="fresh@a.test", organization=client_a)
    for number in range(20):
        response = _login_via_proxy(client, f"guess{number}@a.test", WRONG_PASSWORD, "203.0.113.7")
        assert _form_errors(response) == [MISMATCH]

    blocked = _login_via_proxy(client, "fresh@a.test", DEFAULT_PASSWORD, "203.0.113.7")
    colleague = _login_via_proxy(client, "fresh@a.test", DEFAULT_PASSWORD, "198.51.100.9")

    assert _form_errors(blocked) == [TOO_MANY]
    assert (colleague.status_code, colleague["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_a_forged_forwarded_for_does_not_escape_the_limit(settings, client, rep):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        forged = f"192.0.2.{number}, 203.0.113.7"  # the proxy appended the real address last
        response = _login_via_proxy(client, "rep@a.test", WRONG_PASSWORD, forged)
        assert _form_errors(response) == [MISMATCH]

    response = _login_via_proxy(client, "rep@a.test", DEFAULT_PASSWORD, "192.0.2.99, 203.0.113.7")

    assert _form_errors(response) == [TOO_MANY]


def test_without_a_trusted_proxy_everyone_behind_it_is_one_address(settings, client, client_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    UserFactory(email="fresh@a.test", organization=client_a)
    for number in range(20):
        _login_via_proxy(client, f"guess{number}@a.test", WRONG_PASSWORD, "203.0.113.7")

    colleague = _login_via_proxy(client, "fresh@a.test", DEFAULT_PASSWORD, "198.51.100.9")

    assert _form_errors(colleague) == [TOO_MANY]


@pytest.fixture
def cache_on_private_redis(settings, private_redis):
    """The cache on a Redis server of this test's own, which the test can stop."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": private_redis.url},
    }
    return private_redis


def test_signing_in_works_with_the_caches_redis_down(client, rep, cache_on_private_redis, caplog):
    """The cache fails open: no rate limit is counted while Redis is down, nothing fails."""
    _fail(client, "rep@a.test", 1)  # counted while Redis is up
    assert len(cache.get(_failure_key("203.0.113.7", "rep@a.test"))) == 1
    cache_on_private_redis.stop()
    caplog.set_level(logging.DEBUG, logger="common.cache")  # one warning a minute, then DEBUG

    _fail(client, "rep@a.test", 6)  # more than the limit: not counted, still answered
    response = _login(client, "rep@a.test", DEFAULT_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(rep.pk)
    assert client.get("/portal/").status_code == 200  # a client person's home
    assert any(
        record.name == "common.cache" and "Cache unreachable" in record.getMessage()
        for record in caplog.records
    )
