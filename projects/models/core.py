from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH

if TYPE_CHECKING:
    from accounts.models import User


class Role(models.TextChoices):
    """A person's role in one project (DESIGN.md, "Roles and what they may do")."""

    PM = "pm", _("Project manager")
    AM = "am", _("Account manager")
    TEAM_MEMBER = "team_member", _("Team member")
    CLIENT_ADMIN = "client_admin", _("Client admin")
    CUSTOMER_REP = "customer_rep", _("Customer representative")
    CLIENT_VIEWER = "client_viewer", _("Client viewer")


STAFF_ROLES: frozenset[str] = frozenset({Role.PM, Role.AM, Role.TEAM_MEMBER})
CLIENT_ROLES: frozenset[str] = frozenset({Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER})


class Visibility(models.TextChoices):
    """Who may see an item of a project. Each kind of item picks its own default."""

    INTERNAL = "internal", _("Internal")
    CLIENT = "client", _("Visible to client")


class Phase(models.TextChoices):
    INITIATION = "initiation", _("Initiation")
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    MONITORING = "monitoring", _("Monitoring")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


class HealthStatus(models.TextChoices):
    """Red, amber, green: how a project stands (projects.health computes it)."""

    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class BudgetVisibility(models.TextChoices):
    NOTHING = "nothing", _("Nothing")
    TOTALS = "totals", _("Totals")
    DETAIL = "detail", _("Detail")


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: User) -> ProjectQuerySet:
        """The projects `user` may open: their memberships; every project for a staff admin."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff_admin:
            return self.all()
        return self.filter(memberships__user=user)


class Project(Revisioned):
    client = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": "client"},
    )
    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("A short unique code, such as NW-WMS."),
        allow_unicode=False,
    )
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.INITIATION
    )
    scope_statement = models.TextField(_("scope"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    out_of_scope = models.TextField(
        _("out of scope"),
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=_("One item per line."),
    )
    baseline_start_date = models.DateField(_("baseline start"), null=True, blank=True)
    baseline_end_date = models.DateField(_("baseline end"), null=True, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    budget_visibility = models.CharField(
        _("what the client sees of time and budget"),
        max_length=8,
        choices=BudgetVisibility.choices,
        default=BudgetVisibility.NOTHING,
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    deemed_acceptance_days = models.PositiveSmallIntegerField(
        _("deemed acceptance after (business days)"),
        null=True,
        blank=True,
        help_text=_(
            "If set, a deliverable the client has not answered within this many business days "
            "after its submission counts as accepted, as the contract says."
        ),
    )
    gates_need_client_approval = models.BooleanField(
        _("phase gates need the client admin's approval"),
        default=False,
        help_text=_("If set, the project moves to its next phase only once the client approves."),
    )
    # The PM's override of the computed health, with a written reason. It lasts until the next
    # status report (which ends it) or until `health_override_until`, whichever comes first.
    health_override = models.CharField(
        _("health set by the project manager"),
        max_length=8,
        choices=HealthStatus.choices,
        blank=True,
    )
    health_override_reason = models.TextField(
        _("reason for the health override"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    health_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("health overridden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    health_override_until = models.DateField(_("health override until"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_end_date__isnull=True)
                | models.Q(baseline_start_date__isnull=True)
                | models.Q(baseline_end_date__gte=models.F("baseline_start_date")),
                name="project_baseline_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="project_budget_not_negative",
            ),
            # Target of the composite key that ties a membership to its project's client.
            models.UniqueConstraint(fields=["id", "client"], name="project_id_client"),
        ]
        indexes = [
            # The portfolios' order (name, then id): a page of ten thousand projects is read
            # from the index instead of sorting them all.
            models.Index(fields=["name", "id"], name="project_name_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def is_closed(self) -> bool:
        """Closed projects are read-only (projects.closure); pages hide their edit forms."""
        return self.phase == Phase.CLOSED


class Membership(models.Model):
    """A user's role in a project.

    `member_organization`, `member_side` and `project_client` copy the user's organisation and
    side and the project's client; on PostgreSQL composite foreign keys keep them equal to the
    originals (migration 0002, ON UPDATE CASCADE), and the check constraint below then guarantees
    that a client user is only ever a member of their own organisation's projects, with a client
    role, and that provider people hold only provider roles.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,  # Meta.indexes: membership_user_roles_idx starts with the person
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    member_organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    member_side = models.CharField(max_length=16, editable=False)
    project_client = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["project_id", "role", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=sorted(CLIENT_ROLES),
                        member_side="client",
                        member_organization=models.F("project_client"),
                    )
                    | models.Q(role__in=sorted(STAFF_ROLES), member_side="provider")
                ),
                name="membership_side_matches_role",
            ),
        ]
        indexes = [
            # A person's roles, read with them on every request (accounts.backends) and by the
            # scopes of their pages: from the index alone, not one table row per membership
            # (a PM in 118 projects: 0.58 → 0.18 ms in PostgreSQL).
            models.Index(
                fields=["user", "project", "role", "project_client"],
                name="membership_user_roles_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_client_side(self) -> bool:
        return self.role in CLIENT_ROLES


class Objective(Revisioned):
    """A measurable goal of the project: what, the target, and where it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        ACHIEVED = "achieved", _("Achieved")
        MISSED = "missed", _("Missed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("goal"), max_length=300)
    target = models.CharField(_("target"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
