"""Personal access tokens for the API: scoped (read or write, optionally one project), expiring,
stored as a hash only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="access_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, shown in lists so that a person knows which is which.
    prefix = models.CharField(_("starts with"), max_length=12)
    scope = models.CharField(
        pgettext_lazy("access token", "scope"),
        max_length=8,
        choices=Scope.choices,
        default=Scope.READ,
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("only the project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="access_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def throttle_key(self) -> str:
        """Each token's own rate limit (common.api_throttling.TokenThrottle)."""
        return f"access-token-{self.pk}"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class WebhookEndpoint(models.Model):
    """An address that hears of a project's events, signed with its secret (integrations.
    webhooks). An endpoint is the team's (no `client`) or a client organisation's: a client's
    endpoint hears only of events its people may see, about its own projects. Without a project
    it hears of every project (a client's: of every project of that client)."""

    client = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("for the client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        limit_choices_to={"kind": "client"},
        related_name="webhook_endpoints",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("only the project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    # While a rotated secret's overlap lasts, deliveries are signed with both.
    previous_secret = models.CharField(max_length=64, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=500, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    # Failed attempts since the last delivery it accepted; WEBHOOK_DISABLE_AFTER_FAILURES of
    # them disable it.
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    @property
    def for_client(self) -> bool:
        return self.client_id is not None


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox of webhooks. Written in the event's transaction
    with the exact body that is sent (so every retry sends the same bytes), delivered by Celery,
    retried with back-off, never delivered twice at once (a sender claims the row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event"))
    event_type = models.CharField(_("event type"), max_length=40)
    # The project the event is about (an id: the delivery log outlives nothing of the project).
    project_id = models.BigIntegerField(_("project"), null=True, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"
