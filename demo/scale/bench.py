"""What `make bench` (scripts/bench.py) opens on a seed_scale set, and as whom.

The cast is found in the data, not named: the PM with the most projects, one of their ordinary
projects, the largest project (10,000 tasks by default) and its PM, a staff admin, the account
manager of the ordinary project's client and one of that client's customer representatives.
Every endpoint is measured against the app's empty view (/healthz) in the same run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db.models import Count

from accounts.models import User
from demo.scale.targets import EMPTY
from projects.models import Membership, Project, Role, Task

API_PAGE_SIZE = 50  # common.api.Pagination
SEARCH_TERM = "portal"  # in many project names (demo.scale.names.PROJECT_SUBJECTS)


@dataclass(frozen=True)
class Cast:
    pm: User
    project: Project  # one of the PM's projects, of the ordinary size
    large: Project  # the project with the most tasks
    large_pm: User
    admin: User
    am: User
    rep: User
    large_tasks: int


@dataclass(frozen=True)
class Endpoint:
    name: str
    user: User
    path: str


def cast_for_bench() -> Cast:
    busiest = (
        Membership.objects.filter(role=Role.PM)
        .values("user")
        .annotate(n=Count("id"))
        .order_by("-n", "user")
        .first()
    )
    large = Project.objects.annotate(n=Count("tasks")).order_by("-n", "pk").first()
    if busiest is None or large is None:
        raise LookupError("No project has a PM: seed the database with seed_scale first.")
    pm = User.objects.get(pk=busiest["user"])
    project = (
        Project.objects.filter(memberships__user=pm, memberships__role=Role.PM)
        .exclude(pk=large.pk)
        .order_by("pk")
        .first()
    ) or large
    rep = Membership.objects.filter(project=project, role=Role.CUSTOMER_REP).order_by("pk").first()
    am = Membership.objects.filter(project=project, role=Role.AM).order_by("pk").first()
    admin = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if rep is None or am is None or admin is None:
        raise LookupError("The seed_scale set lacks a customer representative, an AM or an admin.")
    large_pm = Membership.objects.get(project=large, role=Role.PM).user
    return Cast(
        pm=pm,
        project=project,
        large=large,
        large_pm=large_pm,
        admin=admin,
        am=am.user,
        rep=rep.user,
        large_tasks=Task.objects.filter(project=large).count(),
    )


def endpoints_for(cast: Cast) -> list[Endpoint]:
    """The pages and API lists of the benchmark, the empty view first."""
    p, large = cast.project.pk, cast.large.pk
    last_page = max(1, math.ceil(cast.large_tasks / API_PAGE_SIZE))
    client = cast.project.client_id
    pm, am, admin, rep = cast.pm, cast.am, cast.admin, cast.rep
    return [
        Endpoint(EMPTY, pm, "/healthz"),
        Endpoint("PM portfolio", pm, "/projects/"),
        Endpoint("admin portfolio", admin, "/projects/"),
        Endpoint("project overview", pm, f"/projects/{p}/"),
        Endpoint("plan", pm, f"/projects/{p}/plan/"),
        Endpoint("Gantt (timeline)", pm, f"/projects/{p}/timeline/"),
        Endpoint("large: task list page", cast.large_pm, f"/projects/{large}/tasks/"),
        Endpoint("large: task API page 1", cast.large_pm, f"/api/v1/projects/{large}/tasks/"),
        Endpoint(
            "large: task API last page",
            cast.large_pm,
            f"/api/v1/projects/{large}/tasks/?page={last_page}",
        ),
        # The targets' own sizes of list: 20 rows a page, and 100.
        Endpoint(
            "large: task API, 20 a page",
            cast.large_pm,
            f"/api/v1/projects/{large}/tasks/?page_size=20",
        ),
        Endpoint(
            "large: task API, 100 a page",
            cast.large_pm,
            f"/api/v1/projects/{large}/tasks/?page_size=100",
        ),
        Endpoint("requirements", pm, f"/projects/{p}/requirements/"),
        Endpoint("risks", pm, f"/projects/{p}/risks/"),
        Endpoint("risk heat map API", pm, f"/api/v1/projects/{p}/risks/heat-map/"),
        Endpoint("time and cost", pm, f"/projects/{p}/costs/"),
        Endpoint("AM satisfaction", am, "/satisfaction/"),
        Endpoint("AM satisfaction, one client", am, f"/satisfaction/?client={client}"),
        Endpoint("AM account page", am, f"/clients/{client}/account/"),
        Endpoint("portal home", rep, "/portal/"),
        Endpoint("portal project", rep, f"/portal/projects/{p}/"),
        Endpoint("search", pm, f"/search/?q={SEARCH_TERM}"),
        Endpoint("API projects", pm, "/api/v1/projects/"),
        Endpoint("API requirements", pm, f"/api/v1/projects/{p}/requirements/"),
        Endpoint("API risks", pm, f"/api/v1/projects/{p}/risks/"),
        Endpoint("API deliverables", pm, f"/api/v1/projects/{p}/deliverables/"),
    ]


def provider_people(cast: Cast) -> list[User]:
    """The cast's people on the provider side: those the staff second factor applies to."""
    people = {cast.pm, cast.large_pm, cast.admin, cast.am}
    return sorted((u for u in people if u.is_provider_user), key=lambda u: u.pk)


def enrol_second_factor(user: User) -> None:
    """A TOTP authenticator, as production requires of the staff before they use the app (the
    check then runs on every request, as in production)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
