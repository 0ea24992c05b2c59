"""The Content-Security-Policy header built once per process is the header django-csp builds on
every response: with and without a nonce, with a view's own changes, after the settings change,
and on a real page whose script tags carry the nonce."""

from __future__ import annotations

import re

import pytest
from csp.constants import HEADER, NONCE
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from common.csp import CSPMiddleware
from tests.helpers import logged_in


def _header(middleware_class, *, use_nonce: bool, **response_attributes) -> tuple[str, str]:
    request = RequestFactory().get("/projects/")
    middleware = middleware_class(lambda request: HttpResponse("ok"))
    middleware.process_request(request)
    nonce = str(request.csp_nonce) if use_nonce else ""
    response = HttpResponse("ok")
    for name, value in response_attributes.items():
        setattr(response, name, value)
    middleware.process_response(request, response)
    return response[HEADER], nonce


def _directives(header: str) -> set[str]:
    """A policy's directives: django-csp does not keep their order from one build to the next."""
    return {directive.strip() for directive in header.split(";")}


@pytest.mark.parametrize("use_nonce", [True, False])
def test_the_header_is_django_csp_s(use_nonce):
    ours, _nonce = _header(CSPMiddleware, use_nonce=use_nonce)
    theirs, _nonce = _header(DjangoCSPMiddleware, use_nonce=use_nonce)
    assert _directives(ours) == _directives(theirs)
    # The policy allows no inline script at all, so it names no nonce.
    assert "script-src 'self'" in _directives(ours)
    assert "nonce" not in ours
    assert "frame-ancestors 'none'" in ours


NONCED = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}


@override_settings(CONTENT_SECURITY_POLICY=NONCED)
def test_a_policy_with_a_nonce_gets_each_request_s_own():
    first, first_nonce = _header(CSPMiddleware, use_nonce=True)
    second, second_nonce = _header(CSPMiddleware, use_nonce=True)
    theirs, their_nonce = _header(DjangoCSPMiddleware, use_nonce=True)
    assert first_nonce != second_nonce
    assert _directives(first) == {"default-src 'self'", f"script-src 'self' 'nonce-{first_nonce}'"}
    assert _directives(second) == {
        "default-src 'self'",
        f"script-src 'self' 'nonce-{second_nonce}'",
    }
    assert _directives(theirs) == {
        "default-src 'self'",
        f"script-src 'self' 'nonce-{their_nonce}'",
    }
    unused, _nonce = _header(CSPMiddleware, use_nonce=False)
    assert _directives(unused) == {"default-src 'self'", "script-src 'self'"}


def test_a_view_s_own_change_is_kept():
    change = {"img-src": ["https://maps.example.com"]}
    ours, _nonce = _header(CSPMiddleware, use_nonce=False, _csp_update=change)
    theirs, _nonce = _header(DjangoCSPMiddleware, use_nonce=False, _csp_update=change)
    assert _directives(ours) == _directives(theirs)
    assert "https://maps.example.com" in ours


def test_a_settings_change_builds_the_policy_again():
    before, _nonce = _header(CSPMiddleware, use_nonce=False)
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        changed, _nonce = _header(CSPMiddleware, use_nonce=False)
    after, _nonce = _header(CSPMiddleware, use_nonce=False)
    assert changed == "default-src 'none'"
    assert _directives(before) == _directives(after) != _directives(changed)


@pytest.mark.django_db
def test_a_page_gets_the_header_and_loads_its_scripts_from_files(cast):
    response = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/")
    assert response.status_code == 200
    assert _directives(response[HEADER]) == _directives(
        _header(DjangoCSPMiddleware, use_nonce=False)[0]
    )
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts), scripts
