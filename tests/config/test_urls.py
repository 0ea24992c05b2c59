"""The API's routes come before the pages' (config.urls), which changes nothing a page or an API
call resolves to: no route outside the API can match an address under /api/v1/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, resolve


def _routes(patterns: list, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, route)
        else:
            assert isinstance(pattern, URLPattern)
            found.append(route)
    return found


def test_no_route_outside_the_api_can_match_an_api_address():
    top = get_resolver().url_patterns
    api = [p for p in top if str(p.pattern) == "api/v1/"]
    assert len(api) == 1
    for pattern in top:
        if pattern is api[0]:
            continue
        # What a route outside the API would have to match: the address up to its first
        # variable part. A route starting with a variable could match anything.
        for route in _routes([pattern]):
            assert not route.startswith(("<", "^(", "^[", "^.")), route
            literal = route.lstrip("^").split("<")[0].split("(")[0]
            assert not literal.startswith("api/v1/"), route
            assert not "api/v1/".startswith(literal) or literal in {""}, route


def test_api_addresses_resolve_to_the_api():
    for path in ["/api/v1/projects/", "/api/v1/projects/5/risks/", "/api/v1/me/"]:
        assert resolve(path).namespace == "api"
    assert resolve("/projects/5/risks/").namespace != "api"
