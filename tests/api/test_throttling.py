"""API throttling: calls of one person (by token or session) and calls without valid
credentials from one client address are limited; past the rate the answer is 429 with
Retry-After. The suite runs with rates it never reaches; these tests set low ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from rest_framework.authtoken.models import Token

from common.cache import FailOpenRedisCache
from config.settings import base

ME = "/api/v1/me/"


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }


def _calls(client: Client, count: int, **headers) -> list[int]:
    return [client.get(ME, **headers).status_code for _ in range(count)]


def test_production_rates_never_bother_a_person_and_the_suite_never_reaches_its_own():
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "common.api_throttling.UserThrottle",
        "common.api_throttling.TokenThrottle",
        "common.api_throttling.AddressThrottle",
    ]
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "anon": "60/min",
        "user": "1200/min",
        "token": "600/min",
    }
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "anon": "100000/min",
        "user": "100000/min",
        "token": "100000/min",
    }


def test_a_token_past_its_rate_gets_429_with_retry_after(rep, low_rates):
    token = Token.objects.create(user=rep)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    assert _calls(Client(), 5, **auth) == [200] * 5
    refused = Client().get(ME, **auth)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"


def test_the_rate_is_per_person_token_and_session_together(rep, client_admin, low_rates):
    token = Token.objects.create(user=rep)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    browser = Client()
    browser.force_login(rep)
    other = Client()
    other.force_login(client_admin)

    assert _calls(Client(), 3, **auth) + _calls(browser, 2) == [200] * 5

    assert browser.get(ME).status_code == 429
    assert Client().get(ME, **auth).status_code == 429
    assert _calls(other, 5) == [200] * 5  # same address, another person


def test_calls_without_credentials_are_limited_per_address(db, low_rates):
    here, elsewhere = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.9"}

    assert _calls(Client(), 3, **here) == [401] * 3
    refused = Client().get(ME, **here)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Client().get(ME, **elsewhere).status_code == 401


def test_wrong_tokens_are_limited_per_address_and_a_person_there_is_not(rep, low_rates):
    token = Token.objects.create(user=rep)
    wrong = {"HTTP_AUTHORIZATION": "Token " + "0" * 40, "REMOTE_ADDR": "203.0.113.7"}

    assert _calls(Client(), 3, **wrong) == [401] * 3
    refused = Client().get(ME, **wrong)
    right = Client().get(ME, HTTP_AUTHORIZATION=f"Token {token.key}", REMOTE_ADDR="203.0.113.7")

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert right.status_code == 200


def test_the_address_behind_the_trusted_proxy_is_the_one_counted(db, low_rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    first = _calls(Client(), 4, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    second = _calls(Client(), 1, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    spoofed = _calls(Client(), 1, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)

    assert first == [401, 401, 401, 429]
    assert second == [401]
    assert spoofed == [429]  # only the address the proxy saw counts


# --- Counting a call: one round trip to Redis, whatever the rate ---------------------------------

# The start of a minute, so that the fixed windows under the sliding one are known.
MINUTE = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def _counters(user_id: int) -> dict[str, int]:
    """The throttle's Redis counters of one person: key → calls."""
    cache = caches["default"]
    client = cache._cache.get_client(write=False)
    prefix = cache.make_and_validate_key(f"throttle_user_{user_id}")
    return {key.decode(): int(client.get(key)) for key in client.scan_iter(f"{prefix}:*")}


ON_REDIS = pytest.mark.skipif(
    not isinstance(caches["default"], FailOpenRedisCache), reason="the cache is not Redis"
)


@ON_REDIS
def test_a_call_is_counted_in_one_small_counter_not_a_list_of_times(rep, low_rates, monkeypatch):
    reads: list[str] = []
    get = FailOpenRedisCache.get

    def spied(self, key, *args, **kwargs):
        reads.append(str(key))
        return get(self, key, *args, **kwargs)

    monkeypatch.setattr(FailOpenRedisCache, "get", spied)
    browser = Client()
    browser.force_login(rep)
    with time_machine.travel(MINUTE + timedelta(seconds=10), tick=False):
        assert _calls(browser, 5) == [200] * 5
        assert browser.get(ME).status_code == 429

    assert reads  # the session, the person's second factor: read through the spy
    assert not [key for key in reads if "throttle" in key]
    assert list(_counters(rep.pk).values()) == [5]  # the refused call is not counted


@ON_REDIS
def test_the_window_slides_the_calls_of_the_minute_before_weigh_less_as_it_passes(rep, low_rates):
    browser = Client()
    browser.force_login(rep)
    with time_machine.travel(MINUTE + timedelta(seconds=50), tick=False):
        assert _calls(browser, 5) == [200] * 5
        refused = browser.get(ME)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 10  # the rest of the minute

    # Half-way through the next minute the five weigh 2.5: three more calls fit under five.
    with time_machine.travel(MINUTE + timedelta(seconds=90), tick=False):
        assert _calls(browser, 4) == [200, 200, 200, 429]
        refused = browser.get(ME)
    # 2.5 + 3 is half a call too many: the five weigh 2 after a tenth of a minute more.
    assert int(refused["Retry-After"]) == 6
    with time_machine.travel(MINUTE + timedelta(seconds=96, milliseconds=500), tick=False):
        assert _calls(browser, 2) == [200, 429]


@ON_REDIS
def test_a_rate_of_nothing_refuses_every_call_for_the_window(rep, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "0/min"},
    }
    browser = Client()
    browser.force_login(rep)
    refused = browser.get(ME)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 60


def test_a_cache_that_is_not_redis_counts_as_drf_does(rep, low_rates, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    browser = Client()
    browser.force_login(rep)
    assert _calls(browser, 5) == [200] * 5
    refused = browser.get(ME)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_an_unreachable_redis_lets_calls_through(rep, low_rates, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    token = Token.objects.create(user=rep)
    assert _calls(Client(), 7, HTTP_AUTHORIZATION=f"Token {token.key}") == [200] * 7
