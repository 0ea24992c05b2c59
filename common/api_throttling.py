"""API throttling (imported by REST_FRAMEWORK settings, so it imports no views).

REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (config/settings/api.py): "user" per signed-in person
(by token or session), "token" per personal access token, "anon" per client address for calls
without valid credentials. DRF checks
throttles only after authentication and permissions, so an anonymous call or a wrong token
would never reach them: the error handler counts those against the address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from common.cache import FailOpenRedisCache, WindowCount

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _RateFromSettings:
    """The rate is read from the settings at each request, not once at import. With the Redis
    cache, a call is counted in one round trip (FailOpenRedisCache.window_hit: a sliding window
    over two counters, constant in size), not by reading and writing back the list of the last
    calls' times, which DRF does and which grows with the rate; with another cache (the
    embedded default's files), as DRF does."""

    scope: str
    key: str | None
    num_requests: int
    duration: int
    timer: Any
    _counted: WindowCount | None = None

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def allow_request(self, request: Request, view: APIView) -> bool:
        backend = caches[DEFAULT_CACHE_ALIAS]  # what DRF's throttle cache stands for
        if not isinstance(backend, FailOpenRedisCache) or self.get_rate() is None:
            return super().allow_request(request, view)  # type: ignore[misc]
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        self._counted = backend.window_hit(self.key, self.num_requests, self.duration, self.timer())
        return self._counted.allowed

    def wait(self) -> float | None:
        counted = self._counted
        if counted is None:
            return super().wait()  # type: ignore[misc]
        # Until the estimate falls below the limit: within this window as the previous one's
        # weight shrinks, or else in the next, as the weight of this one's calls shrinks.
        window, limit = self.duration, self.num_requests
        if limit <= 0:
            return float(window)  # a rate of nothing: no call is ever counted
        if counted.current < limit:
            excess = counted.previous * counted.weight + counted.current - limit
            return max(1.0, window * excess / counted.previous)
        return max(1.0, counted.weight * window + window * (1 - limit / counted.current))


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Calls of one signed-in person (their API token or their session), whatever the address."""

    scope = "user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # AddressThrottle's
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(_RateFromSettings, UserRateThrottle):
    """Calls with one personal access token (integrations.api_auth): each token has its own
    limit, below the person's, so that one busy script does not use up the person's."""

    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        key = getattr(request.auth, "throttle_key", None)
        if not key:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key}


class AddressThrottle(_RateFromSettings, AnonRateThrottle):
    """Calls without valid credentials from one client address (REST_FRAMEWORK["NUM_PROXIES"]:
    the proxies in front of the app, as for the login limit)."""

    scope = "anon"


def throttled_by_address(exc: Exception, context: dict[str, Any]) -> Exception:
    """A call refused for want of valid credentials counts against its address; past the rate it
    is answered 429 instead."""
    request, view = context.get("request"), context.get("view")
    if not isinstance(exc, NotAuthenticated | AuthenticationFailed):
        return exc
    if request is None or view is None:
        return exc
    throttle = AddressThrottle()
    if throttle.allow_request(request, view):
        return exc
    return Throttled(wait=throttle.wait())
