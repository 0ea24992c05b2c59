"""The confidentiality suite: every page and API operation, for every role.

It discovers the URL patterns from the URLconf and the operations from the OpenAPI schema and
fails for any that role_table.py does not declare; then it checks each declared outcome.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from discussions.services import attachments_add
from lessons.services import lesson_create
from projects.models import Role, Visibility
from projects.services import gate_checklist, phase_gate_request
from projects.services.costs import time_entry_log
from projects.services.deliverables import deliverable_create
from projects.services.documents import document_upload
from projects.services.invitations import invitation_create, invitation_token
from projects.services.milestones import milestone_create
from projects.services.objectives import objective_create
from projects.services.tasks import dependency_add, task_create
from risks.models import Risk
from risks.services.actions import mitigation_action_add
from risks.services.register import risk_create, risk_transition
from stakeholders.services.changes import change_request_create
from stakeholders.services.meetings import action_item_create, meeting_create
from stakeholders.services.register import communication_item_create, stakeholder_create
from stakeholders.services.requirements import requirement_create
from tests.confidentiality.role_table import (
    ADMIN_INDEX,
    ADMIN_LOGIN,
    ADMIN_PREFIX,
    API,
    PAGES,
    ROLES,
)
from tests.reports.cast import add_report_cast

# API routes are declared by operation (API in role_table.py), from the OpenAPI schema.
API_PREFIX = "api:"
IGNORED_PATTERNS = {
    # Not pages: Django's own plumbing under the admin that carries no data.
    "admin:jsi18n",
}


def _walk(patterns: list[Any], namespace: str | None = None) -> list[str]:
    names: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            names.extend(_walk(pattern.url_patterns, ns))
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            names.append(f"{namespace}:{name}" if namespace else name)
    return names


def discovered_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def discovered_api_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method.lower() in {"get", "post", "put", "patch", "delete"}
    }


def test_every_url_pattern_is_declared_in_the_role_table():
    undeclared = sorted(
        name
        for name in discovered_url_names()
        if name not in PAGES
        and not name.startswith((ADMIN_PREFIX, API_PREFIX))
        and name not in IGNORED_PATTERNS
    )
    assert undeclared == [], f"Declare who may open these pages in role_table.py: {undeclared}"
    # Only the admin has unnamed routes (its redirects); they are covered by the admin rule.
    unnamed = {name for name in discovered_url_names() if "<unnamed" in name}
    assert all(name.startswith(ADMIN_PREFIX) for name in unnamed), unnamed


def test_every_api_operation_is_declared_in_the_role_table():
    undeclared = sorted(discovered_api_operations() - set(API))
    assert undeclared == [], f"Declare who may call these operations in role_table.py: {undeclared}"
    stale = sorted(set(API) - discovered_api_operations())
    assert stale == [], f"role_table.py declares operations that no longer exist: {stale}"


def test_every_declared_page_still_exists():
    stale = sorted(set(PAGES) - discovered_url_names())
    assert stale == [], f"role_table.py declares pages that no longer exist: {stale}"


def outcome_of(response: Any) -> Any:
    if response.status_code in (301, 302, 303):
        return f"redirect:{response['Location']}"
    return response.status_code


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, int):
        return actual == expected
    if expected.startswith("redirect="):
        location = str(actual).removeprefix("redirect:")
        return str(actual).startswith("redirect:") and location == expected.removeprefix(
            "redirect="
        )
    return str(actual).startswith(expected)


@pytest.fixture
def full_cast(cast):
    invitation = invitation_create(
        actor=cast.pm, project=cast.project, email="newcomer@a.test", role=Role.CUSTOMER_REP
    )
    cast.invitation_token = invitation_token(invitation)
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 3, 1)
    )
    cast.deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Runbook", criteria=["Reviewed by ops"]
    )
    cast.project.gates_need_client_approval = True
    cast.project.save()
    cast.gate = phase_gate_request(
        actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project)
    )
    cast.document = document_upload(
        actor=cast.pm,
        project=cast.project,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Plan",
        visibility=Visibility.CLIENT,
    ).document
    cast.requirement = requirement_create(
        actor=cast.pm, project=cast.project, title="Scan barcodes", visibility=Visibility.CLIENT
    )
    cast.change_request = change_request_create(
        actor=cast.pm, project=cast.project, title="Add a barcode scanner"
    )
    cast.objective = objective_create(actor=cast.pm, project=cast.project, title="Fewer errors")
    # A client-visible task assigned to the team member, waiting for an internal one.
    cast.internal_task = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Prepare servers",
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
    )
    cast.task = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Migrate data",
        assignee=cast.teammate,
        visibility=Visibility.CLIENT,
        milestone=milestone,
        start_date=date(2027, 1, 11),
        due_date=date(2027, 1, 15),
    )
    dependency_add(actor=cast.pm, predecessor=cast.internal_task, successor=cast.task)
    # The PM's own time entry, not approved: a team member cannot even find it.
    cast.time_entry = time_entry_log(
        actor=cast.pm, project=cast.project, date=date(2026, 11, 2), hours=2
    )
    # A meeting with client-visible minutes and an action item for the representative.
    cast.meeting = meeting_create(
        actor=cast.pm,
        project=cast.project,
        title="Kick-off",
        starts_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
        minutes="Agreed the plan.",
        minutes_visibility=Visibility.CLIENT,
        visibility=Visibility.CLIENT,
    )
    cast.action_item = action_item_create(
        actor=cast.pm,
        meeting=cast.meeting,
        text="Send the data",
        owner=cast.rep,
        due_date=date(2027, 1, 20),
    )
    cast.stakeholder = stakeholder_create(
        actor=cast.pm, project=cast.project, name="Dana Director", visibility=Visibility.CLIENT
    )
    cast.communication_item = communication_item_create(
        actor=cast.pm, project=cast.project, what="Weekly status", recipients=[cast.stakeholder]
    )
    [cast.attachment] = attachments_add(
        actor=cast.pm,
        target=cast.requirement,
        files=[SimpleUploadedFile("spec.txt", b"Scan at the dock.")],
    )
    # A client-visible risk with an action for the team member; an internal one that occurred.
    cast.risk = risk_create(
        actor=cast.pm, project=cast.project, title="Scanner supply", visibility=Visibility.CLIENT
    )
    cast.risk_action = mitigation_action_add(
        actor=cast.pm, risk=cast.risk, text="Order spare scanners", owner=cast.teammate
    )
    occurred = risk_create(actor=cast.pm, project=cast.project, title="Server room flood")
    risk_transition(
        actor=cast.pm, risk=occurred, status=Risk.Status.OCCURRED, impact="Two days lost."
    )
    cast.risk_issue = occurred.issue
    # A lesson the representative shared (client-visible, as every client's lesson is).
    cast.lesson = lesson_create(
        actor=cast.rep,
        project=cast.project,
        title="Weekly demos helped",
        category="communication",
        what_went_well="We saw progress every week.",
    )
    add_report_cast(cast)
    return cast


def client_for(cast: Any, role_name: str) -> Client:
    client = Client()
    user = cast.by_name(role_name)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_page_outcome_for_every_role(full_cast, url_name):
    entry = PAGES[url_name]
    url = reverse(url_name, kwargs=entry.kwargs(full_cast))
    failures = {}
    for role_name in ROLES:
        actual = outcome_of(client_for(full_cast, role_name).get(url))
        expected = entry.expect[role_name]
        if not matches(expected, actual):
            failures[role_name] = f"expected {expected}, got {actual}"
    assert failures == {}, f"{url_name} ({url})"


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    return urls


@pytest.mark.parametrize("url", _admin_urls())
def test_admin_pages_are_for_staff_admins_only(full_cast, url):
    failures = {}
    for role_name in ROLES:
        actual = outcome_of(client_for(full_cast, role_name).get(url))
        expected = ADMIN_INDEX[role_name]
        if role_name == "anonymous":
            expected = ADMIN_LOGIN
        if not matches(expected, actual):
            failures[role_name] = f"expected {expected}, got {actual}"
    assert failures == {}, url


def _api_url(path: str, kwargs: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: str(kwargs[match.group(1)]), path)


@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_outcome_for_every_role(full_cast, method, path):
    entry = API[(method, path)]
    url = _api_url(path, entry.kwargs(full_cast))
    failures = {}
    for role_name in ROLES:
        client = client_for(full_cast, role_name)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(method, url, data="{}", content_type="application/json")
        actual = outcome_of(response)
        if not matches(entry.expect[role_name], actual):
            failures[role_name] = f"expected {entry.expect[role_name]}, got {actual}"
    assert failures == {}, f"{method} {url}"
