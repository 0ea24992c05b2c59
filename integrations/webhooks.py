"""Webhooks: endpoints that hear of a project's events (common.events), and their deliveries.

**Registering.** Staff admins and a project's PMs register an address for the events chosen
(integrations.permissions). The address is checked (integrations.webhook_sending.check_address)
and a secret made, shown once, rotated at will: the old one keeps signing beside the new one for
WEBHOOK_SECRET_OVERLAP_HOURS, so the receiving side can switch without missing a delivery.

**Who hears what.** An endpoint of the provider hears of every event of its project (or, without
one, of all projects). An endpoint of a client organisation hears only of events the client's
people may see (`Event.client_visible`), about that client's projects; what such an event says
(`Event.data`) is what the client may read, by the contract of `common.events`.

**The delivery log is an outbox.** `_on_event` writes one `WebhookDelivery` per endpoint that
hears the event, with the exact body to send, in the transaction of the event, and queues its
sending after the commit (`webhooks_sweep_task` finds any whose task was lost). A sender claims a
row before it sends, so a delivery is never sent twice at once; the body and `webhook-id` stay
the same on every retry, so the receiver can drop a copy it already has. A failed attempt is
retried after WEBHOOK_RETRY_SECONDS; after the last, the delivery fails and may be resent by
hand. WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row disable the endpoint and tell its
owner; its waiting deliveries then fail, to be resent once it is enabled again.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.permissions import is_staff_admin
from common.database import retry_when_locked
from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from common.events import Event, EventType, event_occurred
from common.tasks import enqueue_after_commit
from common.text import clean_text
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.permissions import can_manage_webhook, can_register_webhook
from integrations.webhook_sending import (
    AddressRefused,
    check_address,
    new_secret,
    post,
    signature_header,
)
from notifications.services.notifications import notification_create
from notifications.services.outbox import outbox_enqueue
from projects.models import Project, Role
from projects.selectors.core import project_list_for

API_VERSION = "1"
TEST_EVENT = "webhook.test"
MAX_ENDPOINTS_PER_PROJECT = 20
# A sender still at a delivery after this long has died: another may take it.
CLAIM_STALE = timedelta(seconds=90)
CACHE_KEY = "webhooks:active:v1"


# --- Reading ----------------------------------------------------------------------------------


def endpoint_list_for(*, user: User, project: Project | None = None) -> QuerySet[WebhookEndpoint]:
    """The endpoints `user` looks after: every one for a staff admin, those of the projects they
    manage for a PM; of `project` only, when given."""
    endpoints = WebhookEndpoint.objects.select_related("client", "project", "created_by")
    if not is_staff_admin(user):
        managed = [pid for pid, role in user.project_roles.items() if role == Role.PM]
        endpoints = endpoints.filter(project_id__in=managed)
    if project is not None:
        endpoints = endpoints.filter(project=project)
    return endpoints


def endpoint_get_for(*, user: User, endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_list_for(user=user).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound()
    return endpoint


def delivery_list_for(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's delivery log, newest first (the caller has the endpoint through
    endpoint_get_for)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint)


def delivery_get_for(*, user: User, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    endpoint = endpoint_get_for(user=user, endpoint_id=endpoint_id)
    delivery = delivery_list_for(endpoint=endpoint).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound()
    delivery.endpoint = endpoint
    return delivery


def projects_for_webhooks(*, user: User) -> QuerySet[Project]:
    """The projects `user` may register endpoints for: every one for a staff admin, those they
    manage for a PM."""
    projects = project_list_for(user=user).select_related("client").order_by("code")
    if is_staff_admin(user):
        return projects
    managed = [pid for pid, role in user.project_roles.items() if role == Role.PM]
    return projects.filter(pk__in=managed)


def event_type_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in EventType.choices]


# --- Registering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise InvalidInput(_("Give the address to send the events to."), field="url")
    if len(url) > 500:
        raise InvalidInput(_("The address is longer than 500 characters."), field="url")
    try:
        check_address(url)
    except AddressRefused as refused:
        raise InvalidInput(refused.message, field="url") from refused
    return url


def _clean_events(events: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(events or []))
    unknown = [event for event in chosen if event not in EventType.values]
    if unknown:
        raise InvalidInput(_("Unknown event: %(event)s.") % {"event": unknown[0]}, field="events")
    if not chosen:
        raise InvalidInput(_("Choose at least one event."), field="events")
    return [event for event in EventType.values if event in chosen]


def _check_client(client: Organization | None, project: Project | None) -> None:
    if client is None:
        return
    if client.kind != Organization.Kind.CLIENT:
        raise InvalidInput(_("Choose a client organisation."), field="client")
    if project is not None and project.client_id != client.pk:
        raise InvalidInput(
            _("The project belongs to another client than this organisation."), field="client"
        )


@transaction.atomic
def endpoint_create(
    *,
    actor: User,
    project: Project | None,
    client: Organization | None,
    url: str,
    events: list[str],
    description: str = "",
) -> NewSecret:
    """An endpoint of the team (`client` None) or of a client, for one project or for all."""
    if not can_register_webhook(actor, project):
        raise NotAllowed(
            _("Only a staff admin registers an endpoint for a whole organisation.")
            if project is None
            else None
        )
    _check_client(client, project)
    url = _clean_url(url)
    events = _clean_events(events)
    description = clean_text(
        description,
        field="description",
        label=_("The description"),
        required=False,
        max_length=200,
    )
    if (
        project is not None
        and WebhookEndpoint.objects.filter(project=project).count() >= MAX_ENDPOINTS_PER_PROJECT
    ):
        raise InvalidInput(
            _("A project has at most %(max)d endpoints.") % {"max": MAX_ENDPOINTS_PER_PROJECT},
            field="url",
        )
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        client=client,
        project=project,
        url=url,
        events=events,
        description=description,
        secret=secret,
        created_by=actor,
    )
    _endpoints_changed()
    return NewSecret(endpoint, secret)


@transaction.atomic
def endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given. Enabling a disabled endpoint starts its failure count again."""
    endpoint = _lock(endpoint)
    if not can_manage_webhook(actor, endpoint):
        raise NotAllowed()
    if url is not None:
        endpoint.url = _clean_url(url)
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = clean_text(
            description,
            field="description",
            label=_("The description"),
            required=False,
            max_length=200,
        )
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        if is_active:
            endpoint.failures = 0
            endpoint.disabled_reason = ""
            endpoint.disabled_at = None
        else:
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = _("Disabled by %(person)s.") % {"person": actor}
    endpoint.save()
    _endpoints_changed()
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    endpoint = _lock(endpoint)
    if not can_manage_webhook(actor, endpoint):
        raise NotAllowed()
    endpoint.delete()
    _endpoints_changed()


