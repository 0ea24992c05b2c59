"""The portal's own records: when a person last opened a project, how long the client has to
answer, which decision reminders went out, and who viewed the portal as whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A client answer is due this many business days after an item starts waiting, unless the
# project says otherwise (ClientResponseTime).
DEFAULT_CLIENT_RESPONSE_DAYS = 5


class ProjectVisit(models.Model):
    """The last time a person opened a project's portal page: "what happened since your last
    visit" is measured from the visit before the current one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="project_visits",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_at = models.DateTimeField(_("last visit"))

    class Meta:
        verbose_name = _("project visit")
        verbose_name_plural = _("project visits")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="project_visit_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.project} · {self.visited_at:%Y-%m-%d %H:%M}"


class ClientResponseTime(models.Model):
    """How many business days the client has to answer what waits for them in a project; past
    that, the daily reminder e-mails the person. Without a row: DEFAULT_CLIENT_RESPONSE_DAYS."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="client_response_time",
    )
    client_response_days = models.PositiveSmallIntegerField(
        _("client response time (business days)"), default=DEFAULT_CLIENT_RESPONSE_DAYS
    )

    class Meta:
        verbose_name = _("client response time")
        verbose_name_plural = _("client response times")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client_response_days__gte=1, client_response_days__lte=60),
                name="client_response_days_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.client_response_days}"


class DecisionReminder(models.Model):
    """One reminder e-mail about one waiting item to one person: the unique key makes the
    daily task send it once, whatever the person's e-mail preference or a second run."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="decision_reminders",
    )
    dedupe_key = models.CharField(_("key"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision reminder")
        verbose_name_plural = _("decision reminders")

    def __str__(self) -> str:
        return self.dedupe_key


class ViewAsSession(models.Model):
    """A PM or an AM looked at the portal as one client member of their project."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    viewed = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed as"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("view-as session")
        verbose_name_plural = _("view-as sessions")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.viewer} → {self.viewed} ({self.project})"
