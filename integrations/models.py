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
