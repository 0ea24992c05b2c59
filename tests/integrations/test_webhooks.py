"""Webhooks: endpoints registered by staff admins and PMs, deliveries written in the event's
transaction (an outbox), signed with HMAC-SHA256 (verified here by the standardwebhooks library
and by hand), sent to a real HTTP server on this machine, retried with back-off, an endpoint
disabled after failing again and again (its owner told), resent by hand; the address check
against private addresses and DNS rebinding; a client's endpoint never hears of anything
internal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from common.events import EventType, emit
from integrations import webhook_sending
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks import (
    deliveries_due_ids,
    delivery_resend,
    delivery_send,
    endpoint_create,
    endpoint_get_for,
    endpoint_rotate_secret,
    endpoint_send_test,
    endpoint_update,
)
from notifications.models import Notification, OutboxMessage
from projects.models import Visibility
from projects.services.acceptance import deliverable_accept
from tests.helpers import logged_in
from tests.notifications.conftest import task_queue  # noqa: F401  (a fixture)
from tests.notifications.test_outbox_worker import wait_until, worker  # noqa: F401
from tests.projects.test_deliverables import submitted_deliverable

pytestmark = pytest.mark.django_db

EVERY_EVENT = list(EventType.values)


class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it is sent and answers the statuses
    queued in `answers` (then 204)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hooks/rapport", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def local(settings):
    """This machine's receiver is on a loopback address over plain HTTP: allowed here."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_ALLOW_HTTP = True
    return settings


def register(actor, url, *, project=None, client=None, events=None):
    return endpoint_create(
        actor=actor,
        project=project,
        client=client,
        url=url,
        events=events or EVERY_EVENT,
        description="Ticketing bridge",
    )