@transaction.atomic
def endpoint_rotate_secret(*, actor: User, endpoint: WebhookEndpoint) -> NewSecret:
    """A new secret; the current one keeps signing beside it for the overlap."""
    endpoint = _lock(endpoint)
    if not can_manage_webhook(actor, endpoint):
        raise NotAllowed()
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(
        hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS
    )
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return NewSecret(endpoint, secret)


@transaction.atomic
def endpoint_send_test(*, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event for this endpoint alone, sent as any other."""
    endpoint = _lock(endpoint)
    if not can_manage_webhook(actor, endpoint):
        raise NotAllowed()
    if not endpoint.is_active:
        raise InvalidTransition(_("Enable the endpoint first."))
    event_id = uuid.uuid4()
    project = endpoint.project
    body = _body(
        event_id=event_id,
        event_type=TEST_EVENT,
        occurred_at=timezone.now().isoformat(),
        project=(
            {"id": project.pk, "code": project.code, "name": project.name} if project else None
        ),
        data={"message": "A test event: the endpoint is reached and the signature verifies."},
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        event_type=TEST_EVENT,
        project_id=project.pk if project else None,
        body=body,
    )
    _queue(delivery.pk)
    return delivery


@transaction.atomic
def delivery_resend(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (the same event id and body), as a new series of attempts."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint__project")
        .get(pk=delivery.pk)
    )
    if not can_manage_webhook(actor, delivery.endpoint):
        raise NotAllowed()
    if not delivery.endpoint.is_active:
        raise InvalidTransition(_("Enable the endpoint first."))
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise InvalidTransition(_("This delivery is still being sent."))
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.claimed_at = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
    _queue(delivery.pk)
    return delivery


def _lock(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    locked = (
        WebhookEndpoint.objects.select_for_update(of=("self",))
        .select_related("client", "project")
        .filter(pk=endpoint.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


# --- Who hears an event -------------------------------------------------------------------------


def _endpoints_changed() -> None:
    """Forget the cached list of active endpoints, now and again after the commit (a reader
    between the two may have cached what the transaction is replacing)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def _active_endpoints() -> list[dict[str, Any]]:
    """Every active endpoint, as what matching needs: cached (most projects have none, and an
    event must not cost a query for nothing)."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return list(cached)
    rows = [
        dict(row)
        for row in WebhookEndpoint.objects.filter(is_active=True).values(
            "pk", "client_id", "project_id", "events"
        )
    ]
    cache.set(CACHE_KEY, rows, timeout=3600)
    return rows


def _hears(row: dict[str, Any], event: Event) -> bool:
    if event.type not in row["events"]:
        return False
    if row["project_id"] is not None and row["project_id"] != event.project_id:
        return False
    if row["client_id"] is not None:
        return event.client_visible and row["client_id"] == event.client_id
    return True


def _body(
    *,
    event_id: uuid.UUID,
    event_type: str,
    occurred_at: str,
    project: dict[str, Any] | None,
    data: dict[str, Any],
) -> str:
    return json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "api_version": API_VERSION,
            "occurred_at": occurred_at,
            "project": project,
            "data": data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )


def _on_event(sender: Any, event: Event, **kwargs: Any) -> None:
    hearing = [row["pk"] for row in _active_endpoints() if _hears(row, event)]
    if not hearing:
        return
    body = _body(
        event_id=event.id,
        event_type=event.type,
        occurred_at=event.occurred_at.isoformat(),
        project={"id": event.project_id, "code": event.project_code, "name": event.project_name},
        data=event.data,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event_id=event.id,
            event_type=event.type,
            project_id=event.project_id,
            body=body,
        )
        for endpoint_id in hearing
    )
    for delivery in deliveries:
        _queue(delivery.pk)


def connect() -> None:
    event_occurred.connect(_on_event, dispatch_uid="integrations-webhooks")


def _queue(delivery_id: int) -> None:
    from integrations.tasks import webhook_deliver_task

    enqueue_after_commit(webhook_deliver_task, delivery_id)


# --- Sending ----------------------------------------------------------------------------------


def deliveries_due_ids(*, limit: int = 500) -> list[int]:
    """Waiting deliveries whose time has come (a retry, or a task lost by the broker), none that
    a live sender holds."""
    now = timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - timedelta(seconds=30))
        )
        .exclude(claimed_at__gt=now - CLAIM_STALE)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@retry_when_locked
def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        if delivery.claimed_at is not None and delivery.claimed_at > now - CLAIM_STALE:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None  # queued early (a resend raced a retry): the sweep sends it on time
        if not delivery.endpoint.is_active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = _disabled_error()
            delivery.save(update_fields=["status", "last_error"])
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.claimed_at = now
        delivery.save(update_fields=["attempts", "last_attempt_at", "claimed_at"])
    return delivery


def _disabled_error() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Not sent: the endpoint is disabled.")


def delivery_send(*, delivery_id: int) -> str:
    """Claim one delivery, POST it (no transaction open meanwhile) and record what happened.
    Returns "delivered", "retry", "failed" or "skipped" (another sender has it, or it is done)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    now = timezone.now()
    secrets_ = [endpoint.secret]
    if endpoint.previous_secret and (
        endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now
    ):
        secrets_.append(endpoint.previous_secret)
    timestamp = int(now.timestamp())
    message_id = str(delivery.event_id)
    answer = post(
        url=endpoint.url,
        body=delivery.body,
        headers={
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(
                secrets_=secrets_, message_id=message_id, timestamp=timestamp, body=delivery.body
            ),
        },
    )
    return _record(delivery, answer.status, answer.error)


@retry_when_locked
def _record(delivery: WebhookDelivery, status: int | None, error: str) -> str:
    now = timezone.now()
    with transaction.atomic():
        mine = WebhookDelivery.objects.filter(
            pk=delivery.pk,
            status=WebhookDelivery.Status.PENDING,
            claimed_at=delivery.claimed_at,
        )
        endpoint = (
            WebhookEndpoint.objects.select_for_update().filter(pk=delivery.endpoint_id).first()
        )
        if endpoint is None:  # deleted while the request was out: its log went with it
            return "skipped"
        if status is not None and 200 <= status < 300:
            mine.update(
                status=WebhookDelivery.Status.DELIVERED,
                response_status=status,
                last_error="",
                delivered_at=now,
                next_attempt_at=None,
                claimed_at=None,
            )
            if endpoint.failures:
                endpoint.failures = 0
                endpoint.save(update_fields=["failures"])
            return "delivered"
        retries: list[int] = list(settings.WEBHOOK_RETRY_SECONDS)
        if delivery.attempts <= len(retries):
            outcome = "retry"
            fields: dict[str, Any] = {
                "next_attempt_at": now + timedelta(seconds=retries[delivery.attempts - 1])
            }
        else:
            outcome = "failed"
            fields = {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
        if not mine.update(response_status=status, last_error=error, claimed_at=None, **fields):
            return "skipped"
        endpoint.failures += 1
        endpoint.save(update_fields=["failures"])
        if endpoint.is_active and endpoint.failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
            _disable(endpoint, error)
    return outcome


def _disable(endpoint: WebhookEndpoint, error: str) -> None:
    """Disable a failing endpoint, fail what waits for it, and tell its owner (in the app and by
    e-mail, in their language)."""
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    failures = endpoint.failures
    owner = endpoint.created_by
    with translation.override(owner.language if owner else settings.LANGUAGE_CODE):
        endpoint.disabled_reason = (
            _("Disabled after %(count)d failed attempts in a row. The last: %(error)s")
            % {"count": failures, "error": error or _("no answer")}
        )[:500]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED,
        last_error=_disabled_error(),
        next_attempt_at=None,
        claimed_at=None,
    )
    _endpoints_changed()
    if owner is None or not owner.is_active:
        return
    url = reverse("integrations:webhook", kwargs={"endpoint_id": endpoint.pk})
    with translation.override(owner.language):
        title = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
        body = endpoint.disabled_reason
    notification_create(user=owner, title=title, body=body, url=url)
    outbox_enqueue(
        kind="webhook_disabled",
        to_email=owner.email,
        to_user=owner,
        language=owner.language,
        time_zone=owner.time_zone,
        template="notifications/email/generic",
        context={"person": owner, "title": title, "body": body, "url": url},
        dedupe_key=f"webhook-disabled:{endpoint.pk}:{endpoint.disabled_at.isoformat()}",
    )
