"""Every API view keeps the API's default permission: signed in and, for provider people, a
second factor (accounts.api_permissions). A view that sets its own permission_classes without that
rule (as /api/v1/search/ once did with IsAuthenticated) would serve a provider person without
MFA through a token; the walk below lists any such view by name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from rest_framework.authtoken.models import Token
from rest_framework.permissions import OR, IsAuthenticated, OperandHolder
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import IsAuthenticatedWithSecondFactor
from projects.models import Role, Visibility
from projects.services.milestones import milestone_create
from tests.factories import UserFactory, add_member, provider_organization


def _requires_second_factor(permission: Any) -> bool:
    """Whether a permission class (or a composition of them with & | ~) enforces the rule."""
    if isinstance(permission, type):
        return issubclass(permission, IsAuthenticatedWithSecondFactor)
    if isinstance(permission, OperandHolder):
        first = _requires_second_factor(permission.op1_class)
        second = _requires_second_factor(permission.op2_class)
        return (first and second) if permission.operator_class is OR else (first or second)
    return False


def _api_views(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, type, dict]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                initkwargs = getattr(pattern.callback, "initkwargs", {}) or {}
                yield prefix + str(pattern.pattern), view_class, initkwargs


def views_without_second_factor(patterns: list[Any]) -> list[str]:
    """The DRF views (and viewset routes, whose actions may set their own permission_classes)
    whose permissions omit the second-factor rule, by name."""
    offenders = set()
    for route, view_class, initkwargs in _api_views(patterns):
        permissions = initkwargs.get("permission_classes", view_class.permission_classes)
        if not any(_requires_second_factor(permission) for permission in permissions):
            offenders.add(f"{view_class.__module__}.{view_class.__qualname__} ({route})")
    return sorted(offenders)


def test_every_api_view_requires_the_second_factor():
    views = list(_api_views(get_resolver().url_patterns))
    names = {view_class.__name__ for _route, view_class, _kwargs in views}

    # The walk reaches the whole API, the search and the schema with its docs page.
    assert len(views) > 60
    assert {"SearchView", "SpectacularAPIView", "SpectacularSwaggerSplitView"} <= names
    assert {"ProjectViewSet", "MeetingViewSet", "RaciViewSet", "DeliverableViewSet"} <= names
    assert views_without_second_factor(get_resolver().url_patterns) == []


class _OwnRuleView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Any) -> Response:
        return Response({})


class _ComposedView(_OwnRuleView):
    permission_classes = [IsAuthenticatedWithSecondFactor & IsAuthenticated]


class _EitherView(_OwnRuleView):
    permission_classes = [IsAuthenticatedWithSecondFactor | IsAuthenticated]


def test_the_walk_names_a_view_that_drops_the_second_factor():
    patterns = [
        path("own/", _OwnRuleView.as_view()),
        path("composed/", _ComposedView.as_view()),
        path("either/", _EitherView.as_view()),
        path("action/", _ComposedView.as_view(permission_classes=[IsAuthenticated])),
    ]
    assert views_without_second_factor(patterns) == [
        f"{__name__}._ComposedView (action/)",
        f"{__name__}._EitherView (either/)",
        f"{__name__}._OwnRuleView (own/)",
    ]


@pytest.fixture
def pm_without_mfa(project):
    """A PM who never enrolled a second factor, with an API token."""
    user = UserFactory(
        email="nomfa@provider.test", display_name="Nia No-MFA", organization=provider_organization()
    )
    add_member(project, user, Role.PM)
    return user


def _token_client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_search_refuses_a_token_of_a_pm_without_second_factor(cast, pm_without_mfa):
    milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="ZQ-internal-cutover-5e1b",
        due_date=date(2027, 1, 4),
        visibility=Visibility.INTERNAL,
    )
    refused = _token_client(pm_without_mfa).get("/api/v1/search/?q=cutover")
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"
    assert "ZQ-internal-cutover-5e1b" not in refused.content.decode()

    enrolled = _token_client(cast.pm).get("/api/v1/search/?q=cutover")
    assert enrolled.status_code == 200
    assert "ZQ-internal-cutover-5e1b" in enrolled.content.decode()


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_its_docs_are_not_public(cast, pm_without_mfa, url):
    assert Client().get(url).status_code == 401
    assert _token_client(pm_without_mfa).get(url).status_code == 403
    assert _token_client(cast.rep).get(url).status_code == 200
    assert _token_client(cast.pm).get(url).status_code == 200


def test_the_scorecards_api_keeps_the_rule(cast, pm_without_mfa):
    """The scorecards' views are in the walk, and a token of a PM without a second factor reads
    no scorecard, not even their own."""
    views = {view_class for _route, view_class, _kwargs in _api_views(get_resolver().url_patterns)}
    assert {
        f"{view.__module__}.{view.__name__}"
        for view in views
        if view.__module__.startswith("scorecards")
    } == {
        "scorecards.api.views.ScorecardListView",
        "scorecards.api.views.ScorecardView",
        "scorecards.api.views.ScorecardItemsView",
        "scorecards.api.views.TeamView",
    }
    without = _token_client(pm_without_mfa)
    for url in (
        "/api/v1/scorecards/",
        f"/api/v1/scorecards/{pm_without_mfa.pk}/pm/",
        f"/api/v1/scorecards/{pm_without_mfa.pk}/pm/milestones/2027Q1/",
    ):
        refused = without.get(url)
        assert refused.status_code == 403, url
        assert refused.json()["code"] == "mfa_required"
        assert "Nia No-MFA" not in refused.content.decode()
    enrolled = _token_client(cast.pm).get(f"/api/v1/scorecards/{cast.pm.pk}/pm/")
    assert enrolled.status_code == 200
    assert enrolled.json()["name"] == "Paula PM"