def by_hand(secret: str, headers: dict, body: str) -> bool:
    """The signature checked the way the receiving side's own code would, without our code."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, signature) for signature in offered)


def verify(secret: str, request: dict) -> dict:
    return Webhook(secret).verify(request["body"], request["headers"])


def emit_on(project, event_type=EventType.REPORT_SENT, *, client_visible=True, data=None):
    emit(event_type, project=project, client_visible=client_visible, data=data or {"n": 1})


# --- Delivery, signature, payload --------------------------------------------------------------


def test_a_client_acceptance_reaches_the_teams_endpoint_signed(
    pm, rep, project, receiver, local, django_capture_on_commit_callbacks
):
    made = register(pm, receiver.url(), project=project, events=["deliverable.accepted"])
    deliverable = submitted_deliverable(django_capture_on_commit_callbacks, pm, project)
    deliverable_accept(actor=rep, deliverable=deliverable, comment="All good")

    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint == made.endpoint
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery_send(delivery_id=delivery.pk) == "delivered"

    [request] = receiver.requests
    assert request["path"] == "/hooks/rapport"
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["host"] == f"127.0.0.1:{receiver.port}"
    payload = verify(made.secret, request)  # an independent implementation
    assert by_hand(made.secret, request["headers"], request["body"])
    assert payload["id"] == str(delivery.event_id) == request["headers"]["webhook-id"]
    assert payload["type"] == "deliverable.accepted"
    assert payload["api_version"] == "1"
    assert payload["project"] == {"id": project.pk, "code": project.code, "name": project.name}
    assert payload["data"]["deliverable"]["id"] == deliverable.pk
    assert payload["data"]["deliverable"]["status"] == "accepted"
    assert payload["data"]["round"]["comment"] == "All good"
    assert payload["data"]["round"]["decided_by"] == str(rep)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 204)
    assert delivery.delivered_at is not None
    assert delivery_send(delivery_id=delivery.pk) == "skipped"  # never twice
    assert len(receiver.requests) == 1


def test_a_signature_under_another_secret_or_a_changed_body_does_not_verify(
    pm, project, receiver, local
):
    made = register(pm, receiver.url(), project=project)
    emit_on(project)
    delivery_send(delivery_id=WebhookDelivery.objects.get().pk)
    [request] = receiver.requests
    other = webhook_sending.new_secret()
    assert not by_hand(other, request["headers"], request["body"])
    assert not by_hand(made.secret, request["headers"], request["body"].replace("1", "2"))
    with pytest.raises(Exception, match="No matching signature"):
        verify(other, request)


def test_a_rolled_back_event_writes_no_delivery(pm, project, local, receiver):
    register(pm, receiver.url(), project=project)
    written = []

    def event_then_failure():
        with transaction.atomic():
            emit_on(project)
            written.append(WebhookDelivery.objects.count())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        event_then_failure()
    assert written == [1]
    assert WebhookDelivery.objects.count() == 0


def test_only_the_chosen_events_of_the_endpoints_project_are_delivered(
    pm, project, other_project, receiver, local, staff_admin
):
    only_reports = register(pm, receiver.url(), project=project, events=["report.sent"])
    everywhere = register(staff_admin, receiver.url("/all"), events=["project.closed"])
    emit_on(project, EventType.REPORT_SENT)
    emit_on(other_project, EventType.REPORT_SENT)
    emit_on(project, EventType.PROJECT_CLOSED)
    emit_on(other_project, EventType.PROJECT_CLOSED)
    got = sorted(WebhookDelivery.objects.values_list("endpoint_id", "event_type", "project_id"))
    assert got == sorted(
        [
            (only_reports.endpoint.pk, "report.sent", project.pk),
            (everywhere.endpoint.pk, "project.closed", project.pk),
            (everywhere.endpoint.pk, "project.closed", other_project.pk),
        ]
    )


def test_a_disabled_endpoint_hears_nothing(pm, project, receiver, local):
    made = register(pm, receiver.url(), project=project)
    endpoint_update(actor=pm, endpoint=made.endpoint, is_active=False)
    emit_on(project)
    assert WebhookDelivery.objects.count() == 0


def test_an_event_costs_no_query_when_no_endpoint_listens(project, django_assert_num_queries):
    emit_on(project)  # fills the cache of active endpoints (none)
    with django_assert_num_queries(0):
        emit_on(project)


# --- Who hears what: a client's endpoint ---------------------------------------------------------


def test_a_clients_endpoint_hears_only_what_the_client_sees_of_its_own_projects(
    pm, project, other_project, client_a, client_b, staff_admin, receiver, local
):
    mine = register(pm, receiver.url("/a"), project=project, client=client_a)
    whole_client = register(staff_admin, receiver.url("/a-all"), client=client_a)
    other = register(staff_admin, receiver.url("/b"), client=client_b)
    emit_on(project, EventType.RISK_BECAME_CRITICAL, client_visible=False)
    emit_on(project, EventType.SURVEY_ANSWERED, client_visible=False)
    emit_on(project, EventType.REPORT_SENT, client_visible=True)
    emit_on(other_project, EventType.REPORT_SENT, client_visible=True)
    heard = sorted(WebhookDelivery.objects.values_list("endpoint_id", "event_type", "project_id"))
    assert heard == sorted(
        [
            (mine.endpoint.pk, "report.sent", project.pk),
            (whole_client.endpoint.pk, "report.sent", project.pk),
            (other.endpoint.pk, "report.sent", other_project.pk),
        ]
    )


def test_a_clients_endpoint_carries_nothing_internal_of_a_change_request(
    cast, client_a, receiver, local
):
    from tests.stakeholders.test_change_requests import SECRET, _assessed

    project = cast.project
    from projects.services.milestones import milestone_create

    cast.design = milestone_create(
        actor=cast.pm, project=project, name="Design", due_date=timezone.localdate() + timedelta(30)
    )
    cast.golive = milestone_create(
        actor=cast.pm, project=project, name="Go", due_date=timezone.localdate() + timedelta(90)
    )
    client_end = register(cast.pm, receiver.url("/client"), project=project, client=client_a)
    team_end = register(cast.pm, receiver.url("/team"), project=project)
    from stakeholders.services.changes import change_request_approve, change_request_reject

    shared = _assessed(cast, cost="12500.00")
    change_request_approve(actor=cast.pm, change_request=shared)
    change_request_approve(actor=cast.client_admin, change_request=shared)
    internal = _assessed(cast, visibility=Visibility.INTERNAL)
    change_request_reject(actor=cast.pm, change_request=internal, reason="Not now")

    client_bodies = list(
        WebhookDelivery.objects.filter(endpoint=client_end.endpoint).values_list("body", flat=True)
    )
    team_types = sorted(
        WebhookDelivery.objects.filter(endpoint=team_end.endpoint).values_list(
            "event_type", flat=True
        )
    )
    assert team_types == ["change_request.approved", "change_request.rejected"]
    assert len(client_bodies) == 1
    [body] = client_bodies
    assert json.loads(body)["type"] == "change_request.approved"
    assert SECRET not in body
    assert "Not now" not in body


# --- Retries, back-off, disabling, resending --------------------------------------------------


def test_a_failed_attempt_is_retried_later_with_the_same_id_and_body(pm, project, receiver, local):
    local.WEBHOOK_RETRY_SECONDS = [60, 300]
    register(pm, receiver.url(), project=project)
    emit_on(project)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500, 503]
    start = timezone.now()
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error == "HTTP 500"
    assert timedelta(seconds=59) < delivery.next_attempt_at - start < timedelta(seconds=61)
    assert delivery.pk not in deliveries_due_ids()
    assert delivery_send(delivery_id=delivery.pk) == "skipped"  # not before its time
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert deliveries_due_ids() == [delivery.pk]
        assert delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert timedelta(seconds=299) < delivery.next_attempt_at - delivery.last_attempt_at
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert delivery_send(delivery_id=delivery.pk) == "delivered"
    first, second, third = receiver.requests
    assert first["body"] == second["body"] == third["body"] == delivery.body
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {str(delivery.event_id)}
    assert WebhookEndpoint.objects.get().failures == 0


def test_after_the_last_retry_the_delivery_fails_and_is_resent_by_hand(
    pm, project, receiver, local
):
    local.WEBHOOK_RETRY_SECONDS = [1]
    made = register(pm, receiver.url(), project=project)
    emit_on(project)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500, 500]
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        assert delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert delivery.pk not in deliveries_due_ids()
    delivery_resend(actor=pm, delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert delivery_send(delivery_id=delivery.pk) == "delivered"
    assert verify(made.secret, receiver.requests[-1])["id"] == str(delivery.event_id)


def test_redirects_are_not_followed(pm, project, receiver, local):
    register(pm, receiver.url(), project=project)
    emit_on(project)
    receiver.answers = [302]
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.response_status == 302
    assert delivery.last_error == "Redirects are not followed."
    assert len(receiver.requests) == 1


def test_an_endpoint_failing_again_and_again_is_disabled_and_its_owner_told(
    pm, project, receiver, local
):
    local.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    local.WEBHOOK_RETRY_SECONDS = [1, 1, 1, 1]
    made = register(pm, receiver.url(), project=project)
    for _ in range(3):
        emit_on(project)
    first, second, third = WebhookDelivery.objects.order_by("pk")
    receiver.answers = [500, 500, 500]
    assert delivery_send(delivery_id=first.pk) == "retry"
    assert delivery_send(delivery_id=second.pk) == "retry"
    assert delivery_send(delivery_id=third.pk) == "retry"
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.is_active
    assert endpoint.failures == 3
    assert "3 failed attempts in a row" in endpoint.disabled_reason
    assert "HTTP 500" in endpoint.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}
    [notice] = Notification.objects.filter(user=pm)
    assert made.endpoint.url in notice.title
    assert notice.url == reverse("integrations:webhook", args=[endpoint.pk])
    [mail] = OutboxMessage.objects.filter(to_user=pm, kind="webhook_disabled")
    assert made.endpoint.url in mail.subject
    emit_on(project)  # a disabled endpoint hears nothing more
    assert WebhookDelivery.objects.count() == 3

    with pytest.raises(InvalidTransition):
        delivery_resend(actor=pm, delivery=first)
    client = logged_in(pm)
    client.post(reverse("integrations:webhook_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.failures, endpoint.disabled_reason) == (True, 0, "")
    client.post(reverse("integrations:webhook_resend", args=[endpoint.pk, first.pk]))
    assert delivery_send(delivery_id=first.pk) == "delivered"


def test_the_disable_notice_is_in_the_owners_language(pm, project, receiver, local):
    pm.language = "zh-hans"
    pm.save()
    local.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    register(pm, receiver.url(), project=project)
    emit_on(project)
    receiver.answers = [500]
    delivery_send(delivery_id=WebhookDelivery.objects.get().pk)
    notice = Notification.objects.get(user=pm)
    assert "已停用" in notice.title
    assert "已停用" in OutboxMessage.objects.get(kind="webhook_disabled").subject


# --- Secrets ------------------------------------------------------------------------------------


def test_a_rotated_secret_signs_beside_the_new_one_until_the_overlap_ends(
    pm, project, receiver, local
):
    old = register(pm, receiver.url(), project=project)
    new = endpoint_rotate_secret(actor=pm, endpoint=old.endpoint)
    assert new.secret != old.secret
    emit_on(project)
    delivery_send(delivery_id=WebhookDelivery.objects.get().pk)
    request = receiver.requests[-1]
    assert len(request["headers"]["webhook-signature"].split()) == 2
    assert verify(old.secret, request)
    assert verify(new.secret, request)
    later = timezone.now() + timedelta(hours=local.WEBHOOK_SECRET_OVERLAP_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        emit_on(project)
        delivery = WebhookDelivery.objects.order_by("-pk").first()
        delivery_send(delivery_id=delivery.pk)
    request = receiver.requests[-1]
    assert len(request["headers"]["webhook-signature"].split()) == 1
    assert by_hand(new.secret, request["headers"], request["body"])
    assert not by_hand(old.secret, request["headers"], request["body"])


def test_the_secret_is_shown_once_on_the_page_and_never_in_the_api(pm, project, local, receiver):
    client = logged_in(pm)
    response = client.post(
        reverse("integrations:webhooks"),
        {
            "url": receiver.url(),
            "project": project.pk,
            "audience": "team",
            "events": ["deliverable.accepted", "report.sent"],
        },
        follow=True,
    )
    page = response.content.decode()
    secret = page.split('data-testid="webhook-secret">')[1].split("<")[0]
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret
    assert secret.startswith("whsec_")
    assert endpoint.events == ["deliverable.accepted", "report.sent"]
    again = client.get(reverse("integrations:webhook", args=[endpoint.pk])).content.decode()
    assert secret not in again
    listed = client.get("/api/v1/webhooks/").json()
    assert "secret" not in listed[0]
    assert secret not in json.dumps(listed)


# --- The address check ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1, a private or local address"),
        ("https://localhost/hook", "a private or local address"),  # a name for 127.0.0.1
        ("https://10.1.2.3/hook", "10.1.2.3, a private or local address"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254, a private"),
        ("https://[::1]/hook", "::1, a private or local address"),
        ("https://[::ffff:127.0.0.1]/hook", "a private or local address"),
        ("https://100.64.0.1/hook", "100.64.0.1, a private or local address"),
        ("http://93.184.216.34/hook", "must start with https://"),
        ("ftp://93.184.216.34/hook", "must start with https://"),
        ("https://user:pw@93.184.216.34/hook", "user name or password"),
        ("https://no-such-host.invalid/hook", "cannot be found"),
    ],
)
def test_private_and_unsafe_addresses_are_refused_with_the_reason(pm, project, url, reason):
    with pytest.raises(InvalidInput, match=reason) as refused:
        register(pm, url, project=project)
    assert refused.value.field == "url"
    assert WebhookEndpoint.objects.count() == 0


def test_a_name_that_later_resolves_inside_is_refused_at_delivery(
    pm, project, receiver, settings, monkeypatch
):
    """DNS rebinding: the name was public when registered, points at this machine when the
    delivery goes out; the delivery is refused and nothing reaches the inner address."""
    settings.WEBHOOK_ALLOW_HTTP = True
    answers = {"rebind.example": ["93.184.216.34"]}
    monkeypatch.setattr(webhook_sending, "resolve", lambda host, port: answers[host])
    register(pm, receiver.url(host="rebind.example"), project=project)
    emit_on(project)
    answers["rebind.example"] = ["127.0.0.1"]
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert "127.0.0.1, a private or local address" in delivery.last_error
    assert receiver.requests == []


def test_the_request_goes_to_the_address_that_was_checked(
    pm, project, receiver, local, monkeypatch
):
    """The name is resolved once per delivery and the connection made to that address (the
    name only in the Host header): a name no DNS knows reaches the receiver it was checked as."""
    monkeypatch.setattr(webhook_sending, "resolve", lambda host, port: ["127.0.0.1"])
    register(pm, receiver.url(host="hooks.client.example"), project=project)
    emit_on(project)
    assert delivery_send(delivery_id=WebhookDelivery.objects.get().pk) == "delivered"
    [request] = receiver.requests
    assert request["headers"]["host"] == f"hooks.client.example:{receiver.port}"


# --- Who registers, on the pages and in the API -------------------------------------------------


def test_a_pm_registers_for_their_project_only(
    pm, project, other_project, client_b, local, receiver
):
    with pytest.raises(NotAllowed):
        register(pm, receiver.url(), project=other_project)
    with pytest.raises(NotAllowed):
        register(pm, receiver.url())  # every project: a staff admin's
    with pytest.raises(InvalidInput) as wrong_client:
        register(pm, receiver.url(), project=project, client=client_b)
    assert wrong_client.value.field == "client"
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize("role", ["teammate", "am", "client_admin", "rep", "outsider"])
def test_others_may_not_manage_a_pms_endpoint(cast, role, local, receiver):
    made = register(cast.pm, receiver.url(), project=cast.project)
    person = getattr(cast, role)
    with pytest.raises(NotFound):
        endpoint_get_for(user=person, endpoint_id=made.endpoint.pk)
    with pytest.raises(NotAllowed):
        endpoint_send_test(actor=person, endpoint=made.endpoint)
    page = logged_in(person).get(reverse("integrations:webhook", args=[made.endpoint.pk]))
    if person.is_client_user:
        assert page.status_code == 302
        assert page["Location"] == reverse("portal:home")
    else:
        assert page.status_code == 404


def test_a_team_member_sees_the_page_but_registers_nothing(teammate, local):
    page = logged_in(teammate).get(reverse("integrations:webhooks"))
    assert page.status_code == 200
    assert 'data-testid="webhook-form"' not in page.content.decode()
    assert "manager or a staff admin registers endpoints." in page.content.decode()


@pytest.mark.parametrize("role", ["client_admin", "rep", "viewer"])
def test_client_people_have_no_webhooks(cast, role):
    client = logged_in(getattr(cast, role))
    page = client.get(reverse("integrations:webhooks"))
    assert (page.status_code, page["Location"]) == (302, reverse("portal:home"))
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert client.get("/api/v1/webhook-events/").status_code == 403


def test_bad_input_on_the_page_names_the_field_and_registers_nothing(pm, project):
    response = logged_in(pm).post(
        reverse("integrations:webhooks"),
        {"url": "https://127.0.0.1/x", "project": project.pk, "audience": "team", "events": []},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page  # no event chosen
    response = logged_in(pm).post(
        reverse("integrations:webhooks"),
        {
            "url": "https://127.0.0.1/x",
            "project": project.pk,
            "audience": "team",
            "events": ["report.sent"],
        },
    )
    assert response.status_code == 400
    assert "a private or local address" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_the_api_registers_lists_edits_tests_and_deletes(pm, project, client_a, local, receiver):
    api = logged_in(pm)
    created = api.post(
        "/api/v1/webhooks/",
        {
            "url": receiver.url(),
            "project": project.pk,
            "for_client": True,
            "events": ["report.sent"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert (body["project"], body["client"], body["events"]) == (
        project.pk,
        client_a.pk,
        ["report.sent"],
    )
    endpoint_id = body["id"]
    bad = api.patch(
        f"/api/v1/webhooks/{endpoint_id}/",
        {"events": ["no.such.event"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "events" in bad.json()
    patched = api.patch(
        f"/api/v1/webhooks/{endpoint_id}/",
        {"description": "Client portal bridge"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["description"] == "Client portal bridge"
    tested = api.post(f"/api/v1/webhooks/{endpoint_id}/test/")
    assert tested.status_code == 202
    assert tested.json()["event_type"] == "webhook.test"
    assert delivery_send(delivery_id=tested.json()["id"]) == "delivered"
    assert verify(body["secret"], receiver.requests[-1])["type"] == "webhook.test"
    log = api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/").json()
    assert log["count"] == 1
    assert log["results"][0]["status"] == "delivered"
    rotated = api.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != body["secret"]
    events = api.get("/api/v1/webhook-events/").json()
    assert {"type": "deliverable.accepted", "name": "Deliverable accepted"} in events
    assert api.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_api_refuses_a_project_the_pm_does_not_manage(pm, other_project, local, receiver):
    response = logged_in(pm).post(
        "/api/v1/webhooks/",
        {"url": receiver.url(), "project": other_project.pk, "events": ["report.sent"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "project" in json.dumps(response.json())
    assert not WebhookEndpoint.objects.exists()


def test_the_endpoint_page_shows_the_log_and_sends_a_test_event(pm, project, local, receiver):
    made = register(pm, receiver.url(), project=project)
    client = logged_in(pm)
    client.post(reverse("integrations:webhook_test", args=[made.endpoint.pk]))
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "webhook.test"
    delivery_send(delivery_id=delivery.pk)
    page = client.get(reverse("integrations:webhook", args=[made.endpoint.pk])).content.decode()
    assert "webhook.test" in page
    assert "Delivered" in page
    pm.language = "zh-hans"
    pm.save(update_fields=["language"])
    chinese = logged_in(pm)
    page = chinese.get(reverse("integrations:webhook", args=[made.endpoint.pk])).content.decode()
    assert "发送测试事件" in page
    assert "已送达" in page
    assert "登记端点" in chinese.get(reverse("integrations:webhooks")).content.decode()


def test_what_a_clients_endpoint_reads_of_an_approved_change(cast, client_a, receiver, local):
    """What a client's endpoint reads of an approved change: its number, title and status."""
    from projects.services.milestones import milestone_create
    from stakeholders.services.changes import (
        change_request_approve,
        change_request_assess,
        change_request_create,
    )

    milestone = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Go",
        due_date=timezone.localdate() + timedelta(60),
    )
    register(cast.pm, receiver.url(), project=cast.project, client=client_a)
    cr = change_request_create(actor=cast.rep, project=cast.project, title="Scanners", reason="x")
    cr = change_request_assess(
        actor=cast.pm,
        change_request=cr,
        scope_impact="Two screens",
        cost_impact=Decimal("777.00"),
        schedule={milestone.pk: 3},
        internal_note="CANARY-margin",
        visibility=Visibility.CLIENT,
    )
    change_request_approve(actor=cast.pm, change_request=cr)
    change_request_approve(actor=cast.client_admin, change_request=cr)
    payload = json.loads(WebhookDelivery.objects.get().body)
    assert payload["data"]["change_request"] == {
        "id": cr.pk,
        "number": cr.number,
        "title": "Scanners",
        "status": "approved",
        "rebaseline": cr.rebaseline,
    }
    assert "CANARY" not in WebhookDelivery.objects.get().body


# --- End to end: a committed event, the real broker, a real worker ------------------------------


@pytest.mark.usefixtures("transactional_db", "worker")
def test_a_committed_event_is_delivered_once_by_the_worker(pm, project, receiver, local):
    made = register(pm, receiver.url(), project=project, events=["report.sent"])
    with transaction.atomic():
        emit_on(project)  # the commit queues the delivery on the real broker
    delivery = WebhookDelivery.objects.get()
    wait_until(lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status="delivered").exists())
    [request] = receiver.requests
    assert verify(made.secret, request)["id"] == str(delivery.event_id)


def test_an_endpoint_deleted_while_its_delivery_is_out_is_recorded_as_nothing(
    pm, project, receiver, local, monkeypatch
):
    made = register(pm, receiver.url(), project=project)
    emit_on(project)
    delivery = WebhookDelivery.objects.get()
    real_post = webhook_sending.post

    def post_then_delete(**kwargs):
        answer = real_post(**kwargs)
        WebhookEndpoint.objects.filter(pk=made.endpoint.pk).delete()
        return answer

    monkeypatch.setattr("integrations.webhooks.post", post_then_delete)
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1
    assert not WebhookDelivery.objects.exists()
