"""Confidentiality by content: no client user ever reads a canary.

One world (canary_world.py) is built for the whole module; every internal field and item is
filled with a canary by discovery (canaries.py); then every client role reads every API
operation, every page, every export, every e-mail and in-app notification written for them,
every form of the status report and the search, and any canary found fails the case, naming
the surface and the canary's origin.

What is read comes from discovery as well: the OpenAPI schema's GET operations and the URLconf's
named routes that the role table (role_table.py) opens to the role, each with every seeded
object in its path and, for lists, every value of every filter.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from notifications.models import Notification, OutboxMessage
from tests.confidentiality import canaries as c
from tests.confidentiality.canary_world import (
    CLIENT_ROLES,
    NOW,
    World,
)
from tests.confidentiality.role_table import API, PAGES

# Each test runs in a savepoint inside the module's transaction that holds the world.
pytestmark = pytest.mark.django_db


class KnownLeak(Exception):
    """Raised when every canary a case found belongs to a leak being fixed (KNOWN_LEAKS)."""


# Leaks known and being fixed: a key, what the leak is and the labels of the models whose
# canaries it shows. Empty while none is known.
LEAKS: dict[str, tuple[str, set[str]]] = {}

# (surface, role) -> the leaks it shows until they are fixed. Remove an entry when its fix
# lands: the case then passes, and strict xfail turns a forgotten entry into a failure.
KNOWN_LEAKS: dict[tuple[str, str], set[str]] = {}


def _known(surface: str, role: str) -> set[str]:
    return KNOWN_LEAKS.get((surface, role), set())


def _case(surface: str, role: str) -> Any:
    known = _known(surface, role)
    marks = []
    if known:
        reason = "; ".join(f"({key}) {LEAKS[key][0]}" for key in sorted(known))
        marks.append(pytest.mark.xfail(raises=KnownLeak, strict=True, reason=reason))
    return pytest.param(surface, role, id=f"{surface}-{role}", marks=marks)


def assert_no_canary(
    surface: str, role: str, findings: dict[str, list[str]], *, record: bool = True
) -> None:
    """Fails naming every read that showed a canary; a KnownLeak if all of them belong to the
    leaks the case is known to show."""
    findings = {where: found for where, found in findings.items() if found}
    if record:
        for where, found in findings.items():
            c.TALLY.findings.append(c.Finding(surface=where, role=role, found=found))
    if not findings:
        return
    known = _known(surface, role)
    labels = {label for key in known for label in LEAKS[key][1]}
    origins = {c.origin_label(item) for found in findings.values() for item in found}
    if known and origins <= labels:
        raise KnownLeak(findings)
    lines = "\n".join(f"  {where}: {', '.join(found)}" for where, found in findings.items())
    pytest.fail(f"{role} read canaries on {surface}:\n{lines}", pytrace=False)


# --- The world, built once for the module ----------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _tally_the_world(world) -> None:
    found = world.items["canaries"]
    c.TALLY.seeded = {
        "rows": sum(found.rows.values()),
        "models": len(found.rows),
        "fields": len({(canary.label, canary.field) for canary in found.by_number.values()}),
        "canaries": len(found.by_number),
        "figures": len(found.figures),
        "roles": len(CLIENT_ROLES),
        "seconds": world.items["seconds"],
    }


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.person(role))
    return client


def _read(client: Client, url: str, scanned: c.Canaries, kind: str) -> tuple[int, list[str]]:
    response = client.get(url)
    c.TALLY.add(kind)
    assert response.status_code < 500, f"{url}: {response.status_code}"
    assert response.status_code != 429, f"{url}: throttled, so not read"
    if response.status_code != 200:
        return response.status_code, []
    return 200, scanned.find(c.response_text(response))


# --- Discovery: every model is classified and seeded -----------------------------------------


def test_every_model_with_text_is_classified():
    unclassified = c.unclassified_models()
    assert unclassified == [], (
        "Say whether these models' text is client-visible or internal (canaries.DECLARED), "
        f"or give them a visibility: {unclassified}"
    )


# Models that may hold internal text by their metadata but of which no internal row can exist.
NO_INTERNAL_ROWS = {
    "stakeholders.Confirmation": "a client confirms only a requirement it sees",
    "projects.AcceptanceRound": "an internal deliverable is not submitted to the client",
    "projects.CriterionResult": "an internal deliverable is not submitted to the client",
}


def test_every_model_with_internal_text_has_seeded_canaries(world):
    found = world.items["canaries"]
    missing = sorted(
        label
        for label, rule in c.model_rules().items()
        if rule.has_internal_content
        and (rule.texts or rule.figures)
        and not found.rows[label]
        and label not in NO_INTERNAL_ROWS
    )
    assert missing == [], f"The canary world makes no internal row of: {missing}"
    assert len(found.by_number) > 100


# --- API -------------------------------------------------------------------------------------

API_OPERATIONS = c.api_get_operations()


def _api_cases() -> list[Any]:
    return [
        _case(f"GET {path}", role)
        for path in sorted(API_OPERATIONS)
        for role in CLIENT_ROLES
        if API.get(("GET", path)) is not None and API[("GET", path)].expect[role] == 200
    ]


@pytest.mark.parametrize(("surface", "role"), _api_cases())
def test_api_operation_shows_no_canary(world, values, surface, role):
    operation = API_OPERATIONS[surface.removeprefix("GET ")]
    urls, unknown = c.api_operation_urls(operation, values)
    assert unknown == [], f"Fill these parameters (canaries.PARAMETER_MODELS): {unknown}"
    client, scanned = _client(world, role), world.items["canaries"]
    statuses, findings = [], {}
    for url in urls:
        status, findings[url] = _read(client, url, scanned, "api")
        statuses.append(status)
    c.TALLY.surfaces["api"].add(surface)
    c.TALLY.cases["api"] += 1
    assert 200 in statuses, f"{surface}: nothing read ({sorted(set(statuses))})"
    assert_no_canary(surface, role, findings)


# --- Pages and exports -------------------------------------------------------------------------

PAGE_ROUTES = c.page_routes()


def _page_cases() -> list[Any]:
    return [
        _case(name, role)
        for name in sorted(PAGE_ROUTES)
        for role in CLIENT_ROLES
        if name in PAGES and PAGES[name].expect[role] == 200
    ]


@pytest.mark.parametrize(("surface", "role"), _page_cases())
def test_page_shows_no_canary(world, values, surface, role):
    combos, unknown = values.kwargs_for(surface, c.route_parameters(PAGE_ROUTES[surface]))
    assert unknown == [], f"Fill these parameters (canaries.PARAMETER_MODELS): {unknown}"
    client, scanned = _client(world, role), world.items["canaries"]
    kind = "export" if surface.endswith(("csv", "xlsx", "pdf", "download")) else "page"
    statuses, findings = [], {}
    for kwargs in combos:
        url = reverse(surface, kwargs=kwargs)
        status, findings[url] = _read(client, url, scanned, kind)
        statuses.append(status)
    c.TALLY.surfaces[kind].add(surface)
    c.TALLY.cases[kind] += 1
    assert 200 in statuses, f"{surface}: nothing read ({sorted(set(statuses))})"
    assert_no_canary(surface, role, findings)


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_calendar_feeds_show_no_canary(world, role):
    """Every client person's feed, read on the world's day (the feed leaves out what is long
    past), holds their items and no canary."""
    import icalendar

    scanned, findings, events = world.items["canaries"], {}, 0
    with time_machine.travel(NOW, tick=False):
        for token in world.items["tokens"]["integrations"]:
            url = reverse("integrations:calendar_feed", kwargs={"token": token})
            response = Client().get(url)
            assert response.status_code == 200, url
            c.TALLY.add("calendar feed")
            events += len(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
            findings[url] = scanned.find(c.response_text(response))
    assert events > 0, "the feeds held nothing: the case would prove nothing"
    assert_no_canary("integrations:calendar_feed", role, findings)


# --- Search ------------------------------------------------------------------------------------


def _search_queries(world: World) -> list[str]:
    """ "canary" (every canary's first word) and each canary of a searchable field, typed in
    lower case: the page echoes the query, and the scanner looks for the upper-case canary."""
    from projects.search import MAX_QUERY_LENGTH, searchables

    found = world.items["canaries"]
    searchable_fields = set()
    for searchable in searchables():
        model = searchable.queryset_for_user(user=world.person("rep"), include_archived=True).model
        for name, _weight in searchable.fields:
            searchable_fields.add((model._meta.label, name.split("__")[0]))
        if searchable.related_match is not None:
            searchable_fields.add(("projects.DocumentVersion", "original_name"))
    words = [
        canary.text.lower()
        for canary in found.by_number.values()
        if (canary.label, canary.field) in searchable_fields
    ]
    # Several canaries per query ("a or b", the websearch syntax), within the query's limit.
    queries, batch = [c.CANARY.lower()], ""
    for word in words:
        joined = f"{batch} or {word}" if batch else word
        if len(joined) > MAX_QUERY_LENGTH:
            queries.append(batch)
            joined = word
        batch = joined
    return [*queries, batch] if batch else queries


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_api_search_finds_no_canary(world, role):
    client, scanned = _client(world, role), world.items["canaries"]
    findings, counts = {}, {}
    for query in _search_queries(world):
        url = f"/api/v1/search/?q={quote(query)}&limit=50"
        response = client.get(url)
        c.TALLY.add("search")
        assert response.status_code == 200, (url, response.status_code)
        findings[url] = scanned.find(c.response_text(response))
        hits = sum(len(group["results"]) for group in response.json()["groups"])
        if hits:
            counts[url] = hits
    c.TALLY.cases["search"] += 1
    assert counts == {}, f"{role} finds internal items by their words: {counts}"
    assert_no_canary("GET /api/v1/search/", role, findings)


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_portal_search_finds_no_canary(world, role):
    client, scanned = _client(world, role), world.items["canaries"]
    findings, counts = {}, []
    for query in _search_queries(world):
        url = f"{reverse('portal:search')}?q={quote(query)}"
        response = client.get(url)
        c.TALLY.add("search")
        assert response.status_code == 200, (url, response.status_code)
        findings[url] = scanned.find(c.response_text(response))
        if 'data-testid="search-empty"' not in response.content.decode():
            counts.append(url)
    c.TALLY.cases["search"] += 1
    assert counts == [], f"{role} finds internal items by their words: {counts}"
    assert_no_canary("portal:search", role, findings)


# --- E-mails, notifications and the status report -------------------------------------------


@pytest.mark.parametrize(("surface", "role"), [_case("e-mail", role) for role in CLIENT_ROLES])
def test_emails_to_client_show_no_canary(world, surface, role):
    person, scanned = world.person(role), world.items["canaries"]
    messages = OutboxMessage.objects.filter(to_email=person.email).order_by("pk")
    findings = {}
    for message in messages:
        c.TALLY.add("e-mail")
        text = "\n".join((message.subject, message.body_text, message.body_html))
        findings[f"e-mail {message.kind} #{message.pk}"] = scanned.find(text)
    c.TALLY.email_kinds.update(message.kind for message in messages)
    assert messages, f"no e-mail for {role}: the world's steps must write some"
    assert_no_canary(surface, role, findings)


def test_the_world_writes_clients_every_kind_of_email(world):
    """The e-mail reads are worth something only if the steps wrote the client's e-mails."""
    kinds = set(
        OutboxMessage.objects.filter(
            to_email__in=[world.person(role).email for role in CLIENT_ROLES]
        ).values_list("kind", flat=True)
    )
    assert {
        "change_request",
        "decision_reminder",
        "deliverable_submitted",
        "feedback",
        "phase_gate",
        "requirement_clarified",
        "survey",
    } <= kinds, kinds


@pytest.mark.parametrize(
    ("surface", "role"), [_case("notifications", role) for role in CLIENT_ROLES]
)
def test_in_app_notifications_show_no_canary(world, surface, role):
    scanned = world.items["canaries"]
    findings = {}
    for notification in Notification.objects.filter(user=world.person(role)):
        c.TALLY.add("notification")
        text = f"{notification.title}\n{notification.body}\n{notification.url}"
        findings[f"notification #{notification.pk}"] = scanned.find(text)
    assert_no_canary(surface, role, findings)


REPORT_FORMS = ("subject", "body_text", "body_html", "pdf")


@pytest.mark.parametrize("form", REPORT_FORMS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_status_report_shows_no_canary(world, form, language):
    [rendition] = [r for r in world.items["renditions"] if r.language == language]
    text = c.pdf_text(bytes(rendition.pdf)) if form == "pdf" else getattr(rendition, form)
    c.TALLY.add("report")
    c.TALLY.cases["report"] += 1
    # What the client may see is there: the report is read, not empty.
    assert "Go-live" in text or form == "subject", text[:500]
    found = world.items["canaries"].find(text)
    assert_no_canary(f"report {form} ({language})", "recipients", {form: found})


# --- The suite can fail ------------------------------------------------------------------------


def test_the_suite_fails_when_a_selector_returns_internal_items(world, values, monkeypatch):
    """Every risk of the project, internal ones too, for everyone: the scanner names them."""
    import risks.selectors.register
    from risks.models import Risk

    monkeypatch.setattr(
        risks.selectors.register,
        "visible_risks",
        lambda user, project: Risk.objects.filter(project=project),
    )
    operation = API_OPERATIONS["/api/v1/projects/{project_pk}/risks/"]
    urls, _unknown = c.api_operation_urls(operation, values)
    client, scanned = _client(world, "rep"), world.items["canaries"]
    findings = {url: _read(client, url, scanned, "proof")[1] for url in urls[:1]}

    with pytest.raises(pytest.fail.Exception) as failed:
        assert_no_canary("proof: risks list", "rep", findings, record=False)
    assert "risks.Risk.title" in str(failed.value)


def test_the_suite_fails_when_an_internal_field_becomes_client_visible(world, monkeypatch):
    """The client's risk serializer given the team's: the internal note shows."""
    from risks.api import register

    monkeypatch.setattr(register, "RiskDetailSerializer", register.InternalRiskDetailSerializer)
    risk = world.items["risk"]
    url = f"/api/v1/projects/{world.project.pk}/risks/{risk.pk}/"
    status, found = _read(_client(world, "viewer"), url, world.items["canaries"], "proof")

    assert status == 200
    assert [item for item in found if "risks.Risk.internal_note" in item], found
    with pytest.raises(pytest.fail.Exception):
        assert_no_canary("proof: risk detail", "viewer", {url: found}, record=False)


# --- Scorecards: never a client's, and their items are internal ---------------------------------


def _scorecard_urls(world: World) -> list[str]:
    """Every scorecard surface of the world's PM and AM, each group's items in the quarter
    the world was made in (NOW)."""
    from scorecards.items import GROUPS
    from scorecards.periods import period_containing

    quarter = period_containing(NOW.date()).key
    urls = ["/scorecards/", "/scorecards/team/", "/api/v1/scorecards/", "/api/v1/scorecards/team/"]
    for role in ("pm", "am"):
        person = world.person(role).pk
        urls += [f"/scorecards/people/{person}/{role}/", f"/api/v1/scorecards/{person}/{role}/"]
        for group in GROUPS.values():
            if role in group.roles:
                urls += [
                    f"/scorecards/people/{person}/{role}/{group.key}/{quarter}/",
                    f"/api/v1/scorecards/{person}/{role}/{group.key}/{quarter}/",
                ]
    return urls


@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_scorecards_show_a_client_nothing(world, role):
    """No scorecard surface answers a client (the role table says so); whatever it answers
    instead holds no canary."""
    client, scanned = _client(world, role), world.items["canaries"]
    findings, answered = {}, {}
    for url in _scorecard_urls(world):
        response = client.get(url)
        answered[url] = response.status_code
        findings[url] = scanned.find(c.response_text(response))
    assert {url: status for url, status in answered.items() if status == 200} == {}
    assert_no_canary("scorecards", role, findings, record=False)


def test_scorecard_items_show_the_team_the_internal_titles(world):
    """The proof that the reads above are worth something: the world's PM reads the internal
    issue on their items page and the AM the internal complaint, by their canaries."""
    from tests.factories import enrol_totp

    scanned = world.items["canaries"]
    pages = {
        "pm": [url for url in _scorecard_urls(world) if "/pm/issues/" in url],
        "am": [url for url in _scorecard_urls(world) if "/am/complaints/" in url],
    }
    labels = {}
    for role, urls in pages.items():
        enrol_totp(world.person(role))  # provider people need their second factor for pages
        client = _client(world, role)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            labels[url] = {
                c.origin_label(found) for found in scanned.find(c.response_text(response))
            }
    assert all("risks.Issue" in found for url, found in labels.items() if "/issues/" in url)
    assert all(
        "feedback.FeedbackTicket" in found for url, found in labels.items() if "/complaints/" in url
    )
    assert len(labels) == 4


# --- Webhooks ----------------------------------------------------------------------------------


def test_a_clients_webhooks_carry_no_canary(world):
    """The client's endpoint hears the events of the world's items, internal ones and shared
    ones with internal fields, after the canaries are in: none of its payloads holds one, while
    the team's endpoint, hearing the same events, does (so the case could fail)."""
    from common.events import EventType
    from feedback.services.tickets import ticket_resolve
    from integrations.models import WebhookDelivery
    from integrations.webhooks import endpoint_create
    from reports.models import ReportSchedule
    from reports.schedule import Period
    from reports.services.reports import report_create_for_period
    from risks.services.assessments import risk_assess
    from stakeholders.services.changes import (
        change_request_approve,
        change_request_assess,
        change_request_reject,
    )

    pm, admin, am = world.person("pm"), world.person("client_admin"), world.person("am")
    items, project, scanned = world.items, world.project, world.items["canaries"]
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        register = {
            "project": project,
            "url": "https://93.184.216.34/hooks",
            "events": list(EventType.values),
        }
        client_end = endpoint_create(actor=pm, client=world.client, **register).endpoint
        team_end = endpoint_create(actor=pm, client=None, **register).endpoint
        for risk in (items["risk"], items["internal_risk"]):
            risk_assess(actor=pm, risk=risk, probability=1, impact=1, note="Calmer.")
            risk_assess(actor=pm, risk=risk, probability=5, impact=5, note="Critical again.")
        change_request_reject(
            actor=pm, change_request=items["internal_change_request"], reason="Not now."
        )
        shared = change_request_assess(
            actor=pm,
            change_request=items["change_request"],
            scope_impact="Two screens.",
            cost_impact=Decimal("100.00"),
            schedule={},
            internal_note="Margin is thin.",
            visibility="client",
        )
        change_request_approve(actor=pm, change_request=shared)
        change_request_approve(actor=admin, change_request=shared)
        # The shared complaint was resolved as the world was built (after_fill); the
        # internal one is resolved now.
        ticket_resolve(actor=am, ticket=items["internal_ticket"], resolution="Driver updated.")
        # A report of a period the world has none for (its own period's report exists).
        report_create_for_period(
            schedule=ReportSchedule.objects.select_for_update().get(project=project),
            period=Period(start=date(2026, 11, 17), end=date(2026, 11, 23), run_at=NOW),
            until=NOW,
            trigger="manual",
            actor=pm,
        )
        client_bodies = list(
            WebhookDelivery.objects.filter(endpoint=client_end).values_list("event_type", "body")
        )
        team_bodies = list(
            WebhookDelivery.objects.filter(endpoint=team_end).values_list("event_type", "body")
        )
        transaction.set_rollback(True)
    c.TALLY.add("webhook payload")
    findings = {
        f"webhook {event} #{n}": scanned.find(body) for n, (event, body) in enumerate(client_bodies)
    }
    assert_no_canary("integrations:webhooks", "client endpoint", findings)
    in_team = [found for _, body in team_bodies for found in scanned.find(body)]
    assert in_team, "the team's payloads held no canary: the case would prove nothing"
    heard = sorted(event for event, _ in client_bodies)
    assert heard == ["change_request.approved", "report.sent", "risk.became_critical"], heard
    assert sorted(event for event, _ in team_bodies) == [
        "change_request.approved",
        "change_request.rejected",
        "complaint.resolved",
        "report.sent",
        "risk.became_critical",
        "risk.became_critical",
    ]
